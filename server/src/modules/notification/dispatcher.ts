/**
 * Sends the deliveries that are due (on the product's clock). A claim takes due rows under
 * a short transaction (`FOR UPDATE SKIP LOCKED`, and a claim lock so a digest is claimed
 * whole by one replica) and leases them on the database's wall clock; the sending happens
 * outside any transaction, each with a timeout, and its outcome is recorded against the
 * claim. A sender that dies leaves a lease that expires: the row is sent again with the same
 * Message-ID / delivery id, so the receiver can drop the repeat.
 *
 * Sends to different recipients run side by side (at most `maxInFlight` messages); to one
 * recipient (an address, an endpoint) they go one after the other in the stream's order, a
 * few per claim. A receiver that hangs, times out or answers 5xx holds its own recipient's
 * queue until its timeout, never the others, nor the API.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../platform/clock.js";
import type { Db } from "../../platform/data-source.js";
import { LOCKS } from "../../platform/locks.js";
import type { Logger } from "../../platform/logger.js";
import { PermanentDeliveryError, type Mailer, type OutgoingMail } from "./mailer.js";
import type { SecretBox } from "./secret-box.js";
import { digest } from "./templates.js";
import { postWebhook } from "./webhook-sender.js";

const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 3_600_000;

export interface DeliveryRow {
  id: string;
  channel: "EMAIL" | "WEBHOOK";
  kind: string;
  event_type: string;
  incident_id: string | null;
  webhook_id: string | null;
  recipient: string | null;
  content: Record<string, unknown>;
  digest: boolean;
  digest_id: string | null;
  attempts: number;
  due_at: Date;
  created_at: Date;
  event_sequence: string | null;
}

/** Who a delivery goes to: an endpoint, or an address (case-insensitive). */
function recipientKey(r: Pick<DeliveryRow, "webhook_id" | "recipient">): string {
  return r.webhook_id ?? (r.recipient ?? "").toLowerCase();
}

interface WebhookSecretRow {
  id: string;
  url: string;
  secret_sealed: string;
  deleted_at: Date | null;
}

/** The wait before retry n (1-based): 30 s, 1 min, 2 min, … at most an hour. */
export function backoffMs(attempt: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
}

export interface DispatcherOptions {
  from: string;
  mailDomain: string;
  timeoutMs: number;
  maxInFlight?: number;
}

/** Messages to one recipient taken by one claim (sent in order, one at a time). */
const PER_RECIPIENT = 4;

export class NotificationDispatcher {
  private inFlight = 0;
  /** Recipients with a send in flight on this replica: not claimed again until it is recorded. */
  private readonly busy = new Set<string>();
  private readonly sends = new Set<Promise<void>>();
  private claiming: Promise<void> | undefined;
  private again = false;
  /** Messages handed to a transport by this replica (metrics, tests). */
  sent = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly mailer: Mailer,
    private readonly box: SecretBox,
    private readonly log: Logger,
    private readonly opts: DispatcherOptions,
  ) {}

  private get maxInFlight(): number {
    return this.opts.maxInFlight ?? 32;
  }

  /** The lease outlives a claim's sends to one recipient: a live sender always records before it expires. */
  get leaseMs(): number {
    return PER_RECIPIENT * (this.opts.timeoutMs + 1_000) + 5_000;
  }

  /** Claims and starts what is due, as far as free slots allow; coalesces concurrent calls. */
  async tick(): Promise<void> {
    if (this.claiming) {
      this.again = true;
      return this.claiming;
    }
    this.claiming = (async () => {
      do {
        this.again = false;
        await this.claimAndStart();
      } while (this.again);
    })().finally(() => (this.claiming = undefined));
    return this.claiming;
  }

  /** Waits for the sends in flight (graceful stop, tests). */
  async idle(): Promise<void> {
    while (this.sends.size > 0 || this.claiming) {
      await Promise.allSettled([...this.sends, this.claiming]);
    }
  }

  private async claimAndStart(): Promise<void> {
    const free = this.maxInFlight - this.inFlight;
    if (free <= 0) return;
    const now = await this.clock.now();
    const claimId = randomUUID();
    const rows = await this.db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [LOCKS.notificationClaim]);
      // due rows in the stream's order, a few per recipient, none for a recipient busy here
      const due = await tx.query<{ id: string; digest: boolean; digest_id: string | null; recipient: string | null; due_at: Date }>(
        `SELECT id, digest, digest_id, recipient, due_at FROM notification
          WHERE id IN (
            SELECT id FROM (
              SELECT id, next_attempt_at, event_sequence,
                     row_number() OVER (PARTITION BY COALESCE(webhook_id::text, lower(recipient)) ORDER BY next_attempt_at, event_sequence, id) AS nth
                FROM notification
               WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= $1
                 AND (lease_until IS NULL OR lease_until < now())
                 AND NOT (COALESCE(webhook_id::text, lower(recipient)) = ANY($3::text[]))
            ) AS ranked
            WHERE nth <= ${PER_RECIPIENT}
            ORDER BY next_attempt_at, event_sequence, id
            LIMIT $2)
          ORDER BY next_attempt_at, event_sequence, id
          FOR UPDATE SKIP LOCKED`,
        [now, free, [...this.busy]],
      );
      if (due.length === 0) return [];
      const ids = new Set(due.map((r) => r.id));
      // A digest goes whole: take every sibling that is due too (same digest, or same person and morning).
      const groups = new Map<string, { digestId: string | null; recipient: string | null; dueAt: Date }>();
      for (const r of due) {
        if (!r.digest) continue;
        const k = r.digest_id ?? `${r.recipient}|${r.due_at.toISOString()}`;
        if (!groups.has(k)) groups.set(k, { digestId: r.digest_id, recipient: r.recipient, dueAt: r.due_at });
      }
      for (const g of groups.values()) {
        const siblings = g.digestId
          ? await tx.query<{ id: string }>(
              `SELECT id FROM notification WHERE digest_id = $1 AND next_attempt_at IS NOT NULL AND (lease_until IS NULL OR lease_until < now()) FOR UPDATE SKIP LOCKED`,
              [g.digestId],
            )
          : await tx.query<{ id: string }>(
              `SELECT id FROM notification
                WHERE digest AND digest_id IS NULL AND recipient = $1 AND due_at = $2
                  AND next_attempt_at IS NOT NULL AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until < now())
                FOR UPDATE SKIP LOCKED`,
              [g.recipient, g.dueAt, now],
            );
        for (const s of siblings) ids.add(s.id);
        if (!g.digestId) {
          // the digest's identity is fixed before anything is sent: a resend is the same message
          await tx.execute("UPDATE notification SET digest_id = $2 WHERE id = ANY($1::uuid[])", [siblings.map((s) => s.id), randomUUID()]);
        }
      }
      return tx.query<DeliveryRow>(
        `UPDATE notification SET claim_id = $2, lease_until = now() + $3 * interval '1 millisecond', attempts = attempts + 1
          WHERE id = ANY($1::uuid[])
          RETURNING id, channel, kind, event_type, incident_id, webhook_id, recipient, content, digest, digest_id, attempts, due_at, created_at, event_sequence::text AS event_sequence`,
        [[...ids], claimId, this.leaseMs],
      );
    });
    if (rows.length === 0) return;
    rows.sort((a, b) => a.due_at.getTime() - b.due_at.getTime() || Number(BigInt(a.event_sequence ?? "0") - BigInt(b.event_sequence ?? "0")) || (a.id < b.id ? -1 : 1));
    // one unit per message (a digest's rows travel together); one queue per recipient
    const queues = new Map<string, Map<string, DeliveryRow[]>>();
    for (const r of rows) {
      const who = recipientKey(r);
      const units = queues.get(who) ?? new Map<string, DeliveryRow[]>();
      queues.set(who, units);
      const k = r.digest && r.digest_id ? `digest:${r.digest_id}` : r.id;
      units.set(k, [...(units.get(k) ?? []), r]);
    }
    for (const [who, units] of queues) this.start(who, [...units.values()], claimId);
  }

  private start(who: string, units: DeliveryRow[][], claimId: string): void {
    this.inFlight += units.length;
    this.busy.add(who);
    const p: Promise<void> = (async () => {
      for (const unit of units) {
        try {
          await this.deliver(unit).then(
            () => this.record(unit, claimId, null),
            (err: unknown) => this.record(unit, claimId, err),
          );
        } catch (err) {
          this.log.error({ err }, "notification: recording an outcome failed (the lease will expire and it is sent again)");
        } finally {
          this.inFlight--;
        }
      }
    })().finally(() => {
      this.busy.delete(who);
      this.sends.delete(p);
      void this.tick().catch(() => undefined);
    });
    this.sends.add(p);
  }

  private async deliver(unit: DeliveryRow[]): Promise<void> {
    const first = unit[0];
    if (first.channel === "WEBHOOK") return this.deliverWebhook(first);
    const now = await this.clock.now();
    const c = first.content as { subject: string; text: string; messageId: string; thread: string; number: string; toName?: string };
    const to = c.toName ? `"${c.toName.replace(/["\\\r\n]/g, "")}" <${first.recipient}>` : first.recipient!;
    let mail: OutgoingMail;
    if (unit.length > 1) {
      const sorted = [...unit].sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || (a.id < b.id ? -1 : 1));
      const body = digest(sorted.map((r) => ({ number: String(r.content.number), subject: String(r.content.subject), text: String(r.content.text) })));
      mail = {
        key: `digest-${first.digest_id}`,
        from: this.opts.from,
        to,
        subject: body.subject,
        text: body.text,
        messageId: `<digest.${first.digest_id}@${this.opts.mailDomain}>`,
        date: now,
        headers: { "Auto-Submitted": "auto-generated", "X-Atalaya-Notification": sorted.map((r) => r.id).join(", ") },
      };
    } else {
      mail = {
        key: `${c.number}-${first.id}`,
        from: this.opts.from,
        to,
        subject: c.subject,
        text: c.text,
        messageId: c.messageId,
        inReplyTo: c.thread,
        references: [c.thread],
        date: now,
        headers: { "Auto-Submitted": "auto-generated", "X-Atalaya-Notification": first.id, "X-Atalaya-Incident": c.number },
      };
    }
    await this.mailer.send(mail);
    this.sent++;
  }

  private async deliverWebhook(row: DeliveryRow): Promise<void> {
    const [w] = await this.db.query<WebhookSecretRow>("SELECT id, url, secret_sealed, deleted_at FROM webhook WHERE id = $1", [row.webhook_id]);
    if (!w || w.deleted_at) throw new PermanentDeliveryError("the webhook was deleted");
    let secret: string;
    try {
      secret = this.box.open(w.secret_sealed, w.id);
    } catch {
      throw new Error("cannot open the webhook's secret: set the same WEBHOOK_SECRETS_KEY on every replica");
    }
    await postWebhook({ url: w.url, secret, deliveryId: row.id, eventType: row.event_type, body: String(row.content.body) }, this.opts.timeoutMs);
    this.sent++;
  }

  /** Records an attempt's outcome against the claim that made it (a stale sender records nothing). */
  private async record(unit: DeliveryRow[], claimId: string, err: unknown): Promise<void> {
    const now = await this.clock.now();
    const ids = unit.map((r) => r.id);
    if (err === null) {
      await this.db.execute(
        `UPDATE notification SET status = 'DELIVERED', delivered_at = $3, next_attempt_at = NULL, last_error = NULL, lease_until = NULL, claim_id = NULL
          WHERE id = ANY($1::uuid[]) AND claim_id = $2`,
        [ids, claimId, now],
      );
      return;
    }
    const permanent = err instanceof PermanentDeliveryError;
    const message = (err instanceof Error ? err.message : String(err)).slice(0, 1_000);
    this.log.warn({ err: message, ids, channel: unit[0].channel, attempt: unit[0].attempts }, "notification attempt failed");
    await this.db.execute(
      `UPDATE notification SET
          status = CASE WHEN $4 OR $3 >= give_up_at THEN 'DEAD' ELSE 'FAILED' END,
          next_attempt_at = CASE WHEN $4 OR $3 >= give_up_at THEN NULL
                                 ELSE LEAST(give_up_at, $3::timestamptz + LEAST($6::float8, $7::float8 * power(2, GREATEST(attempts - 1, 0))) * interval '1 millisecond') END,
          last_error = $5, lease_until = NULL, claim_id = NULL
        WHERE id = ANY($1::uuid[]) AND claim_id = $2`,
      [ids, claimId, now, permanent, message, MAX_RETRY_MS, FIRST_RETRY_MS],
    );
  }
}
