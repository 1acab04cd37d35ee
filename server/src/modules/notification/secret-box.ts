/**
 * Webhook secrets at rest. A secret must sign every delivery, so it cannot be kept as a
 * hash like an API key: it is sealed with AES-256-GCM under WEBHOOK_SECRETS_KEY, with the
 * webhook's id as additional data (a sealed secret copied to another row does not open).
 * Without WEBHOOK_SECRETS_KEY the key is a random file in DATA_DIR (mode 0600), which fits
 * the one-process embedded default; replicas must share WEBHOOK_SECRETS_KEY.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const VERSION = "v1";

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** The configured key, else the data folder's key file (created on first use). */
  static open(configured: Buffer | undefined, dataDir: string): SecretBox {
    if (configured) return new SecretBox(configured);
    const file = path.join(dataDir, "webhook-secrets.key");
    try {
      const hex = fs.readFileSync(file, "utf8").trim();
      const key = Buffer.from(hex, "hex");
      if (key.length === 32) return new SecretBox(key);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    fs.mkdirSync(dataDir, { recursive: true });
    const key = randomBytes(32);
    try {
      fs.writeFileSync(file, key.toString("hex"), { mode: 0o600, flag: "wx" });
      return new SecretBox(key);
    } catch (err) {
      // another process created it first: use theirs
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      return new SecretBox(Buffer.from(fs.readFileSync(file, "utf8").trim(), "hex"));
    }
  }

  seal(secret: string, owner: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(owner, "utf8"));
    const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
    return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(":");
  }

  /** Throws when the sealed text was made under another key or for another owner. */
  open(sealed: string, owner: string): string {
    const [version, iv, tag, body] = sealed.split(":");
    if (version !== VERSION || !iv || !tag || body === undefined) throw new Error("not a sealed secret");
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64"));
    decipher.setAAD(Buffer.from(owner, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
  }
}
