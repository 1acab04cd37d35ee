/** Notification settings are validated once, at start, with messages a person can act on (issue 9). */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../server/src/platform/config.js";
import { mailDomainOf, webhookUrl } from "../server/src/modules/notification/notification.service.js";
import { backoffMs } from "../server/src/modules/notification/dispatcher.js";
import { SecretBox } from "../server/src/modules/notification/secret-box.js";
import { sign, verify } from "../server/src/modules/notification/webhook-sender.js";

describe("notification configuration", () => {
  it("accepts smtp:// and smtps:// URLs, refuses anything else naming the variable", () => {
    expect(loadConfig({ SMTP_URL: "smtp://mail.example.com:587" }).smtpUrl).toBe("smtp://mail.example.com:587");
    expect(loadConfig({ SMTP_URL: "smtps://u:p@mail.example.com" }).smtpUrl).toBe("smtps://u:p@mail.example.com");
    expect(loadConfig({}).smtpUrl).toBeUndefined();
    expect(() => loadConfig({ SMTP_URL: "http://mail.example.com" })).toThrow(/SMTP_URL must start with smtp:\/\/ or smtps:\/\//);
    expect(() => loadConfig({ SMTP_URL: "smtp://u:secret@" })).toThrow(ConfigError);
  });

  it("validates MAIL_FROM and WEBHOOK_SECRETS_KEY", () => {
    expect(loadConfig({}).mailFrom).toBe("Atalaya Service Desk <no-reply@atalaya.localhost>");
    expect(loadConfig({ MAIL_FROM: "Soporte <soporte@acme.es>" }).mailFrom).toBe("Soporte <soporte@acme.es>");
    expect(() => loadConfig({ MAIL_FROM: "not an address" })).toThrow(/MAIL_FROM must be an e-mail address/);
    expect(mailDomainOf("Soporte <soporte@ACME.es>")).toBe("acme.es");
    expect(loadConfig({ WEBHOOK_SECRETS_KEY: "ab".repeat(32) }).webhookSecretsKey?.length).toBe(32);
    expect(() => loadConfig({ WEBHOOK_SECRETS_KEY: "short" })).toThrow(/WEBHOOK_SECRETS_KEY must be 32 bytes/);
    expect(() => loadConfig({ NOTIFY_TIMEOUT_MS: "0" })).toThrow(/NOTIFY_TIMEOUT_MS/);
  });

  it("refuses webhook URLs that are not absolute http(s) without credentials", () => {
    expect(webhookUrl("https://hooks.example.com/x")).toBe("https://hooks.example.com/x");
    for (const bad of ["", "hooks.example.com", "ftp://x.example.com", "https://u:p@x.example.com", "javascript:alert(1)"]) {
      expect(() => webhookUrl(bad), bad).toThrow(expect.objectContaining({ code: "BAD_USER_INPUT" }));
    }
  });

  it("seals secrets under the key and the webhook's id; signs with HMAC-SHA256", () => {
    const box = SecretBox.open(Buffer.alloc(32, 7), "/nonexistent");
    const sealed = box.seal("s3cret", "id-1");
    expect(sealed).not.toContain("s3cret");
    expect(box.open(sealed, "id-1")).toBe("s3cret");
    expect(() => box.open(sealed, "id-2")).toThrow();
    expect(() => SecretBox.open(Buffer.alloc(32, 8), "/nonexistent").open(sealed, "id-1")).toThrow();
    // the published test vector of RFC 4231 case 2
    expect(sign("Jefe", "what do ya want for nothing?")).toBe("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    expect(verify("Jefe", "what do ya want for nothing?", sign("Jefe", "what do ya want for nothing?"))).toBe(true);
    expect(verify("Jefe", "tampered", sign("Jefe", "what do ya want for nothing?"))).toBe(false);
  });

  it("backs off exponentially, at most an hour apart", () => {
    expect([1, 2, 3, 4, 8, 20].map(backoffMs)).toEqual([30_000, 60_000, 120_000, 240_000, 3_600_000, 3_600_000]);
  });
});
