/**
 * Notifications (issue 9): webhooks as ADMIN manages them, the deliveries they and the
 * e-mails produce, and the pump that keeps planning (committed events → delivery rows)
 * and dispatching (due rows → SMTP / .eml / HTTP) on every replica.
 */
import { randomUUID } from "node:crypto";
import { DomainError } from "../../domain/errors.js";
import type { Clock } from "../../platform/clock.js";
import type { Config } from "../../platform/config.js";
import type { Db } from "../../platform/data-source.js";
import type { EventBus } from "../../platform/event-bus.js";
import type { Logger } from "../../platform/logger.js";
import { INCIDENT_EVENTS_TOPIC } from "../incident/incident.rows.js";
import { NotificationDispatcher } from "./dispatcher.js";
import { FileMailer, SmtpMailer, type Mailer } from "./mailer.js";
import { defaultKnowledgeContext, NotificationPlanner, RETRY_WINDOW_MS, type KnowledgeContext } from "./planner.js";
import { SecretBox } from "./secret-box.js";

export type DeliveryStatus = "PENDING" | "DELIVERED" | "FAILED" | "DEAD";

export interface WebhookRow {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  created_at: Date;
  deleted_at: Date | null;
}

export interface WebhookDeliveryRow {
  id: string;
  webhook_id: string;
  event_sequence: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
}

const WEBHOOK_COLUMNS = "id, url, events, active, created_at, deleted_at";
const DELIVERY_COLUMNS =
  "id, webhook_id, event_sequence::text AS event_sequence, event_type, status, attempts, last_error, next_attempt_at, delivered_at, created_at";
const EVENT_TYPE = /^[A-Z][A-Z0-9_]{1,49}$/;

/** The domain of an address ("Name <a@b.c>" or "a@b.c"). */
export function mailDomainOf(from: string): string {
  const m = /<([^<>]+)>\s*$/.exec(from);
  const address = (m ? m[1] : from).trim();
  return address.slice(address.lastIndexOf("@") + 1).toLowerCase();
}

/** An endpoint must be an absolute http(s) URL without credentials; BAD_USER_INPUT otherwise. */
export function webhookUrl(raw: string | null | undefined): string {
  const v = (raw ?? "").trim();
  const bad = (why: string) => new DomainError("BAD_USER_INPUT", `url ${why}`, { field: "url" });
  if (v === "") throw bad("must not be empty");
  if (v.length > 2_000) throw bad("is too long (at most 2,000 characters)");
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw bad(`"${v}" is not a valid URL`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw bad(`must start with http:// or https://; got "${u.protocol}"`);
  if (!u.hostname) throw bad("has no host");
  if (u.username || u.password) throw bad("must not carry credentials (the secret signs every delivery)");
  return u.toString();
}

export interface NotificationSettings {
  smtpUrl: Config["smtpUrl"];
  mailFrom: string;
  mailDir: string;
  dataDir: string;
  notifyTimeoutMs: number;
  notifyIntervalMs: number;
  webhookSecretsKey: Buffer | undefined;
}

export class NotificationService {
  readonly mailer: Mailer;
  readonly planner: NotificationPlanner;
  readonly dispatcher: NotificationDispatcher;
  private readonly box: SecretBox;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private unsubscribe: (() => void) | undefined;
  private failing = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly settings: NotificationSettings,
    knowledge: KnowledgeContext = defaultKnowledgeContext,
  ) {
    const domain = mailDomainOf(settings.mailFrom);
    this.mailer = settings.smtpUrl ? new SmtpMailer(settings.smtpUrl, settings.notifyTimeoutMs) : new FileMailer(settings.mailDir);
    this.box = SecretBox.open(settings.webhookSecretsKey, settings.dataDir);
    this.planner = new NotificationPlanner(db, clock, log, { mailDomain: domain, knowledge });
    this.dispatcher = new NotificationDispatcher(db, clock, this.mailer, this.box, log, {
      from: settings.mailFrom,
      mailDomain: domain,
      timeoutMs: settings.notifyTimeoutMs,
    });
  }

  start(bus: EventBus): void {
    this.stopped = false;
    if (this.mailer.kind === "file") this.log.info({ mailDir: this.settings.mailDir }, "no SMTP_URL: notification e-mails are written as .eml files");
    // every replica hears the published stream: whoever wins the planner lock plans it
    this.unsubscribe = bus.on(INCIDENT_EVENTS_TOPIC, () => this.poke());
    this.schedule(0);
  }

  /** Asks for a planning and dispatching round soon; rounds coalesce. */
  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.round(), delay);
  }

  private async round(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      try {
        await this.planner.drain();
        await this.dispatcher.tick();
        if (this.failing) this.log.info("notifications running again");
        this.failing = false;
      } catch (err) {
        if (!this.failing) this.log.warn({ err: err instanceof Error ? err.message : err }, "notification round failed; retrying");
        this.failing = true;
      }
    })().finally(() => {
      this.running = undefined;
      const soon = this.again && !this.failing;
      this.again = false;
      this.schedule(soon ? 0 : this.settings.notifyIntervalMs);
    });
    await this.running;
  }

  /** Plans and starts what is due now, and waits for those sends (tests, graceful stop). */
  async flush(): Promise<void> {
    await this.running;
    await this.planner.drain();
    await this.dispatcher.tick();
    await this.dispatcher.idle();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.timer);
    await this.running;
    // let sends in flight finish (each is bounded by its timeout) so their outcome is recorded
    await this.dispatcher.idle();
    this.mailer.close();
  }

  // ---- webhooks (ADMIN) -------------------------------------------------------------

  async createWebhook(input: { url: string; events: string[]; secret: string }, now: Date): Promise<WebhookRow> {
    const url = webhookUrl(input.url);
    const events = [...new Set((input.events ?? []).map((e) => (e ?? "").trim()))];
    if (events.length === 0) throw new DomainError("BAD_USER_INPUT", 'events must name at least one event type, or "*" for all', { field: "events" });
    if (events.length > 50) throw new DomainError("BAD_USER_INPUT", "events: at most 50", { field: "events" });
    for (const e of events) {
      if (e !== "*" && !EVENT_TYPE.test(e)) {
        throw new DomainError("BAD_USER_INPUT", `events: "${e}" is not an event type (such as RESOLVED or ESCALATED) nor "*"`, { field: "events" });
      }
    }
    const secret = input.secret ?? "";
    if (secret.trim() === "") throw new DomainError("BAD_USER_INPUT", "secret must not be empty", { field: "secret" });
    if (secret.length > 1_000) throw new DomainError("BAD_USER_INPUT", "secret is too long (at most 1,000 characters)", { field: "secret" });
    const id = randomUUID();
    const [row] = await this.db.query<WebhookRow>(
      `INSERT INTO webhook (id, url, events, secret_sealed, created_at) VALUES ($1, $2, $3::text[], $4, $5) RETURNING ${WEBHOOK_COLUMNS}`,
      [id, url, events, this.box.seal(secret, id), now],
    );
    return row;
  }

  async deleteWebhook(id: string): Promise<WebhookRow> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<WebhookRow>(
        `UPDATE webhook SET active = false, deleted_at = COALESCE(deleted_at, now()) WHERE id = $1 AND deleted_at IS NULL RETURNING ${WEBHOOK_COLUMNS}`,
        [id],
      );
      if (!row) throw new DomainError("NOT_FOUND", "no webhook with that id");
      // what was still waiting will not go out
      await tx.execute(
        "UPDATE notification SET status = 'DEAD', next_attempt_at = NULL, last_error = 'the webhook was deleted' WHERE webhook_id = $1 AND next_attempt_at IS NOT NULL",
        [id],
      );
      return row;
    });
  }

  listWebhooks(): Promise<WebhookRow[]> {
    return this.db.query<WebhookRow>(`SELECT ${WEBHOOK_COLUMNS} FROM webhook WHERE deleted_at IS NULL ORDER BY ord`);
  }

  webhooksByIds(ids: readonly string[]): Promise<WebhookRow[]> {
    return this.db.query<WebhookRow>(`SELECT ${WEBHOOK_COLUMNS} FROM webhook WHERE id = ANY($1::uuid[])`, [ids]);
  }

  async deliveries(filter: { webhookId?: string | null; status?: DeliveryStatus[] | null; first: number }): Promise<WebhookDeliveryRow[]> {
    return this.db.query<WebhookDeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM notification
        WHERE channel = 'WEBHOOK' AND ($1::uuid IS NULL OR webhook_id = $1) AND ($2::text[] IS NULL OR status = ANY($2::text[]))
        ORDER BY created_at DESC, event_sequence DESC, id DESC
        LIMIT $3`,
      [filter.webhookId ?? null, filter.status?.length ? filter.status : null, filter.first],
    );
  }

  /**
   * Sends a delivery again (a DEAD one, typically), with the same delivery id, as soon as the
   * dispatcher looks, and retries it for another 24 hours if it fails.
   */
  async redeliver(id: string, now: Date): Promise<WebhookDeliveryRow> {
    const row = await this.db.transaction(async (tx) => {
      const [current] = await tx.query<{ id: string; deleted: boolean; lease: boolean }>(
        `SELECT n.id, w.deleted_at IS NOT NULL AS deleted, (n.lease_until IS NOT NULL AND n.lease_until > now()) AS lease
           FROM notification n JOIN webhook w ON w.id = n.webhook_id WHERE n.id = $1 AND n.channel = 'WEBHOOK' FOR UPDATE OF n`,
        [id],
      );
      if (!current) throw new DomainError("NOT_FOUND", "no webhook delivery with that id");
      if (current.deleted) throw new DomainError("CONFLICT", "the webhook was deleted: its deliveries cannot be sent again");
      const [r] = await tx.query<WebhookDeliveryRow>(
        `UPDATE notification SET status = CASE WHEN $4 THEN status ELSE 'PENDING' END,
                next_attempt_at = $2, give_up_at = $2::timestamptz + $3 * interval '1 millisecond'
          WHERE id = $1 RETURNING ${DELIVERY_COLUMNS}`,
        [id, now, RETRY_WINDOW_MS, current.lease],
      );
      return r;
    });
    this.poke();
    return row;
  }
}
