import {
  decide,
  deriveIncident,
  isPublicCommunication,
  pendingDecisions,
  DomainError,
  type DerivedIncident,
  type IncidentCommand,
  type IncidentHistoryEvent,
  type Severity,
  type SlaTargets,
} from "../../domain/index.js";
import type { Db, Sql } from "../../platform/data-source.js";
import type { OrderedStream, Position } from "../../platform/ordered-stream.js";
import type { PushQueue } from "../../platform/push-queue.js";
import { decodeCursor, encodeCursor } from "../../graphql/ids.js";
import { actorKindOf, type Principal } from "../access/principal.js";
import type { CatalogService } from "../catalog/catalog.service.js";
import type { AgentRow, ContactRow, ProductRow } from "../catalog/catalog.types.js";
import { text } from "../common/validate.js";
import type { SlaPolicyService } from "../sla-policy/sla-policy.service.js";
import { recordOutcomes } from "../compliance/outcome.repo.js";
import { recordAlerts } from "./alert.repo.js";
import { appendEvents, type NewEvent } from "./incident-events.repo.js";
import { SYSTEM, toStored, type Actor } from "./incident-history.js";
import { INCIDENT_COLUMNS, INCIDENT_VIEW_COLUMNS, type IncidentEventMessage, type IncidentRow, type IncidentView } from "./incident.rows.js";

export interface OpenIncidentCommand {
  title: string;
  description: string;
  productCode: string;
  channel: "PHONE" | "EMAIL" | "WEB";
  severity: Severity;
  requester?: { name: string; email?: string | null; phone?: string | null; organization?: string | null } | null;
  requesterId?: string | null;
  openedAt?: Date | null;
}

export interface IncidentListFilter {
  status?: string[] | null;
  severity?: string[] | null;
  level?: string[] | null;
  productCode?: string | null;
  open?: boolean | null;
  breached?: boolean | null;
  overdue?: boolean | null;
  search?: string | null;
}

export interface IncidentPage {
  /** The columns a list shows only: a page parses every column of every row. */
  rows: IncidentView[];
  totalCount: number;
  hasNextPage: boolean;
  /** What the page's incidents point at, read with it (to prime the request's loaders). */
  products: ProductRow[];
  contacts: ContactRow[];
  agents: AgentRow[];
}

export interface EventStreamFilter {
  severity?: string[] | null;
  level?: string[] | null;
  productCodes?: string[] | null;
  incidentId?: string | null;
  types?: string[] | null;
}

export interface CommentRow {
  id: string;
  incident_id: string;
  body: string;
  visibility: "PUBLIC" | "INTERNAL";
  channel: "PHONE" | "EMAIL" | "WEB" | null;
  author_kind: "AGENT" | "CUSTOMER" | "SYSTEM";
  author_agent_id: string | null;
  author_name: string | null;
  created_at: Date;
}

/** An incident row locked for a change, with its product's code. */
type LockedIncident = IncidentRow & { product_code: string };

/** A history event with who did it and the details only the API needs. */
interface Act {
  event: IncidentHistoryEvent;
  actor: Actor;
  extra: Record<string, unknown>;
}

/** What a command adds beyond its history events: rows and details that only the API needs. */
interface CommandExtras {
  /** Details stored with the command's events (a reason, a summary, a comment id). */
  data?: Record<string, unknown>;
  comment?: { body: string; visibility: "PUBLIC" | "INTERNAL"; channel: string | null; authorKind: "AGENT" | "CUSTOMER" | "SYSTEM" };
}

/** The knowledge base's hooks into incident changes (knowledge module), run in the change's transaction. */
export interface IncidentKnowledgeHooks {
  /** A resolution: checks and counts its article (or records none); details for the RESOLVED event. */
  resolvedWith(tx: Sql, incidentId: string, articleId: string | null): Promise<Record<string, unknown>>;
  /** What was searched and suggested for the incident, carried by its escalation. */
  escalationContext(tx: Sql, incidentId: string): Promise<Record<string, unknown>>;
}

const OPEN_STATUSES = ["NEW", "IN_PROGRESS", "PENDING_CUSTOMER"];
/** Advisory lock class (two-key form, its own key space) of the per-incident change lock. */
const INCIDENT_LOCK_CLASS = 7_310_011;
const RECOMPUTE_BATCH = 200;

/** A stable JSON for comparing targets (jsonb reorders object keys). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value as object)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

function actorOf(by: Principal): Actor {
  return { kind: actorKindOf(by), agentId: by.agentId, name: by.actorName };
}

/** The author kind the SLA engine sees: a customer's word never counts as an update; an integrator logs for the desk. */
function authorKindOf(by: Principal): "AGENT" | "CUSTOMER" | "SYSTEM" {
  return by.role === "CUSTOMER" ? "CUSTOMER" : by.role === "INTEGRATOR" ? "SYSTEM" : "AGENT";
}

/** Owns incident transactions: every change is events + projection + outbox, committed together. */
export class IncidentService {
  private policy!: SlaPolicyService;

  constructor(
    private readonly db: Db,
    private readonly catalog: CatalogService,
    private readonly stream: OrderedStream<IncidentEventMessage>,
    /** After a commit: the relay publishes, the watcher learns the incident's next decision. */
    private readonly afterCommit: (row: IncidentRow | null) => void,
  ) {}

  /** Wired after construction: policy edits call back into this service to recompute. */
  usePolicy(policy: SlaPolicyService): void {
    this.policy = policy;
  }

  private knowledge?: IncidentKnowledgeHooks;

  /** Wired after construction: the knowledge base's part in resolutions and escalations. */
  useKnowledge(hooks: IncidentKnowledgeHooks): void {
    this.knowledge = hooks;
  }

  /**
   * Opens an incident. `within` runs in the same transaction after the OPENED event (the
   * knowledge base's deflection search records itself on the new incident's timeline there).
   */
  async open(cmd: OpenIncidentCommand, by: Principal, now: Date, within?: (tx: Sql, incident: IncidentRow, productCode: string) => Promise<void>): Promise<IncidentRow> {
    const title = text(cmd.title, "title", { max: 200 });
    const description = text(cmd.description, "description", { max: 20_000 });
    const openedAt = cmd.openedAt ?? now;
    if (openedAt.getTime() > now.getTime()) {
      throw new DomainError("BAD_USER_INPUT", `openedAt ${openedAt.toISOString()} is in the future (now is ${now.toISOString()})`, { field: "openedAt" });
    }
    const actor = actorOf(by);
    if (by.role !== "CUSTOMER" && !cmd.requester && !cmd.requesterId) {
      throw new DomainError("BAD_USER_INPUT", "requester or requesterId is required", { field: "requester" });
    }
    if (cmd.requester && cmd.requesterId) {
      throw new DomainError("BAD_USER_INPUT", "give requester or requesterId, not both", { field: "requester" });
    }
    const row = await this.db.transaction(async (tx) => {
      const product = await this.catalog.productByCode(tx, cmd.productCode);
      let requesterId: string;
      if (by.role === "CUSTOMER") {
        // a CUSTOMER key opens as its contact, whatever the input says
        requesterId = by.contactId!;
      } else if (cmd.requesterId) {
        requesterId = (await this.catalog.contactById(tx, cmd.requesterId)).id;
      } else {
        requesterId = (await this.catalog.findOrCreateContact(tx, cmd.requester!)).id;
      }
      const targets = (await this.policy.policy(tx))[cmd.severity];
      const opened: IncidentHistoryEvent = {
        type: "OPENED",
        at: openedAt.getTime(),
        recordedAt: now.getTime(),
        severity: cmd.severity,
        level: "L1",
        channel: cmd.channel,
        productCode: product.code,
        targets,
      };
      // An import (openedAt in the past) records what the rules decided since, silently.
      const decisions = pendingDecisions([opened], now.getTime()).map((d) => d.event);
      const history = [opened, ...decisions];
      const d = deriveIncident(history, now.getTime());
      const [{ n }] = await tx.query<{ n: string }>("SELECT nextval('incident_number_seq')::text AS n");
      const number = `INC-${n.padStart(6, "0")}`;
      const [incident] = await tx.query<IncidentRow>(
        `INSERT INTO incident (number, title, description, severity, channel, status, level, product_id, requester_id, opened_at, recorded_at,
                               next_due_at, next_decision_at, overdue, breached, at_risk, channel_mismatch, sla_history, overdue_since)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb, $19)
         RETURNING ${INCIDENT_COLUMNS}`,
        [
          number,
          title,
          description,
          cmd.severity,
          cmd.channel,
          d.status,
          d.level,
          product.id,
          requesterId,
          openedAt,
          now,
          ms(d.nextDueAt),
          ms(d.nextDecisionAt),
          d.overdue,
          d.breached,
          d.atRisk,
          d.channelMismatch,
          JSON.stringify(history),
          ms(overdueSince(d)),
        ],
      );
      await recordOutcomes(tx, incident.id, d.outcomes, product.code);
      const stored = [
        toStored(opened, actor, false, { number, title }),
        ...decisions.map((e) => toStored(e, SYSTEM, false)),
      ];
      await appendEvents(tx, incident.id, stored, snapshotOf(incident, product.code), now);
      await within?.(tx, incident, product.code);
      return incident;
    });
    this.afterCommit(row);
    return row;
  }

  /** Locks an incident for a change; NOT_FOUND when it does not exist for `by`. */
  private async lock(tx: Sql, incidentId: string, skipLocked = false): Promise<LockedIncident | null> {
    // Changes to one incident queue on an advisory lock first: a row lock is queued for after
    // the transaction id is taken, so waiters could commit out of transaction-id order, and
    // the stream publishes by transaction id (an incident's events out of their order).
    const [got] = await tx.query<{ ok: boolean }>(
      skipLocked ? "SELECT pg_try_advisory_xact_lock($1::int, hashtext($2::text)) AS ok" : "SELECT pg_advisory_xact_lock($1::int, hashtext($2::text)), true AS ok",
      [INCIDENT_LOCK_CLASS, incidentId],
    );
    if (!got.ok) return null;
    const [current] = await tx.query<LockedIncident>(
      `SELECT ${INCIDENT_COLUMNS.split(", ").map((c) => `i.${c}`).join(", ")}, p.code AS product_code
         FROM incident i JOIN product p ON p.id = i.product_id WHERE i.id = $1 FOR NO KEY UPDATE OF i${skipLocked ? " SKIP LOCKED" : ""}`,
      [incidentId],
    );
    return current ?? null;
  }

  /**
   * The one path for a change to an existing incident: lock it, record the decisions the
   * rules took by themselves up to `now`, decide the command against the resulting status,
   * then write events, projection, alerts and outbox in one transaction.
   */
  private async change(
    incidentId: string,
    by: Principal,
    now: Date,
    command: (state: DerivedIncident, row: IncidentRow, tx: Sql) => Promise<{ command: IncidentCommand; extras?: CommandExtras }>,
  ): Promise<IncidentRow> {
    const row = await this.db.transaction((tx) => this.changeWithin(tx, incidentId, by, now, command));
    this.afterCommit(row);
    return row;
  }

  /**
   * `change` in the caller's transaction: a problem changes its incidents together with
   * itself. The caller calls `committed(row)` for each row once its transaction committed.
   */
  async changeWithin(
    tx: Sql,
    incidentId: string,
    by: Principal,
    now: Date,
    command: (state: DerivedIncident, row: IncidentRow, tx: Sql) => Promise<{ command: IncidentCommand; extras?: CommandExtras }>,
  ): Promise<IncidentRow> {
    const current = await this.lock(tx, incidentId);
    if (!current || (by.role === "CUSTOMER" && current.requester_id !== by.contactId)) {
      throw new DomainError("NOT_FOUND", "no incident with that id");
    }
    now = changeInstant(current.sla_history, now);
    const at = now.getTime();
    const decisions = pendingDecisions(current.sla_history, at).map((d) => d.event);
    const state = deriveIncident([...current.sla_history, ...decisions], at);
    const { command: cmd, extras } = await command(state, current, tx);
    const events = decide({ status: state.status, level: state.level }, cmd, at);
    let commentId: string | null = null;
    if (extras?.comment) {
      const [c] = await tx.query<{ id: string }>(
        `INSERT INTO comment (incident_id, body, visibility, channel, author_kind, author_agent_id, author_name, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [incidentId, extras.comment.body, extras.comment.visibility, extras.comment.channel, extras.comment.authorKind, by.agentId, by.actorName, now],
      );
      commentId = c.id;
    }
    const actor = actorOf(by);
    return this.commit(
      tx,
      current,
      now,
      decisions,
      events.map((event) => ({ event, actor, extra: { ...(extras?.data ?? {}), ...(commentId && event.type === "COMMENTED" ? { commentId } : {}) } })),
    );
  }

  /**
   * Appends the product's decisions and the acts to the history, re-derives the incident at
   * `now`, and writes projection, events, alerts and outbox rows in the caller's transaction.
   */
  private async commit(tx: Sql, current: LockedIncident, now: Date, decisions: readonly IncidentHistoryEvent[], acts: readonly Act[]): Promise<IncidentRow> {
    const history = [...current.sla_history, ...decisions, ...acts.map((a) => a.event)];
    const d = deriveIncident(history, now.getTime());
    let hadPublic = current.sla_history.some(isPublicCommunication);
    const firstPublic = (e: IncidentHistoryEvent) => {
      const first = !hadPublic && isPublicCommunication(e);
      if (isPublicCommunication(e)) hadPublic = true;
      return first;
    };
    const stored: NewEvent[] = [
      ...decisions.map((e) => toStored(e, SYSTEM, firstPublic(e))),
      ...acts.map((a) => toStored(a.event, a.actor, firstPublic(a.event), a.extra)),
    ];
    const assigned = acts.map((a) => a.event).find((e) => e.type === "ASSIGNED");
    const [updated] = await tx.query<IncidentRow>(
      `UPDATE incident SET status = $2, level = $3, severity = $4,
              assignee_id = CASE WHEN $5::boolean THEN $6::uuid WHEN $7::boolean THEN NULL ELSE assignee_id END,
              first_responded_at = $8, resolved_at = $9, closed_at = $10, next_due_at = $11, next_decision_at = $12,
              overdue = $13, breached = $14, at_risk = $15, channel_mismatch = $16, sla_history = $17::jsonb,
              overdue_since = $18, version = version + 1, updated_at = now()
        WHERE id = $1 RETURNING ${INCIDENT_COLUMNS}`,
      [
        current.id,
        d.status,
        d.level,
        d.severity,
        Boolean(assigned),
        assigned && assigned.type === "ASSIGNED" ? assigned.agentId : null,
        // an agent of the old level no longer fits the new one
        d.level !== current.level,
        ms(d.firstRespondedAt),
        ms(d.resolvedAt),
        ms(d.closedAt),
        ms(d.nextDueAt),
        ms(d.nextDecisionAt),
        d.overdue,
        d.breached,
        d.atRisk,
        d.channelMismatch,
        JSON.stringify(history),
        ms(overdueSince(d)),
      ],
    );
    await appendEvents(tx, current.id, stored, snapshotOf(updated, current.product_code), now);
    await recordOutcomes(tx, current.id, d.outcomes, current.product_code);
    await recordAlerts(tx, current.id, [...decisions, ...acts.map((a) => a.event)], { severity: updated.severity, level: updated.level, productCode: current.product_code });
    return updated;
  }

  /**
   * Takes every decision the rules date before `until` for one incident (the breach
   * watcher and the simulated clock), in the caller's transaction, which holds the
   * decision lock. The poller skips an incident a person is changing right now (it will be
   * looked at again); a clock move waits for it. Returns whether anything was recorded.
   */
  async decideDue(tx: Sql, incidentId: string, until: Date, wait = false): Promise<boolean> {
    const current = await this.lock(tx, incidentId, !wait);
    if (!current) return false;
    const decisions = pendingDecisions(current.sla_history, until.getTime()).map((d) => d.event);
    if (decisions.length === 0) {
      // nothing due (another path decided it): refresh the index entry so it is not taken again
      const next = deriveIncident(current.sla_history, until.getTime()).nextDecisionAt;
      await tx.query("UPDATE incident SET next_decision_at = $2 WHERE id = $1", [incidentId, ms(next)]);
      return false;
    }
    await this.commit(tx, current, until, decisions, []);
    return true;
  }

  addComment(by: Principal, now: Date, input: { incidentId: string; body: string; visibility: "PUBLIC" | "INTERNAL"; channel?: string | null }): Promise<IncidentRow> {
    const body = text(input.body, "body", { max: 20_000 });
    const authorKind = authorKindOf(by);
    if (authorKind === "CUSTOMER" && input.visibility === "INTERNAL") {
      throw new DomainError("FORBIDDEN", "a CUSTOMER key may not write internal notes");
    }
    return this.change(input.incidentId, by, now, async () => {
      const channel = (input.channel ?? null) as "PHONE" | "EMAIL" | "WEB" | null;
      const command: IncidentCommand =
        authorKind === "CUSTOMER"
          ? { type: "customerComment", channel }
          : input.visibility === "PUBLIC"
            ? { type: "publicComment", channel, authorKind }
            : { type: "internalNote", authorKind };
      return { command, extras: { comment: { body, visibility: input.visibility, channel, authorKind } } };
    });
  }

  changeSeverity(by: Principal, now: Date, incidentId: string, severity: Severity, reason: string): Promise<IncidentRow> {
    const why = text(reason, "reason", { max: 2_000 });
    return this.change(incidentId, by, now, async (state, _row, tx) => {
      if (state.severity === severity) {
        throw new DomainError("CONFLICT", `the incident is already ${severity}`);
      }
      const targets = (await this.policy.policy(tx))[severity];
      return { command: { type: "changeSeverity", severity, targets }, extras: { data: { reason: why, from: state.severity } } };
    });
  }

  assign(by: Principal, now: Date, incidentId: string, agentId: string): Promise<IncidentRow> {
    return this.change(incidentId, by, now, async (_state, _row, tx) => {
      const [agent] = await tx.query<{ id: string; level: "L1" | "L2" | "L3"; name: string }>("SELECT id, level, name FROM agent WHERE id = $1", [agentId]);
      if (!agent) throw new DomainError("NOT_FOUND", "no agent with that id");
      return { command: { type: "assign", agentId: agent.id, agentLevel: agent.level }, extras: { data: { agentName: agent.name } } };
    });
  }

  escalate(by: Principal, now: Date, incidentId: string, reason: string): Promise<IncidentRow> {
    const why = text(reason, "reason", { max: 2_000 });
    return this.change(incidentId, by, now, async (_state, _row, tx) => ({
      command: { type: "escalate" },
      // the next level sees what the knowledge base was asked and what it suggested
      extras: { data: { reason: why, ...(await this.knowledge?.escalationContext(tx, incidentId)) } },
    }));
  }

  waitForCustomer(by: Principal, now: Date, incidentId: string): Promise<IncidentRow> {
    return this.change(incidentId, by, now, async () => ({ command: { type: "waitForCustomer" } }));
  }

  resume(by: Principal, now: Date, incidentId: string): Promise<IncidentRow> {
    return this.change(incidentId, by, now, async () => ({ command: { type: "resume" } }));
  }

  resolve(by: Principal, now: Date, input: { incidentId: string; summary: string; articleId?: string | null }): Promise<IncidentRow> {
    const summary = text(input.summary, "summary", { max: 20_000 });
    return this.change(input.incidentId, by, now, async (_state, _row, tx) => {
      // the article (when given) is checked, recorded on the incident and counted
      const article = this.knowledge ? await this.knowledge.resolvedWith(tx, input.incidentId, input.articleId ?? null) : {};
      if (!this.knowledge && input.articleId) throw new DomainError("NOT_FOUND", "no knowledge article with that id");
      // The summary is sent to the customer: it is kept as a public comment too.
      return {
        command: { type: "resolve", by: "PERSON" },
        extras: { data: { summary, ...article }, comment: { body: summary, visibility: "PUBLIC", channel: null, authorKind: authorKindOf(by) } },
      };
    });
  }

  close(by: Principal, now: Date, incidentId: string): Promise<IncidentRow> {
    return this.change(incidentId, by, now, async () => ({ command: { type: "close" } }));
  }

  reopen(by: Principal, now: Date, incidentId: string, reason: string): Promise<IncidentRow> {
    const why = text(reason, "reason", { max: 2_000 });
    return this.change(incidentId, by, now, async () => ({ command: { type: "reopen" }, extras: { data: { reason: why } } }));
  }

  /**
   * After a policy or calendar edit: every incident that is not CLOSED and whose severity
   * uses the edited targets gets a POLICY_CHANGED event with the targets now in force, in
   * batches, each its own transaction. Idempotent: an incident already on those targets is
   * left alone. Returns how many incidents changed.
   */
  async recomputeTargets(severities: Severity[], now: Date): Promise<number> {
    const policy = await this.policy.policy();
    let changed = 0;
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const ids = await this.db.query<{ id: string }>(
        `SELECT id FROM incident WHERE status <> 'CLOSED' AND severity = ANY($1::text[]) AND id > $2 ORDER BY id LIMIT ${RECOMPUTE_BATCH}`,
        [severities, after],
      );
      if (ids.length === 0) break;
      after = ids[ids.length - 1].id;
      for (const { id } of ids) {
        const done = await this.applyTargets(id, policy, now).catch((err: unknown) => {
          if (err instanceof DomainError) return false;
          throw err;
        });
        if (done) changed++;
      }
    }
    return changed;
  }

  private async applyTargets(incidentId: string, policy: Record<Severity, SlaTargets>, now: Date): Promise<boolean> {
    const changed = await this.db.transaction(async (tx) => {
      const current = await this.lock(tx, incidentId);
      if (!current || current.status === "CLOSED") return false;
      now = changeInstant(current.sla_history, now);
      const at = now.getTime();
      const decisions = pendingDecisions(current.sla_history, at).map((e) => e.event);
      const state = deriveIncident([...current.sla_history, ...decisions], at);
      const targets = policy[state.severity];
      if (canonical(state.targets) === canonical(targets)) return false;
      const event: IncidentHistoryEvent = { type: "POLICY_CHANGED", at, targets };
      await this.commit(tx, current, now, decisions, [{ event, actor: SYSTEM, extra: { severity: state.severity } }]);
      return true;
    });
    if (changed) this.afterCommit(null);
    return changed;
  }

  /** After the caller's transaction committed rows changed with `changeWithin`: publish, re-arm the watcher. */
  committed(rows: readonly IncidentRow[]): void {
    for (const row of rows) this.afterCommit(row);
    if (rows.length === 0) this.afterCommit(null);
  }

  /**
   * Records an event that changes nothing the SLA engine reads (a knowledge-base search, a
   * problem's progress) on an incident's timeline, in the caller's transaction, with its
   * outbox row. Serialised with the incident's changes by the same lock. Returns false when
   * the incident does not exist.
   */
  async recordEvent(tx: Sql, incidentId: string, by: Principal | null, now: Date, type: string, data: Record<string, unknown>, isPublic = false): Promise<boolean> {
    const current = await this.lock(tx, incidentId);
    if (!current) return false;
    const actor = by ? actorOf(by) : SYSTEM;
    await appendEvents(
      tx,
      incidentId,
      [{ type, at: changeInstant(current.sla_history, now), actorKind: actor.kind, actorAgentId: actor.agentId, actorName: actor.name, public: isPublic, data }],
      snapshotOf(current, current.product_code),
      now,
    );
    return true;
  }

  /** Links an incident to a problem (LINKED_TO_PROBLEM) in the caller's transaction, which holds the problem. */
  linkToProblemWithin(tx: Sql, by: Principal, now: Date, incidentId: string, problem: { id: string; number: string; title: string }): Promise<IncidentRow> {
    return this.changeWithin(tx, incidentId, by, now, async (_state, _row, t) => {
      await t.query("UPDATE incident SET problem_id = $2 WHERE id = $1", [incidentId, problem.id]);
      return { command: { type: "linkToProblem", problemId: problem.id }, extras: { data: { problemNumber: problem.number, problemTitle: problem.title } } };
    });
  }

  /**
   * Resolves an open incident because its problem was resolved: the message is sent to the
   * customer (a public comment, and a public communication for the clocks: SLA.md).
   */
  resolveByProblemWithin(tx: Sql, by: Principal, now: Date, incidentId: string, problem: { id: string; number: string }, message: string): Promise<IncidentRow> {
    return this.changeWithin(tx, incidentId, by, now, async () => ({
      command: { type: "resolve", by: "PROBLEM" },
      extras: {
        data: { summary: message, problemId: problem.id, problemNumber: problem.number },
        comment: { body: message, visibility: "PUBLIC", channel: null, authorKind: authorKindOf(by) },
      },
    }));
  }

  /** One incident by id or number, as `by` may see it (another customer's incident does not exist). */
  async get(by: Principal, ref: { id?: string | null; number?: string | null }): Promise<IncidentRow | null> {
    if (!ref.id && !ref.number) throw new DomainError("BAD_USER_INPUT", "give id or number");
    const [row] = ref.id
      ? await this.db.query<IncidentRow>(`SELECT ${INCIDENT_COLUMNS} FROM incident WHERE id = $1`, [ref.id])
      : await this.db.query<IncidentRow>(`SELECT ${INCIDENT_COLUMNS} FROM incident WHERE number = $1`, [ref.number!.trim().toUpperCase()]);
    if (!row) return null;
    return visibleTo(by, row) ? row : null;
  }

  /** A page, newest first (openedAt, then id), with keyset cursors. */
  async list(by: Principal, filter: IncidentListFilter, first: number, after: string | null | undefined, now: Date): Promise<IncidentPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (by.role === "CUSTOMER") where.push(`i.requester_id = ${p(by.contactId)}`);
    if (filter.status?.length) where.push(`i.status = ANY(${p(filter.status)}::text[])`);
    if (filter.severity?.length) where.push(`i.severity = ANY(${p(filter.severity)}::text[])`);
    if (filter.level?.length) where.push(`i.level = ANY(${p(filter.level)}::text[])`);
    if (filter.productCode) where.push(`i.product_id = (SELECT id FROM product WHERE code = ${p(filter.productCode)})`);
    if (filter.open === true) where.push(`i.status IN ('NEW','IN_PROGRESS','PENDING_CUSTOMER')`);
    if (filter.open === false) where.push(`i.status IN ('RESOLVED','CLOSED')`);
    // A running cycle whose due has passed has breached even before the watcher records it.
    if (filter.overdue !== undefined && filter.overdue !== null) {
      const cond = `(i.overdue OR (i.next_due_at IS NOT NULL AND i.next_due_at < ${p(now)}::timestamptz))`;
      where.push(filter.overdue ? cond : `NOT ${cond}`);
    }
    if (filter.breached !== undefined && filter.breached !== null) {
      const cond = `(i.breached OR (i.next_due_at IS NOT NULL AND i.next_due_at < ${p(now)}::timestamptz))`;
      where.push(filter.breached ? cond : `NOT ${cond}`);
    }
    const search = filter.search?.trim();
    if (search) {
      if (search.length > 200) throw new DomainError("BAD_USER_INPUT", "search is too long (at most 200 characters)", { field: "search" });
      const words = search.split(/\s+/).map((w) => `%${w.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
      const number = /^(INC-)?\d+$/i.test(search) ? search.toUpperCase() : null;
      const titleMatch = words.map((w) => `i.title ILIKE ${p(w)}`).join(" AND ");
      where.push(number ? `(i.number = ${p(number.startsWith("INC-") ? number : `INC-${number.padStart(6, "0")}`)} OR (${titleMatch}))` : `(${titleMatch})`);
    }
    const filtered = where.length ? `WHERE ${where.join(" AND ")}` : "";
    const filterParams = params.length;
    let cursorClause = "";
    if (after) {
      const [openedAt, id] = decodeCursor(after, ["string", "string"]) as [string, string];
      if (Number.isNaN(Date.parse(openedAt)) || !/^[0-9a-f-]{36}$/.test(id)) throw new DomainError("BAD_USER_INPUT", "after is not a valid cursor", { field: "after" });
      cursorClause = `${where.length ? "AND" : "WHERE"} (i.opened_at, i.id) < (${p(openedAt)}::timestamptz, ${p(id)}::uuid)`;
    }
    // One statement: the page walks incident_list_idx (newest first) and stops at first + 1;
    // the total is a separate count over the filter only; product, requester and assignee
    // come joined, so the resolvers' loaders need no round trip of their own.
    const rows = await this.db.query<IncidentView & { total: string; p_code: string; p_name: string; c_name: string; c_email: string | null; c_phone: string | null; c_organization: string | null; a_name: string | null; a_email: string | null; a_level: "L1" | "L2" | "L3" | null; a_lead: boolean | null }>(
      `SELECT ${INCIDENT_VIEW_COLUMNS.split(", ").map((c) => `i.${c}`).join(", ")},
              (SELECT count(*) FROM incident i ${filtered}) AS total,
              pr.code AS p_code, pr.name AS p_name,
              co.name AS c_name, co.email AS c_email, co.phone AS c_phone, co.organization AS c_organization,
              ag.name AS a_name, ag.email AS a_email, ag.level AS a_level, ag.lead AS a_lead
         FROM incident i
         JOIN product pr ON pr.id = i.product_id
         JOIN contact co ON co.id = i.requester_id
         LEFT JOIN agent ag ON ag.id = i.assignee_id
         ${filtered} ${cursorClause}
        ORDER BY i.opened_at DESC, i.id DESC LIMIT ${first + 1}`,
      params,
    );
    let totalCount = rows.length > 0 ? Number(rows[0].total) : 0;
    if (rows.length === 0 && (after || first === 0)) {
      const [c] = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM incident i ${filtered}`, params.slice(0, filterParams));
      totalCount = Number(c.n);
    }
    const page = rows.slice(0, first);
    return {
      rows: page,
      totalCount,
      hasNextPage: rows.length > first,
      products: page.map((r) => ({ id: r.product_id, code: r.p_code, name: r.p_name })),
      contacts: page.map((r) => ({ id: r.requester_id, name: r.c_name, email: r.c_email, phone: r.c_phone, organization: r.c_organization })),
      agents: page.filter((r) => r.assignee_id && r.a_name !== null).map((r) => ({ id: r.assignee_id!, name: r.a_name!, email: r.a_email!, level: r.a_level!, lead: r.a_lead! })),
    };
  }

  /** An incident's events, oldest first, after a sequence; `publicOnly` for CUSTOMER keys. */
  async timeline(incidentId: string, first: number, afterSequence: string | null, publicOnly: boolean): Promise<{ rows: IncidentEventMessage[]; hasNextPage: boolean }> {
    const rows = await this.db.query<EventRow>(
      `SELECT sequence::text AS sequence, tx_id::text AS tx_id, incident_id, type, at, recorded_at, actor_kind, actor_agent_id, actor_name, public, data
         FROM incident_event
        WHERE incident_id = $1 AND sequence > $2::bigint ${publicOnly ? "AND public" : ""}
        ORDER BY incident_event.sequence LIMIT ${first + 1}`, // the column, not the text alias ("100" < "99")
      [incidentId, afterSequence ?? "0"],
    );
    return { rows: rows.slice(0, first).map(messageOf), hasNextPage: rows.length > first };
  }

  /** Live events as `by` may see them, optionally resuming right after `afterSequence`. */
  async subscribe(by: Principal, filter: EventStreamFilter, afterSequence: string | null | undefined): Promise<PushQueue<IncidentEventMessage>> {
    let from: Position | null = null;
    if (afterSequence !== null && afterSequence !== undefined) {
      if (!/^\d{1,19}$/.test(afterSequence)) throw new DomainError("BAD_USER_INPUT", "afterSequence must be an event sequence (digits)", { field: "afterSequence" });
      // "0" (an empty snapshot's sequence) resumes from the very first event
      from = afterSequence === "0" ? { tx: 0n, seq: 0n } : await this.stream.positionOfSequence(afterSequence);
      if (!from) throw new DomainError("BAD_USER_INPUT", `no event with sequence ${afterSequence}`, { field: "afterSequence" });
    }
    const accept = (m: IncidentEventMessage) => {
      const i = m.incident!;
      return (
        (by.role !== "CUSTOMER" || (i.requesterId === by.contactId && m.public)) &&
        (!filter.incidentId || m.incidentId === filter.incidentId) &&
        (!filter.types?.length || filter.types.includes(m.type)) &&
        (!filter.severity?.length || filter.severity.includes(i.severity)) &&
        (!filter.level?.length || filter.level.includes(i.level)) &&
        (!filter.productCodes?.length || filter.productCodes.includes(i.productCode))
      );
    };
    return this.stream.subscribe(from, accept);
  }

  cursorOf(row: Pick<IncidentRow, "opened_at" | "id">): string {
    return encodeCursor([row.opened_at.toISOString(), row.id]);
  }
}

interface EventRow {
  sequence: string;
  tx_id: string;
  incident_id: string;
  type: string;
  at: Date;
  recorded_at: Date;
  actor_kind: IncidentEventMessage["actorKind"];
  actor_agent_id: string | null;
  actor_name: string | null;
  public: boolean;
  data: Record<string, unknown>;
}

/** A stored event as the API shows it on a timeline (the incident itself is loaded by id). */
function messageOf(r: EventRow): IncidentEventMessage {
  return {
    sequence: r.sequence,
    txId: r.tx_id,
    incidentId: r.incident_id,
    type: r.type,
    at: r.at.toISOString(),
    recordedAt: r.recorded_at.toISOString(),
    actorKind: r.actor_kind,
    actorAgentId: r.actor_agent_id,
    actorName: r.actor_name,
    public: r.public,
    data: r.data,
    incident: null,
  };
}

/** Since when the incident has been overdue: the earliest breach among cycles still open. */
function overdueSince(d: DerivedIncident): number | null {
  let since: number | null = null;
  for (const c of d.clocks) if (c.state === "BREACHED" && c.stoppedAt === null && c.breachedAt !== null && (since === null || c.breachedAt < since)) since = c.breachedAt;
  return since;
}

/**
 * The instant a change is recorded at: the request's `now`, but never before the incident's
 * latest event. A request that waited for the row lock read its clock before the change it
 * waited for; deciding at that earlier instant would replay the history without that change
 * (the engine snapshots before events dated after `now`) and lose it.
 */
function changeInstant(history: readonly IncidentHistoryEvent[], now: Date): Date {
  let last = -Infinity;
  for (const e of history) if (e.at > last) last = e.at;
  return last > now.getTime() ? new Date(last) : now;
}

function ms(v: number | null): Date | null {
  return v === null ? null : new Date(v);
}

function snapshotOf(row: IncidentRow, productCode: string): IncidentEventMessage["incident"] {
  return { severity: row.severity, level: row.level, productCode, status: row.status, requesterId: row.requester_id };
}

/** ACCESS.md: a CUSTOMER key sees its own incidents only. */
export function visibleTo(by: Principal, row: Pick<IncidentRow, "requester_id">): boolean {
  return by.role !== "CUSTOMER" || row.requester_id === by.contactId;
}

export { OPEN_STATUSES };
export type { Sql };
