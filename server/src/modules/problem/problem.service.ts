/**
 * Problem management: problems, their status machine (domain/problem), the incidents linked
 * to them, and recurring-incident detection. A problem and the incidents it changes are
 * written in one transaction, locking the problem first and then its incidents in id order,
 * so two problem commands (or a link and a resolution) never deadlock.
 */
import { decideProblem, DomainError, findRecurring, type ProblemCommandType, type RecurrenceGroup } from "../../domain/index.js";
import { decodeCursor, encodeCursor, toGlobalId } from "../../graphql/ids.js";
import type { Db, Sql } from "../../platform/data-source.js";
import { actorKindOf, type Principal } from "../access/principal.js";
import type { CatalogService } from "../catalog/catalog.service.js";
import { optionalText, text } from "../common/validate.js";
import { INCIDENT_COLUMNS, type IncidentRow } from "../incident/incident.rows.js";
import type { IncidentService } from "../incident/incident.service.js";
import type { KnowledgeService } from "../knowledge/knowledge.service.js";
import { PROBLEM_COLUMNS, type ProblemEventRow, type ProblemRow, type ProblemStatus } from "./problem.types.js";

const OPEN_INCIDENT = new Set(["NEW", "IN_PROGRESS", "PENDING_CUSTOMER"]);
/** Window and group limits of recurringIncidents. */
export const RECURRING_MAX_WINDOW_SECONDS = 90 * 24 * 3600;
const RECURRING_MAX_INCIDENTS = 5_000;

interface Step {
  /** Columns to set (besides status and updated_at). */
  set?: Record<string, unknown>;
  /** The problem event's type and details. */
  event: string;
  data?: Record<string, unknown>;
  /** The event recorded on each linked incident that is not CLOSED (null: none). */
  incidentEvent?: string | null;
}

export class ProblemService {
  constructor(
    private readonly db: Db,
    private readonly catalog: CatalogService,
    private readonly incidents: IncidentService,
    private readonly knowledge: KnowledgeService,
  ) {}

  private async lockProblem(tx: Sql, id: string): Promise<ProblemRow> {
    const [row] = await tx.query<ProblemRow>(`SELECT ${PROBLEM_COLUMNS} FROM problem WHERE id = $1 FOR UPDATE`, [id]);
    if (!row) throw new DomainError("NOT_FOUND", "no problem with that id");
    return row;
  }

  private async event(tx: Sql, problemId: string, by: Principal, now: Date, type: string, data: Record<string, unknown> = {}): Promise<void> {
    await tx.query(
      `INSERT INTO problem_event (problem_id, type, at, actor_kind, actor_agent_id, actor_name, data) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
      [problemId, type, now, actorKindOf(by), by.agentId, by.actorName, JSON.stringify(data)],
    );
  }

  /** The incidents linked to a problem, in lock order (id). */
  private linked(tx: Sql, problemId: string): Promise<Array<{ id: string; status: string }>> {
    return tx.query<{ id: string; status: string }>("SELECT id, status FROM incident WHERE problem_id = $1 ORDER BY id", [problemId]);
  }

  /** Tells every linked incident that is not CLOSED what happened to its problem (its timeline). */
  private async tellIncidents(tx: Sql, problem: ProblemRow, by: Principal, now: Date, type: string, data: Record<string, unknown>): Promise<void> {
    for (const inc of await this.linked(tx, problem.id)) {
      if (inc.status === "CLOSED") continue;
      await this.incidents.recordEvent(tx, inc.id, by, now, type, { problemId: toGlobalId("Problem", problem.id), problemNumber: problem.number, ...data });
    }
  }

  /** One command on an existing problem: lock, decide, write the problem, its event and its incidents' events. */
  private async act(by: Principal, now: Date, problemId: string, command: ProblemCommandType, work: (tx: Sql, current: ProblemRow, next: ProblemStatus) => Promise<Step>): Promise<ProblemRow> {
    const row = await this.db.transaction(async (tx) => {
      const current = await this.lockProblem(tx, problemId);
      const next = decideProblem({ status: current.status, rootCause: current.root_cause, workaround: current.workaround }, command) as ProblemStatus;
      const step = await work(tx, current, next);
      const set = { ...(step.set ?? {}) };
      const cols = Object.keys(set);
      const [updated] = await tx.query<ProblemRow>(
        `UPDATE problem SET status = $2, updated_at = $3, version = version + 1${cols.map((c, i) => `, ${c} = $${i + 4}`).join("")}
          WHERE id = $1 RETURNING ${PROBLEM_COLUMNS}`,
        [problemId, next, now, ...cols.map((c) => set[c])],
      );
      await this.event(tx, problemId, by, now, step.event, { ...(step.data ?? {}), ...(next !== current.status ? { from: current.status, to: next } : {}) });
      if (step.incidentEvent) await this.tellIncidents(tx, updated, by, now, step.incidentEvent, step.data ?? {});
      return updated;
    });
    this.incidents.committed([]);
    return row;
  }

  async open(by: Principal, now: Date, input: { title: string; description: string; productCode?: string | null; incidentIds?: string[] | null; ownerId?: string | null }): Promise<ProblemRow> {
    const title = text(input.title, "title", { max: 200 });
    const description = text(input.description, "description", { max: 20_000 });
    const incidentIds = [...new Set(input.incidentIds ?? [])].sort();
    if (incidentIds.length > 500) throw new DomainError("BAD_USER_INPUT", "at most 500 incidentIds", { field: "incidentIds" });
    const changed: IncidentRow[] = [];
    const row = await this.db.transaction(async (tx) => {
      let productId: string | null = input.productCode ? (await this.catalog.productByCode(tx, input.productCode)).id : null;
      if (!productId && incidentIds.length) {
        const products = await tx.query<{ product_id: string }>("SELECT DISTINCT product_id FROM incident WHERE id = ANY($1::uuid[])", [incidentIds]);
        if (products.length === 1) productId = products[0].product_id;
      }
      const ownerId = input.ownerId ? await this.agentId(tx, input.ownerId) : null;
      const [{ n }] = await tx.query<{ n: string }>("SELECT nextval('problem_number_seq')::text AS n");
      const [problem] = await tx.query<ProblemRow>(
        `INSERT INTO problem (number, title, description, status, product_id, owner_id, opened_at, updated_at)
         VALUES ($1, $2, $3, 'OPEN', $4, $5, $6, $6) RETURNING ${PROBLEM_COLUMNS}`,
        [`PRB-${n.padStart(6, "0")}`, title, description, productId, ownerId, now],
      );
      await this.event(tx, problem.id, by, now, "OPENED", { title, incidents: incidentIds.length });
      for (const id of incidentIds) changed.push(...(await this.linkIn(tx, by, now, problem, id)));
      return problem;
    });
    this.incidents.committed(changed);
    return row;
  }

  private async agentId(sql: Sql, id: string): Promise<string> {
    const [agent] = await sql.query<{ id: string }>("SELECT id FROM agent WHERE id = $1", [id]);
    if (!agent) throw new DomainError("NOT_FOUND", "no agent with that id");
    return agent.id;
  }

  /** Links one incident in the problem's transaction; [] when it was already linked to it. */
  private async linkIn(tx: Sql, by: Principal, now: Date, problem: ProblemRow, incidentId: string): Promise<IncidentRow[]> {
    const [current] = await tx.query<{ problem_id: string | null; number: string }>("SELECT problem_id, number FROM incident WHERE id = $1", [incidentId]);
    if (!current) throw new DomainError("NOT_FOUND", "no incident with that id");
    if (current.problem_id === problem.id) return [];
    if (current.problem_id) {
      const [other] = await tx.query<{ number: string }>("SELECT number FROM problem WHERE id = $1", [current.problem_id]);
      throw new DomainError("CONFLICT", `${current.number} is already linked to ${other.number}`, { problemNumber: other.number });
    }
    const row = await this.incidents.linkToProblemWithin(tx, by, now, incidentId, problem);
    await this.event(tx, problem.id, by, now, "INCIDENT_LINKED", { incidentId: toGlobalId("Incident", incidentId), incidentNumber: current.number });
    return [row];
  }

  /** linkIncidentToProblem: idempotent for the same problem, CONFLICT when linked to another one. */
  async link(by: Principal, now: Date, incidentId: string, problemId: string): Promise<IncidentRow> {
    const changed = await this.db.transaction(async (tx) => {
      const problem = await this.lockProblem(tx, problemId);
      decideProblem({ status: problem.status, rootCause: problem.root_cause, workaround: problem.workaround }, "linkIncident");
      await tx.query("UPDATE problem SET updated_at = $2 WHERE id = $1", [problemId, now]);
      return this.linkIn(tx, by, now, problem, incidentId);
    });
    this.incidents.committed(changed);
    if (changed.length) return changed[0];
    const [row] = await this.db.query<IncidentRow>(`SELECT ${INCIDENT_COLUMNS} FROM incident WHERE id = $1`, [incidentId]);
    return row;
  }

  assign(by: Principal, now: Date, problemId: string, ownerId: string): Promise<ProblemRow> {
    return this.act(by, now, problemId, "assign", async (tx) => {
      const id = await this.agentId(tx, ownerId);
      const [agent] = await tx.query<{ name: string }>("SELECT name FROM agent WHERE id = $1", [id]);
      return { set: { owner_id: id }, event: "ASSIGNED", data: { ownerId: toGlobalId("Agent", id), ownerName: agent.name } };
    });
  }

  startInvestigation(by: Principal, now: Date, problemId: string): Promise<ProblemRow> {
    return this.act(by, now, problemId, "startInvestigation", async () => ({ event: "INVESTIGATION_STARTED", incidentEvent: "PROBLEM_INVESTIGATING" }));
  }

  recordRootCause(by: Principal, now: Date, problemId: string, rootCause: string, workaround: string | null | undefined): Promise<ProblemRow> {
    const cause = text(rootCause, "rootCause", { max: 20_000 });
    const work = optionalText(workaround, "workaround", 20_000);
    return this.act(by, now, problemId, "recordRootCause", async (tx, current) => {
      const nextWorkaround = work ?? current.workaround;
      // a known error's article follows its workaround (a new revision)
      if (current.known_error_article_id && work && work !== current.workaround) {
        const [article] = await tx.query<{ status: string; product_ids: string[]; tags: string[] }>(
          "SELECT status, product_ids, tags FROM knowledge_article WHERE id = $1",
          [current.known_error_article_id],
        );
        if (article && article.status !== "RETIRED") {
          await this.knowledge.update(by, now, current.known_error_article_id, { ...(await this.articleFields(tx, { ...current, workaround: work })), tags: article.tags }, tx);
        }
      }
      return { set: { root_cause: cause, workaround: nextWorkaround }, event: "ROOT_CAUSE_RECORDED", data: { rootCause: cause, workaround: nextWorkaround }, incidentEvent: "PROBLEM_ROOT_CAUSE" };
    });
  }

  private async articleFields(tx: Sql, p: ProblemRow): Promise<{ title: string; body: string; productCodes: string[]; tags: string[] }> {
    const codes = p.product_id ? (await tx.query<{ code: string }>("SELECT code FROM product WHERE id = $1", [p.product_id])).map((r) => r.code) : [];
    return {
      title: `Known error: ${p.title}`.slice(0, 200),
      body: `**Symptoms.** ${p.description}\n\n## Workaround\n\n${p.workaround ?? ""}\n\n_Known error ${p.number}: the permanent fix is being worked on._`,
      productCodes: codes,
      tags: ["known-error", p.number.toLowerCase()],
    };
  }

  /** The workaround becomes an article (published unless `publish` is false) linked as the known error. */
  markKnownError(by: Principal, now: Date, problemId: string, publish: boolean): Promise<ProblemRow> {
    return this.act(by, now, problemId, "markKnownError", async (tx, current) => {
      const article = await this.knowledge.create(by, now, await this.articleFields(tx, current), tx, publish ? "PUBLISHED" : "DRAFT");
      const data = { articleId: toGlobalId("KnowledgeArticle", article.id), articleTitle: article.title, published: publish };
      return { set: { known_error_article_id: article.id }, event: "KNOWN_ERROR", data, incidentEvent: "PROBLEM_KNOWN_ERROR" };
    });
  }

  /**
   * Resolves the problem. With `resolveIncidents`, each linked open incident is resolved by
   * the problem with `summary` sent to its customer (a public communication); the others
   * (and all of them without it) get a PROBLEM_RESOLVED note on their timeline.
   */
  async resolve(by: Principal, now: Date, problemId: string, summary: string, resolveIncidents: boolean): Promise<ProblemRow> {
    const message = text(summary, "summary", { max: 20_000 });
    const changed: IncidentRow[] = [];
    const row = await this.db.transaction(async (tx) => {
      const current = await this.lockProblem(tx, problemId);
      const next = decideProblem({ status: current.status, rootCause: current.root_cause, workaround: current.workaround }, "resolve");
      const [updated] = await tx.query<ProblemRow>(
        `UPDATE problem SET status = $2, resolution = $3, resolved_at = $4, updated_at = $4, version = version + 1 WHERE id = $1 RETURNING ${PROBLEM_COLUMNS}`,
        [problemId, next, message, now],
      );
      let resolved = 0;
      for (const inc of await this.linked(tx, problemId)) {
        if (inc.status === "CLOSED") continue;
        if (resolveIncidents && OPEN_INCIDENT.has(inc.status)) {
          try {
            changed.push(await this.incidents.resolveByProblemWithin(tx, by, now, inc.id, updated, message));
            resolved++;
            continue;
          } catch (err) {
            // resolved meanwhile (by a person or the longest wait): decided in JS before any write, so the transaction is intact
            if (!(err instanceof DomainError && err.code === "CONFLICT")) throw err;
          }
        }
        await this.incidents.recordEvent(tx, inc.id, by, now, "PROBLEM_RESOLVED", { problemId: toGlobalId("Problem", problemId), problemNumber: updated.number, summary: message });
      }
      await this.event(tx, problemId, by, now, "RESOLVED", { summary: message, resolvedIncidents: resolved, from: current.status, to: next });
      return updated;
    });
    this.incidents.committed(changed);
    return row;
  }

  close(by: Principal, now: Date, problemId: string): Promise<ProblemRow> {
    return this.act(by, now, problemId, "close", async () => ({ set: { closed_at: now }, event: "CLOSED", incidentEvent: "PROBLEM_CLOSED" }));
  }

  async get(ref: { id?: string | null; number?: string | null }): Promise<ProblemRow | null> {
    if (!ref.id && !ref.number) throw new DomainError("BAD_USER_INPUT", "give id or number");
    const [row] = ref.id
      ? await this.db.query<ProblemRow>(`SELECT ${PROBLEM_COLUMNS} FROM problem WHERE id = $1`, [ref.id])
      : await this.db.query<ProblemRow>(`SELECT ${PROBLEM_COLUMNS} FROM problem WHERE number = $1`, [ref.number!.trim().toUpperCase()]);
    return row ?? null;
  }

  /** Newest first (openedAt, then id), keyset cursors. */
  async list(status: string[] | null, first: number, after: string | null): Promise<{ rows: ProblemRow[]; totalCount: number; hasNextPage: boolean }> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (status?.length) {
      params.push(status);
      where.push(`status = ANY($${params.length}::text[])`);
    }
    const filter = where.length ? `WHERE ${where.join(" AND ")}` : "";
    const [{ n }] = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM problem ${filter}`, params);
    if (after) {
      const [openedAt, id] = decodeCursor(after, ["string", "string"]) as [string, string];
      if (Number.isNaN(Date.parse(openedAt)) || !/^[0-9a-f-]{36}$/.test(id)) throw new DomainError("BAD_USER_INPUT", "after is not a valid cursor", { field: "after" });
      params.push(openedAt, id);
      where.push(`(opened_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const rows = await this.db.query<ProblemRow>(
      `SELECT ${PROBLEM_COLUMNS} FROM problem ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY opened_at DESC, id DESC LIMIT ${first + 1}`,
      params,
    );
    return { rows: rows.slice(0, first), totalCount: n, hasNextPage: rows.length > first };
  }

  cursorOf(row: { opened_at: Date; id: string }): string {
    return encodeCursor([row.opened_at.toISOString(), row.id]);
  }

  /** A problem's incidents, newest first. */
  async incidentsOf(problemId: string, first: number, after: string | null): Promise<{ rows: IncidentRow[]; totalCount: number; hasNextPage: boolean }> {
    const params: unknown[] = [problemId];
    const [{ n }] = await this.db.query<{ n: number }>("SELECT count(*)::int AS n FROM incident WHERE problem_id = $1", params);
    let cursor = "";
    if (after) {
      const [openedAt, id] = decodeCursor(after, ["string", "string"]) as [string, string];
      if (Number.isNaN(Date.parse(openedAt)) || !/^[0-9a-f-]{36}$/.test(id)) throw new DomainError("BAD_USER_INPUT", "after is not a valid cursor", { field: "after" });
      params.push(openedAt, id);
      cursor = ` AND (opened_at, id) < ($2::timestamptz, $3::uuid)`;
    }
    const rows = await this.db.query<IncidentRow>(
      `SELECT ${INCIDENT_COLUMNS} FROM incident WHERE problem_id = $1${cursor} ORDER BY opened_at DESC, id DESC LIMIT ${first + 1}`,
      params,
    );
    return { rows: rows.slice(0, first), totalCount: n, hasNextPage: rows.length > first };
  }

  timeline(problemId: string): Promise<ProblemEventRow[]> {
    return this.db.query<ProblemEventRow>(
      "SELECT e.sequence::text AS sequence, e.type, e.at, e.actor_kind, e.actor_agent_id, e.actor_name, e.data FROM problem_event e WHERE e.problem_id = $1 ORDER BY e.sequence",
      [problemId],
    );
  }

  /** recurringIncidents: groups among the incidents opened in (now − window, now] that no problem holds yet. */
  async recurring(now: Date, windowSeconds: number, minCount: number): Promise<RecurrenceGroup[]> {
    if (!Number.isInteger(windowSeconds) || windowSeconds < 60 || windowSeconds > RECURRING_MAX_WINDOW_SECONDS) {
      throw new DomainError("BAD_USER_INPUT", `windowSeconds must be between 60 and ${RECURRING_MAX_WINDOW_SECONDS} (90 days)`, { field: "windowSeconds" });
    }
    if (!Number.isInteger(minCount) || minCount < 2 || minCount > 1000) {
      throw new DomainError("BAD_USER_INPUT", "minCount must be between 2 and 1000", { field: "minCount" });
    }
    const rows = await this.db.query<{ id: string; product_id: string; title: string; description: string; resolution_article_id: string | null; opened_at: Date }>(
      `SELECT id, product_id, title, left(description, 2000) AS description, resolution_article_id, opened_at
         FROM incident WHERE problem_id IS NULL AND opened_at > $1 AND opened_at <= $2
        ORDER BY opened_at DESC LIMIT ${RECURRING_MAX_INCIDENTS}`,
      [new Date(now.getTime() - windowSeconds * 1000), now],
    );
    return findRecurring(
      rows.map((r) => ({ id: r.id, productId: r.product_id, title: r.title, description: r.description, resolutionArticleId: r.resolution_article_id, openedAt: r.opened_at.getTime() })),
      { minCount },
    );
  }
}
