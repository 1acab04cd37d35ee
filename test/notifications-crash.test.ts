/**
 * Notifications across a crash (issue 9): the built product runs as a separate process and
 * is killed with SIGKILL while an e-mail and a webhook delivery are in flight (the receivers
 * took the message and never answered). Restarted on the same database, it loses nothing:
 * once the dead process's lease expires, both are sent again with the same Message-ID and
 * the same delivery id, so the receivers can drop the repeat. Needs `pnpm build` first.
 */
import fs from "node:fs";
import { describe, expect, it, onTestFinished } from "vitest";
import { ADMIN_KEY, freshPostgres, Gql, hasPostgres, spawnServer, tempDir } from "./helpers/harness.js";
import { hookReceiver, smtpRecorder, waitFor } from "./helpers/notify.js";

describe("a process killed mid-delivery", () => {
  it("is restarted and loses nothing; what it resends carries the same Message-ID and delivery id", async () => {
    const mail = await smtpRecorder();
    onTestFinished(() => mail.close());
    const hook = await hookReceiver("crash-secret");
    onTestFinished(() => hook.close());
    // the first message of each never gets an answer: the sender is stuck mid-delivery
    mail.behave = (n) => (n === 0 ? "hang" : "accept");
    hook.behave = (n) => (n === 0 ? "hang" : 200);

    let env: Record<string, string> = {
      ADMIN_API_KEY: ADMIN_KEY,
      SMTP_URL: mail.url,
      NOTIFY_TIMEOUT_MS: "1500",
      NOTIFY_INTERVAL_MS: "50",
      WEBHOOK_SECRETS_KEY: "11".repeat(32),
    };
    if (hasPostgres) {
      const db = await freshPostgres();
      onTestFinished(() => db.drop());
      env = { ...env, DATABASE_URL: db.url };
    } else {
      const dir = tempDir();
      onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
      env = { ...env, DATA_DIR: dir };
    }

    let proc = await spawnServer(env);
    onTestFinished(() => proc.stop("SIGKILL").then(() => undefined));
    let admin = new Gql(proc.url, ADMIN_KEY);
    await admin.ok(`mutation { createProduct(code: "ERP", name: "ERP") { id } }`);
    await admin.ok(`mutation($i: WebhookInput!) { createWebhook(input: $i) { id } }`, { i: { url: hook.url, events: ["RESPONDED", "COMMENTED"], secret: "crash-secret" } });
    const open = await admin.ok(`mutation($i: OpenIncidentInput!) { openIncident(input: $i) { incident { id number } } }`, {
      i: { title: "Crash", description: "mid-delivery", productCode: "ERP", channel: "EMAIL", severity: "HIGH", requester: { name: "C", email: "crash@example.com" } },
    });
    const id = open.openIncident.incident.id;
    const comment = (body: string) => admin.ok(`mutation($i: AddCommentInput!) { addComment(input: $i) { id } }`, { i: { incidentId: id, body, visibility: "PUBLIC" } });
    await comment("First reply, in flight when the process dies");
    await waitFor(() => mail.hung.length === 1 && hook.received.length === 1, 10_000, "both receivers to hold the first message");
    // more is committed while the first is stuck: it must not be lost either
    await comment("Second reply, committed before the crash");
    await new Promise((r) => setTimeout(r, 100));
    expect(await proc.stop("SIGKILL")).toBe(null);

    const killedAt = Date.now();
    proc = await spawnServer(env);
    admin = new Gql(proc.url, ADMIN_KEY);
    await waitFor(() => mail.messages.length >= 2 && hook.received.length >= 3, 30_000, "the resend after the lease expired");
    await new Promise((r) => setTimeout(r, 1_000)); // anything doubled would arrive now
    const resentAfterMs = Date.now() - killedAt;

    // e-mail: the hung message came again with the same Message-ID; the second one once
    const ids = mail.messages.map((m) => m.messageId);
    expect(ids).toContain(mail.hung[0].messageId);
    expect(mail.messages.map((m) => m.text.includes("First reply") ? "first" : m.text.includes("Second reply") ? "second" : "other").sort()).toEqual(["first", "second"]);
    expect(new Set(ids).size).toBe(ids.length);
    // webhook: the first delivery id arrives twice (hung, then resent); the receiver drops the repeat
    const byDelivery = new Map<string, number>();
    for (const h of hook.received) byDelivery.set(h.deliveryId, (byDelivery.get(h.deliveryId) ?? 0) + 1);
    expect(hook.received[0].deliveryId).toBeTruthy();
    expect(byDelivery.get(hook.received[0].deliveryId)).toBe(2);
    expect(byDelivery.size).toBe(2); // two events, nothing lost
    expect(hook.received.every((h) => h.valid)).toBe(true);
    const deliveries = (await admin.ok(`{ webhookDeliveries { status attempts } }`)).webhookDeliveries;
    expect(deliveries.map((d: any) => d.status)).toEqual(["DELIVERED", "DELIVERED"]);
    console.log(`[measure] killed mid-delivery; everything delivered ${resentAfterMs} ms after the kill (lease ${4 * 2_500 + 5_000} ms)`);
    await proc.stop("SIGTERM");
  });
});
