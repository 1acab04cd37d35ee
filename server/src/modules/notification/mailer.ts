/**
 * E-mail out: SMTP through nodemailer when SMTP_URL is set; otherwise every message is
 * written as an .eml file (the same bytes SMTP would carry) under the data folder, named by
 * its delivery, so a resend replaces the file instead of adding one.
 */
import fs from "node:fs";
import path from "node:path";
import nodemailer from "nodemailer";

export interface OutgoingMail {
  /** The delivery (or digest) this message is: names the .eml file. */
  key: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  /** "<…@domain>", stable per notification: a resend carries the same one. */
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  date: Date;
  headers: Record<string, string>;
}

/** A refusal that retrying will not fix (an SMTP 5xx on the recipient). */
export class PermanentDeliveryError extends Error {}

export interface Mailer {
  readonly kind: "smtp" | "file";
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

function message(mail: OutgoingMail) {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    messageId: mail.messageId,
    inReplyTo: mail.inReplyTo,
    references: mail.references,
    date: mail.date,
    headers: mail.headers,
  };
}

export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export class SmtpMailer implements Mailer {
  readonly kind = "smtp" as const;
  private readonly transport: nodemailer.Transporter;

  constructor(
    url: string,
    private readonly timeoutMs: number,
  ) {
    // A new connection per message: nothing shared for a hung server to poison.
    this.transport = nodemailer.createTransport({
      url,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    } as nodemailer.TransportOptions);
  }

  async send(mail: OutgoingMail): Promise<void> {
    try {
      await withTimeout(this.transport.sendMail(message(mail)), this.timeoutMs + 1_000, "SMTP delivery");
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      if (typeof code === "number" && code >= 500 && code < 600) throw new PermanentDeliveryError(`SMTP ${code}: ${(err as Error).message}`);
      throw err;
    }
  }

  close(): void {
    this.transport.close();
  }
}

export class FileMailer implements Mailer {
  readonly kind = "file" as const;
  private readonly transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });

  constructor(readonly dir: string) {}

  async send(mail: OutgoingMail): Promise<void> {
    const info = (await this.transport.sendMail(message(mail))) as unknown as { message: Buffer };
    fs.mkdirSync(this.dir, { recursive: true });
    const name = `${mail.key.replace(/[^A-Za-z0-9._-]/g, "_")}.eml`;
    const tmp = path.join(this.dir, `.${name}.tmp`);
    fs.writeFileSync(tmp, info.message);
    fs.renameSync(tmp, path.join(this.dir, name));
  }

  close(): void {}
}
