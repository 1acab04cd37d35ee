/**
 * Real receivers for the notification tests, on free ports: an SMTP server (smtp-server)
 * that records every message it accepts, and an HTTP endpoint that checks each webhook's
 * HMAC-SHA256 signature. Both can be told to fail or to hang.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { verify } from "../../server/src/modules/notification/webhook-sender.js";

export interface ReceivedMail {
  to: string[];
  raw: string;
  headers: Record<string, string>;
  subject: string;
  messageId: string;
  inReplyTo: string | null;
  references: string | null;
  text: string;
}

function decodeWords(v: string): string {
  return v.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=\s*(?==\?)?/g, (_m, _cs, enc: string, data: string) =>
    enc.toUpperCase() === "B" ? Buffer.from(data, "base64").toString("utf8") : decodeQ(data.replace(/_/g, " ")),
  );
}

function decodeQ(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "=" && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(s[i], "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Headers (unfolded, lower-case names) and the decoded text body of a single-part message. */
export function parseMail(raw: string): { headers: Record<string, string>; text: string } {
  const norm = raw.replace(/\r\n/g, "\n");
  const split = norm.indexOf("\n\n");
  const head = norm.slice(0, split).replace(/\n[ \t]+/g, " ");
  const body = norm.slice(split + 2);
  const headers: Record<string, string> = {};
  for (const line of head.split("\n")) {
    const c = line.indexOf(":");
    if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = decodeWords(line.slice(c + 1).trim());
  }
  const cte = (headers["content-transfer-encoding"] ?? "7bit").toLowerCase();
  const text =
    cte === "quoted-printable" ? decodeQ(body.replace(/=\n/g, "")) : cte === "base64" ? Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8") : body;
  return { headers, text };
}

export interface SmtpRecorder {
  url: string;
  messages: ReceivedMail[];
  /** Messages whose DATA was received but not answered (hung). */
  hung: ReceivedMail[];
  /** Decides per message (0-based count of messages seen): accept, refuse with 451, or never answer. */
  behave: (n: number, mail: ReceivedMail) => "accept" | "fail" | "hang";
  close(): Promise<void>;
}

export async function smtpRecorder(): Promise<SmtpRecorder> {
  let seen = 0;
  const recorder: SmtpRecorder = {
    url: "",
    messages: [],
    hung: [],
    behave: () => "accept",
    close: async () => undefined,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const { headers, text } = parseMail(raw);
        const mail: ReceivedMail = {
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          headers,
          subject: headers.subject ?? "",
          messageId: headers["message-id"] ?? "",
          inReplyTo: headers["in-reply-to"] ?? null,
          references: headers.references ?? null,
          text,
        };
        const what = recorder.behave(seen++, mail);
        if (what === "hang") {
          recorder.hung.push(mail);
          return; // never answer
        }
        if (what === "fail") {
          const err = Object.assign(new Error("try again later"), { responseCode: 451 });
          return callback(err);
        }
        recorder.messages.push(mail);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  recorder.url = `smtp://127.0.0.1:${port}`;
  recorder.close = () =>
    new Promise<void>((resolve) => {
      for (const c of (server as unknown as { connections: Set<{ close(): void }> }).connections ?? []) c.close();
      server.close(() => resolve());
      setTimeout(resolve, 1_000);
    });
  return recorder;
}

export interface ReceivedHook {
  deliveryId: string;
  event: string;
  signature: string;
  valid: boolean;
  body: string;
  json: any;
  at: number;
}

export interface HookReceiver {
  url: string;
  received: ReceivedHook[];
  /** Answers per request (0-based): a status code, or "hang" (never answer). */
  behave: (n: number, hook: ReceivedHook) => number | "hang";
  close(): Promise<void>;
}

export async function hookReceiver(secret: string): Promise<HookReceiver> {
  let seen = 0;
  const hanging = new Set<http.ServerResponse>();
  const receiver: HookReceiver = { url: "", received: [], behave: () => 200, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const signature = String(req.headers["x-atalaya-signature-256"] ?? "");
      const hook: ReceivedHook = {
        deliveryId: String(req.headers["x-atalaya-delivery"] ?? ""),
        event: String(req.headers["x-atalaya-event"] ?? ""),
        signature,
        valid: verify(secret, body, signature),
        body,
        json: JSON.parse(body),
        at: Date.now(),
      };
      receiver.received.push(hook);
      const what = receiver.behave(seen++, hook);
      if (what === "hang") {
        hanging.add(res);
        return;
      }
      res.writeHead(what, { "content-type": "text/plain" });
      res.end(what < 300 ? "ok" : "no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/** Polls `check` until it is truthy (or fails after `ms`). */
export async function waitFor<T>(check: () => T | Promise<T>, ms = 10_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
