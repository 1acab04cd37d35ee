/**
 * Turns the committed event stream into deliveries. It reads the outbox's incident events
 * in their one global order (tx_id, id), from its own durable cursor, only rows of
 * transactions older than every running one (as the relay does), under a transaction-level
 * advisory lock so one replica plans at a time. Each event becomes delivery rows whose key
 * (event, recipient, channel) is unique in the database, inserted with ON CONFLICT DO
 * NOTHING in the same transaction that moves the cursor: planning is at least once, rows are
 * exactly once. Nothing here runs inside a resolver's transaction.
 */
import { randomUUID } from "node:crypto";
import { compileCalendar, deriveIncident, UTC_24X7_CALENDAR, type DerivedIncident, type IncidentHistoryEvent } from "../../domain/index.js";
import { toGlobalId } from "../../graphql/ids.js";
import { toId } from "./ids.js";
import type { Clock } from "../../platform/clock.js";
import type { Db, Sql } from "../../platform/data-source.js";
import { LOCKS } from "../../platform/locks.js";
import type { Logger } from "../../platform/logger.js";
import { INCIDENT_EVENTS_TOPIC, type IncidentEventMessage } from "../incident/incident.rows.js";
import * as t from "./templates.js";

const BATCH = 200;
const DAY_MS = 86_400_000;
/** Retries of a delivery go on for this long on the product's clock, then it is DEAD. */
export const RETRY_WINDOW_MS = DAY_MS;

export type RecipientRole = "REQUESTER" | "AGENT" | "LEAD" | "WEBHOOK";

/** A delivery as planned (before insert). */
export interface PlannedDelivery {
  id: string;
  key: string;
  channel: "EMAIL" | "WEBHOOK";
  kind: string;
  eventSequence: string;
  eventType: string;
  incidentId: string;
  webhookId: string | null;
  recipient: string | null;
  recipientRole: RecipientRole;
  severity: string | null;
  content: Record<string, unknown>;
  digest: boolean;
  status: "PENDING" | "SKIPPED";
  lastError: string | null;
  dueAt: Date;
}

/** Knowledge-base context for the next level: a few lines (article titles, a problem's workaround). */
export type KnowledgeContext = (tx: Sql, incident: { id: string; title: string; productId: string }) => Promise<string[]>;

interface IncidentInfo {
  id: string;
  number: string;
  title: string;
  description: string;
  product_id: string;
  product_code: string;
  recorded_at: Date;
  sla_history: IncidentHistoryEvent[];
  contact_id: string;
  requester_name: string;
  requester_email: string | null;
}

interface WebhookTarget {
  id: string;
  url: string;
  events: string[];
}

interface Person {
  id: string;
  name: string;
  email: string | null;
}

export interface PlannerOptions {
  /** The domain of every Message-ID (MAIL_FROM's). */
  mailDomain: string;
  knowledge: KnowledgeContext;
}

/** The customer's thread: every message to the requester replies to this one id. */
export function customerThread(incidentId: string, domain: string): string {
  return `<incident.${incidentId}@${domain}>`;
}

/** The desk's thread about one incident (escalations and alerts). */
export function deskThread(incidentId: string, domain: string): string {
  return `<incident.${incidentId}.desk@${domain}>`;
}

export class NotificationPlanner {
  /** Events turned into deliveries by this replica (metrics, tests). */
  planned = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: PlannerOptions,
  ) {}

  /** Plans everything committed so far; returns how many events were read (0 when another replica holds the lock). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.planBatch();
      total += n;
      if (n < BATCH) return total;
    }
  }

  private async planBatch(): Promise<number> {
    const now = await this.clock.now();
    return this.db.transaction(async (tx) => {
      const [lock] = await tx.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock($1) AS ok", [LOCKS.notificationPlanner]);
      if (!lock.ok) return 0;
      const rows = await tx.query<{ id: string; tx_id: string; payload: IncidentEventMessage }>(
        `SELECT o.id::text AS id, o.tx_id::text AS tx_id, o.payload
           FROM outbox o, notification_cursor c
          WHERE c.consumer = 'planner' AND o.topic = $1
            AND (o.tx_id, o.id) > (c.tx_id, c.outbox_id)
            AND o.tx_id < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY o.tx_id, o.id
          LIMIT ${BATCH}`,
        [INCIDENT_EVENTS_TOPIC],
      );
      if (rows.length === 0) return 0;
      const webhooks = await tx.query<WebhookTarget>("SELECT id, url, events FROM webhook WHERE deleted_at IS NULL AND active ORDER BY id");
      const planned: PlannedDelivery[] = [];
      const incidents = new Map<string, IncidentInfo | null>();
      for (const row of rows) {
        try {
          planned.push(...(await this.planEvent(tx, row.payload, now, webhooks, incidents)));
        } catch (err) {
          // one malformed event must not stop the stream: it is logged and passed over
          this.log.error({ err, sequence: row.payload?.sequence }, "notification planning failed for an event");
        }
      }
      await insertDeliveries(tx, planned, now);
      const last = rows[rows.length - 1];
      await tx.execute("UPDATE notification_cursor SET tx_id = $1::text::xid8, outbox_id = $2::bigint, updated_at = now() WHERE consumer = 'planner'", [
        last.tx_id,
        last.id,
      ]);
      this.planned += rows.length;
      return rows.length;
    });
  }

  private async incident(tx: Sql, id: string, cache: Map<string, IncidentInfo | null>): Promise<IncidentInfo | null> {
    if (cache.has(id)) return cache.get(id)!;
    const [row] = await tx.query<IncidentInfo>(
      `SELECT i.id, i.number, i.title, i.description, i.product_id, p.code AS product_code, i.recorded_at, i.sla_history,
              c.id AS contact_id, c.name AS requester_name, c.email AS requester_email
         FROM incident i JOIN product p ON p.id = i.product_id JOIN contact c ON c.id = i.requester_id
        WHERE i.id = $1`,
      [id],
    );
    cache.set(id, row ?? null);
    return row ?? null;
  }

  /** The deliveries one event calls for. */
  async planEvent(tx: Sql, e: IncidentEventMessage, now: Date, webhooks: readonly WebhookTarget[], cache: Map<string, IncidentInfo | null>): Promise<PlannedDelivery[]> {
    const info = await this.incident(tx, e.incidentId, cache);
    if (!info) return [];
    const snapshot = e.incident ?? { severity: "NORMAL", level: "L1", status: "NEW", productCode: info.product_code, requesterId: info.contact_id };
    const facts: t.IncidentFacts = {
      id: info.id,
      number: info.number,
      title: info.title,
      description: info.description,
      severity: snapshot.severity,
      level: snapshot.level,
      status: snapshot.status,
      productCode: snapshot.productCode,
      requesterName: info.requester_name,
    };
    const at = Date.parse(e.at);
    const out: PlannedDelivery[] = [];
    const base = { eventSequence: e.sequence, eventType: e.type, incidentId: e.incidentId, severity: snapshot.severity };

    // ---- webhooks: every event, as it was published ----
    for (const w of webhooks) {
      if (!w.events.includes("*") && !w.events.includes(e.type)) continue;
      const id = randomUUID();
      const body = JSON.stringify({
        deliveryId: id,
        webhookId: toId("Webhook", w.id),
        sequence: e.sequence,
        event: {
          id: toGlobalId("IncidentEvent", e.sequence),
          sequence: e.sequence,
          type: e.type,
          at: e.at,
          actorKind: e.actorKind,
          actorName: e.actorName,
          data: e.data,
          incident: { id: toGlobalId("Incident", e.incidentId), number: info.number, title: info.title, ...snapshot, requesterId: undefined },
        },
      });
      out.push({
        ...base,
        id,
        key: `${e.sequence}|webhook:${w.id}|WEBHOOK`,
        channel: "WEBHOOK",
        kind: "EVENT",
        webhookId: w.id,
        recipient: w.url,
        recipientRole: "WEBHOOK",
        content: { body },
        digest: false,
        status: "PENDING",
        lastError: null,
        dueAt: now,
      });
    }

    // ---- e-mail ----
    const data = e.data ?? {};
    // Decisions dated before the incident was recorded (an import) notify no one (SLA.md "Alerts").
    const beforeRecorded = at < info.recorded_at.getTime();
    let derived: DerivedIncident | null = null;
    const derive = () => {
      if (derived) return derived;
      const history = info.sla_history;
      const lastAt = history.reduce((m, h) => Math.max(m, h.at), 0);
      try {
        derived = deriveIncident(history, Math.max(now.getTime(), lastAt));
      } catch (err) {
        this.log.warn({ err, incidentId: info.id }, "notification: cannot derive the incident's clocks");
      }
      return derived;
    };
    const toRequester = (kind: string, content: t.MailContent) => {
      out.push(this.requesterMail(base, info, kind, content, now));
    };
    switch (e.type) {
      case "RESPONDED":
      case "COMMENTED": {
        // Internal notes and the customer's own words are never mailed to the customer.
        if (data.visibility !== "PUBLIC" || data.authorKind === "CUSTOMER" || typeof data.commentId !== "string") break;
        const [c] = await tx.query<{ body: string; visibility: string; author_kind: string; author_name: string | null }>(
          "SELECT body, visibility, author_kind, author_name FROM comment WHERE id = $1",
          [data.commentId],
        );
        if (!c || c.visibility !== "PUBLIC" || c.author_kind === "CUSTOMER") break;
        toRequester("CUSTOMER_UPDATE", t.customerReply(facts, c.body, c.author_name));
        break;
      }
      case "RESOLVED": {
        const summary = typeof data.summary === "string" ? data.summary : typeof data.message === "string" ? data.message : null;
        if (data.by === "SYSTEM") {
          if (beforeRecorded) break;
          toRequester("AUTO_RESOLVED", t.customerAutoResolved(facts, derive()?.targets.maxCustomerWaitSeconds ?? null));
        } else {
          toRequester(data.by === "PROBLEM" ? "PROBLEM_RESOLVED" : "RESOLVED", t.customerResolved(facts, summary, data.by === "PROBLEM" ? "PROBLEM" : "PERSON"));
        }
        break;
      }
      case "CLOSED": {
        if (data.by !== "SYSTEM" || beforeRecorded) break;
        toRequester("AUTO_CLOSED", t.customerAutoClosed(facts, derive()?.targets.autoCloseAfterSeconds ?? null));
        break;
      }
      case "ESCALATED": {
        if (beforeRecorded || typeof data.toLevel !== "string") break;
        const agents = await tx.query<Person>("SELECT id, name, email FROM agent WHERE level = $1 ORDER BY id", [data.toLevel]);
        const d = derive();
        const content = t.escalation(facts, {
          by: data.by === "SYSTEM" ? "SYSTEM" : "PERSON",
          actorName: e.actorName,
          fromLevel: typeof data.fromLevel === "string" ? data.fromLevel : null,
          toLevel: data.toLevel,
          reason: typeof data.reason === "string" ? data.reason : null,
          at,
          clocks: d?.clocks ?? [],
          knowledge: await this.knowledge(tx, info),
          recentComments: await recentComments(tx, info.id),
        });
        out.push(...this.deskMail(base, info, "ESCALATED", "AGENT", agents, `no agent works at ${data.toLevel}`, content, at, now, d));
        break;
      }
      case "AT_RISK":
      case "BREACHED": {
        const alert = data.alert as { kind: "AT_RISK" | "BREACHED"; clock: string; level: string | null; cycle: number; dueAt: number } | undefined;
        if (!alert || data.silent || beforeRecorded) break;
        const leads = await tx.query<Person>("SELECT id, name, email FROM agent WHERE lead ORDER BY id");
        const d = derive();
        const content = t.slaAlert(facts, { kind: alert.kind, clock: alert.clock, level: alert.level, cycle: alert.cycle, dueAt: alert.dueAt, at, clocks: d?.clocks ?? [] });
        out.push(...this.deskMail(base, info, e.type, "LEAD", leads, "no agent is marked lead", content, at, now, d));
        break;
      }
      default:
        break;
    }
    return out;
  }

  private requesterMail(base: Pick<PlannedDelivery, "eventSequence" | "eventType" | "incidentId" | "severity">, info: IncidentInfo, kind: string, content: t.MailContent, now: Date): PlannedDelivery {
    const id = randomUUID();
    const address = info.requester_email;
    return {
      ...base,
      id,
      key: `${base.eventSequence}|${address ? address.toLowerCase() : `contact:${info.contact_id}`}|EMAIL`,
      channel: "EMAIL",
      kind,
      webhookId: null,
      recipient: address,
      recipientRole: "REQUESTER",
      content: {
        ...content,
        number: info.number,
        toName: info.requester_name,
        messageId: `<${id}@${this.opts.mailDomain}>`,
        thread: customerThread(info.id, this.opts.mailDomain),
      },
      digest: false, // replies to customers are never held
      status: address ? "PENDING" : "SKIPPED",
      lastError: address ? null : "the requester has no e-mail address",
      dueAt: now,
    };
  }

  /**
   * One message per agent (by address). About a CRITICAL incident it goes now; about HIGH
   * and NORMAL ones, an event outside the working hours of the incident's calendar waits
   * for the next working instant and goes out in that morning's digest.
   */
  private deskMail(
    base: Pick<PlannedDelivery, "eventSequence" | "eventType" | "incidentId" | "severity">,
    info: IncidentInfo,
    kind: string,
    role: "AGENT" | "LEAD",
    people: readonly Person[],
    nobody: string,
    content: t.MailContent,
    at: number,
    now: Date,
    d: DerivedIncident | null,
  ): PlannedDelivery[] {
    let dueAt = now;
    let held = false;
    if (base.severity !== "CRITICAL") {
      const calendar = compileCalendar(d?.targets.calendar ?? UTC_24X7_CALENDAR);
      const from = Math.max(at, 0);
      if (!calendar.isWorking(from)) {
        held = true;
        dueAt = new Date(calendar.nextWorkingInstant(from));
      }
    }
    const common = {
      ...base,
      channel: "EMAIL" as const,
      kind,
      webhookId: null,
      recipientRole: role,
      digest: held,
      dueAt,
    };
    if (people.length === 0) {
      return [{ ...common, id: randomUUID(), key: `${base.eventSequence}|nobody:${role}|EMAIL`, recipient: null, content: { ...content, number: info.number }, status: "SKIPPED", lastError: nobody }];
    }
    const seen = new Set<string>();
    const out: PlannedDelivery[] = [];
    for (const p of people) {
      const address = p.email?.trim() || null;
      const key = address ? address.toLowerCase() : `agent:${p.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const id = randomUUID();
      out.push({
        ...common,
        id,
        key: `${base.eventSequence}|${key}|EMAIL`,
        recipient: address,
        content: { ...content, number: info.number, toName: p.name, messageId: `<${id}@${this.opts.mailDomain}>`, thread: deskThread(info.id, this.opts.mailDomain) },
        status: address ? "PENDING" : "SKIPPED",
        lastError: address ? null : `agent ${p.name} has no e-mail address`,
      });
    }
    return out;
  }

  private async knowledge(tx: Sql, info: IncidentInfo): Promise<string[]> {
    await tx.query("SAVEPOINT notification_kb");
    try {
      const lines = await this.opts.knowledge(tx, { id: info.id, title: info.title, productId: info.product_id });
      await tx.query("RELEASE SAVEPOINT notification_kb");
      return lines;
    } catch (err) {
      await tx.query("ROLLBACK TO SAVEPOINT notification_kb");
      this.log.debug({ err }, "notification: no knowledge-base context");
      return [];
    }
  }
}

async function recentComments(tx: Sql, incidentId: string): Promise<string[]> {
  const rows = await tx.query<{ visibility: string; author_name: string | null; author_kind: string; body: string; created_at: Date }>(
    `SELECT visibility, author_name, author_kind, body, created_at FROM comment WHERE incident_id = $1 ORDER BY created_at DESC, id DESC LIMIT 5`,
    [incidentId],
  );
  return rows.reverse().map((c) => {
    const body = c.body.length > 500 ? `${c.body.slice(0, 500)}…` : c.body;
    return `- ${c.created_at.toISOString()} ${c.visibility} by ${c.author_name ?? c.author_kind}: ${body.replace(/\s+/g, " ")}`;
  });
}

export async function insertDeliveries(tx: Sql, planned: readonly PlannedDelivery[], now: Date): Promise<number> {
  if (planned.length === 0) return 0;
  return tx.execute(
    `INSERT INTO notification (id, delivery_key, channel, kind, event_sequence, event_type, incident_id, webhook_id, recipient, recipient_role, severity,
                               content, digest, status, last_error, due_at, next_attempt_at, give_up_at, created_at)
     SELECT d.id, d.key, d.channel, d.kind, d.seq, d.event_type, d.incident_id, d.webhook_id, d.recipient, d.role, d.severity,
            d.content, d.digest, d.status, d.last_error, d.due_at,
            CASE WHEN d.status = 'PENDING' THEN d.due_at END, d.due_at + $2 * interval '1 millisecond', $3
       FROM jsonb_to_recordset($1::jsonb) AS d(ord int, id uuid, key text, channel text, kind text, seq bigint, event_type text, incident_id uuid, webhook_id uuid,
            recipient text, role text, severity text, content jsonb, digest boolean, status text, last_error text, due_at timestamptz)
      ORDER BY d.ord
     ON CONFLICT (delivery_key) DO NOTHING`,
    [
      JSON.stringify(
        planned.map((p, ord) => ({
          ord,
          id: p.id,
          key: p.key,
          channel: p.channel,
          kind: p.kind,
          seq: p.eventSequence,
          event_type: p.eventType,
          incident_id: p.incidentId,
          webhook_id: p.webhookId,
          recipient: p.recipient,
          role: p.recipientRole,
          severity: p.severity,
          content: p.content,
          digest: p.digest,
          status: p.status,
          last_error: p.lastError,
          due_at: p.dueAt.toISOString(),
        })),
      ),
      RETRY_WINDOW_MS,
      now,
    ],
  );
}

/**
 * The default knowledge-base context: the linked problem's workaround and the published
 * articles that best match the incident's title (when the knowledge tables exist). Runs
 * under a savepoint: a failure only means no context.
 */
export const defaultKnowledgeContext: KnowledgeContext = async (tx, incident) => {
  const [tables] = await tx.query<{ kb: string | null; problem: string | null }>(
    "SELECT to_regclass('knowledge_article')::text AS kb, to_regclass('problem')::text AS problem",
  );
  const lines: string[] = [];
  if (tables?.problem) {
    const [p] = await tx.query<{ number: string; title: string; status: string; workaround: string | null }>(
      "SELECT p.number, p.title, p.status, p.workaround FROM incident i JOIN problem p ON p.id = i.problem_id WHERE i.id = $1",
      [incident.id],
    );
    if (p) lines.push(`Problem ${p.number} (${p.status}): ${p.title}${p.workaround ? ` — workaround: ${p.workaround}` : ""}`);
  }
  if (tables?.kb) {
    const articles = await tx.query<{ title: string }>(
      `WITH q AS (
         SELECT kb_tsquery_or(plainto_tsquery('english', kb_unaccent(w)) || plainto_tsquery('spanish', kb_unaccent(w))) AS q
           FROM regexp_split_to_table($1, '[^[:alnum:]]+') AS w WHERE length(w) > 2
       )
       SELECT a.title FROM knowledge_article a, q
        WHERE q.q IS NOT NULL AND a.status = 'PUBLISHED' AND a.search_vector @@ q.q
          AND (cardinality(a.product_ids) = 0 OR $2::uuid = ANY(a.product_ids))
        ORDER BY ts_rank(a.search_vector, q.q) DESC, a.id LIMIT 3`,
      [incident.title, incident.productId],
    );
    for (const a of articles) lines.push(`Article: ${a.title}`);
  }
  return lines;
};
