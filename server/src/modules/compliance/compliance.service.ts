/**
 * What team leads and NOC screens read: the two commitments over a window, queues by
 * level × severity, and the urgent list — from the projection and the kept outcomes,
 * never by replaying histories.
 */
import { DomainError, FIRST_RESPONSE_TARGET, UPDATES_AND_ESCALATIONS_TARGET, complianceRate, type ComplianceRate } from "../../domain/index.js";
import type { Db, Sql } from "../../platform/data-source.js";
import { INCIDENT_COLUMNS, type IncidentRow } from "../incident/incident.rows.js";
import { ALERT_COLUMNS, type AlertMessage } from "../incident/alert.repo.js";
import { planRollup } from "./rollup.plan.js";

const LEVELS = ["L1", "L2", "L3"] as const;
const SEVERITIES = ["CRITICAL", "HIGH", "NORMAL"] as const;

export interface Dimensions {
  productCodes?: string[] | null;
  levels?: string[] | null;
  severities?: string[] | null;
}

export interface Rates {
  firstResponse: ComplianceRate;
  updatesAndEscalations: ComplianceRate;
}

export interface ComplianceFigures extends Rates {
  windowSeconds: number;
  from: Date;
  to: Date;
  atRisk: number;
  breachedOpen: number;
}

export interface QueueRow {
  level: string;
  severity: string;
  open: number;
  awaitingFirstResponse: number;
  atRisk: number;
  overdue: number;
  oldestOpenedAt: Date | null;
  nextDueAt: Date | null;
}

/** Appends `col = ANY($n)` conditions for the non-empty dimension lists. */
function dimensionClauses(dims: Dimensions | null | undefined, cols: { product: string; level: string; severity: string }, params: unknown[]): string {
  const out: string[] = [];
  const add = (col: string, values: string[] | null | undefined) => {
    if (!values?.length) return;
    params.push(values);
    out.push(`${col} = ANY($${params.length}::text[])`);
  };
  add(cols.product, dims?.productCodes);
  add(cols.level, dims?.levels);
  add(cols.severity, dims?.severities);
  return out.length ? ` AND ${out.join(" AND ")}` : "";
}

function rates(rows: Array<{ measure: string; met: string | number; breached: string | number }>): Rates {
  const get = (m: string) => rows.find((r) => r.measure === m);
  const fr = get("FIRST_RESPONSE");
  const ue = get("UPDATES_AND_ESCALATIONS");
  return {
    firstResponse: complianceRate(Number(fr?.met ?? 0), Number(fr?.breached ?? 0), FIRST_RESPONSE_TARGET),
    updatesAndEscalations: complianceRate(Number(ue?.met ?? 0), Number(ue?.breached ?? 0), UPDATES_AND_ESCALATIONS_TARGET),
  };
}

export const MAX_WINDOW_SECONDS = 366 * 24 * 3600;

export function checkWindow(windowSeconds: number, field = "windowSeconds"): void {
  if (!Number.isInteger(windowSeconds) || windowSeconds <= 0 || windowSeconds > MAX_WINDOW_SECONDS) {
    throw new DomainError("BAD_USER_INPUT", `${field} must be a whole number of seconds from 1 to ${MAX_WINDOW_SECONDS}`, { field });
  }
}

export class ComplianceService {
  constructor(private readonly db: Db) {}

  /**
   * MET and BREACHED outcomes decided in (from, to], equal to `ratesDirect`: the rollup levels
   * and raw outcome ranges `planRollup` chooses, each added or subtracted (rollups and
   * outcomes are written in one statement, so the difference is exact).
   */
  async rates(from: Date, to: Date, dims?: Dimensions | null, sql: Sql = this.db): Promise<Rates> {
    const plan = planRollup(from.getTime(), to.getTime());
    // within a few minutes the outcomes themselves are as few as any rollup rows
    if (!plan) return this.ratesDirect(from, to, dims, sql);

    const params: unknown[] = [];
    // the dimension parameters come first: both branches repeat the same clause
    const where = dimensionClauses(dims, { product: "product_code", level: "level", severity: "severity" }, params);
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const at = (ms: number) => param(new Date(ms));
    const bucketRanges = plan.buckets.map((b) => ({ cond: `span = ${b.span / 1000} AND bucket >= ${at(b.from)} AND bucket < ${at(b.to)}`, sign: b.sign }));
    const outcomeRanges = plan.outcomes.map((o) => ({ cond: `at ${o.fromIncluded ? ">=" : ">"} ${at(o.from)} AND at ${o.toIncluded ? "<=" : "<"} ${at(o.to)}`, sign: o.sign }));
    // One branch per table: with a branch per range the planner would pick a parallel
    // append, whose workers cost more than this whole query. The ranges of a table are
    // disjoint, so the first one a row matches gives its sign.
    const branch = (table: string, met: string, breached: string, ranges: Array<{ cond: string; sign: 1 | -1 }>) => {
      if (ranges.length === 0) return [];
      const sign = ranges.every((r) => r.sign === ranges[0].sign)
        ? String(ranges[0].sign)
        : `CASE ${ranges.map((r) => `WHEN ${r.cond} THEN ${r.sign}`).join(" ")} END`;
      return [`SELECT measure, ${sign} * ${met} AS met, ${sign} * ${breached} AS breached FROM ${table} WHERE (${ranges.map((r) => `(${r.cond})`).join(" OR ")})${where}`];
    };
    const branches = [
      ...branch("sla_outcome_rollup", "met", "breached", bucketRanges),
      ...branch("sla_outcome", "(outcome = 'MET')::int", "(outcome = 'BREACHED')::int", outcomeRanges),
    ];
    const rows = await sql.query<{ measure: string; met: string; breached: string }>(
      `SELECT measure, sum(met) AS met, sum(breached) AS breached FROM (${branches.join(" UNION ALL ")}) x GROUP BY measure`,
      params,
    );
    return rates(rows);
  }

  /** The oracle: the same counts straight from the decided outcomes. */
  async ratesDirect(from: Date, to: Date, dims?: Dimensions | null, sql: Sql = this.db): Promise<Rates> {
    const params: unknown[] = [from, to];
    const where = dimensionClauses(dims, { product: "product_code", level: "level", severity: "severity" }, params);
    const rows = await sql.query<{ measure: string; met: string; breached: string }>(
      `SELECT measure, count(*) FILTER (WHERE outcome = 'MET') AS met, count(*) FILTER (WHERE outcome = 'BREACHED') AS breached
         FROM sla_outcome WHERE at > $1 AND at <= $2${where} GROUP BY measure`,
      params,
    );
    return rates(rows);
  }

  /** The commitments over the window ending now, with open incidents at risk and overdue now. */
  async compliance(windowSeconds: number, now: Date, dims?: Dimensions | null, sql: Sql = this.db): Promise<ComplianceFigures> {
    checkWindow(windowSeconds);
    const from = new Date(now.getTime() - windowSeconds * 1000);
    const [r, open] = await Promise.all([this.rates(from, now, dims, sql), this.openCounts(now, dims, sql)]);
    return { windowSeconds, from, to: now, ...r, ...open };
  }

  private async openCounts(now: Date, dims: Dimensions | null | undefined, sql: Sql): Promise<{ atRisk: number; breachedOpen: number }> {
    const params: unknown[] = [now];
    const where = dimensionClauses(dims, { product: "p.code", level: "i.level", severity: "i.severity" }, params);
    const [row] = await sql.query<{ at_risk: string; overdue: string }>(
      `SELECT count(*) FILTER (WHERE i.at_risk) AS at_risk,
              count(*) FILTER (WHERE i.overdue OR i.next_due_at < $1) AS overdue
         FROM incident i JOIN product p ON p.id = i.product_id
        WHERE i.status IN ('NEW','IN_PROGRESS','PENDING_CUSTOMER')${where}`,
      params,
    );
    return { atRisk: Number(row.at_risk), breachedOpen: Number(row.overdue) };
  }

  /** Buckets of `bucketSeconds` covering the window ending now, oldest first; each counts outcomes decided in its (from, to]. */
  async trend(windowSeconds: number, bucketSeconds: number, now: Date, dims?: Dimensions | null): Promise<Array<Rates & { from: Date; to: Date }>> {
    checkWindow(windowSeconds);
    checkWindow(bucketSeconds, "bucketSeconds");
    const n = Math.ceil(windowSeconds / bucketSeconds);
    if (n > 1000) throw new DomainError("BAD_USER_INPUT", "a trend has at most 1,000 buckets: use larger buckets", { field: "bucketSeconds" });
    const end = now.getTime();
    const points: Array<Rates & { from: Date; to: Date }> = [];
    await this.db.withConnection(async (sql) => {
      for (let i = n - 1; i >= 0; i--) {
        const to = new Date(end - i * bucketSeconds * 1000);
        const from = new Date(Math.max(end - windowSeconds * 1000, to.getTime() - bucketSeconds * 1000));
        points.push({ from, to, ...(await this.rates(from, to, dims, sql)) });
      }
    });
    return points;
  }

  /** Open incidents by level × severity (every pair the board shows, zeros included). */
  async queues(now: Date, dims?: Dimensions | null, sql: Sql = this.db): Promise<QueueRow[]> {
    const params: unknown[] = [now];
    const where = dimensionClauses(dims, { product: "p.code", level: "i.level", severity: "i.severity" }, params);
    const rows = await sql.query<{ level: string; severity: string; open: string; awaiting: string; at_risk: string; overdue: string; oldest: Date | null; next_due: Date | null }>(
      `SELECT i.level, i.severity, count(*) AS open,
              count(*) FILTER (WHERE i.first_responded_at IS NULL) AS awaiting,
              count(*) FILTER (WHERE i.at_risk) AS at_risk,
              count(*) FILTER (WHERE i.overdue OR i.next_due_at < $1) AS overdue,
              min(i.opened_at) AS oldest, min(i.next_due_at) AS next_due
         FROM incident i JOIN product p ON p.id = i.product_id
        WHERE i.status IN ('NEW','IN_PROGRESS','PENDING_CUSTOMER')${where}
        GROUP BY i.level, i.severity`,
      params,
    );
    const out: QueueRow[] = [];
    for (const level of LEVELS) {
      if (dims?.levels?.length && !dims.levels.includes(level)) continue;
      for (const severity of SEVERITIES) {
        if (dims?.severities?.length && !dims.severities.includes(severity)) continue;
        const r = rows.find((x) => x.level === level && x.severity === severity);
        out.push({
          level,
          severity,
          open: Number(r?.open ?? 0),
          awaitingFirstResponse: Number(r?.awaiting ?? 0),
          atRisk: Number(r?.at_risk ?? 0),
          overdue: Number(r?.overdue ?? 0),
          oldestOpenedAt: r?.oldest ?? null,
          nextDueAt: r?.next_due ?? null,
        });
      }
    }
    return out;
  }

  /** Open incidents, overdue first (longest overdue first), then by next due. */
  async urgent(now: Date, first: number, dims?: Dimensions | null): Promise<IncidentRow[]> {
    const params: unknown[] = [now];
    const where = dimensionClauses(dims, { product: "p.code", level: "i.level", severity: "i.severity" }, params);
    const overdueNow = "(i.overdue OR i.next_due_at < $1)";
    return this.db.query<IncidentRow>(
      `SELECT ${INCIDENT_COLUMNS.split(", ").map((c) => `i.${c}`).join(", ")}
         FROM incident i JOIN product p ON p.id = i.product_id
        WHERE i.status IN ('NEW','IN_PROGRESS','PENDING_CUSTOMER')${where}
        ORDER BY ${overdueNow} DESC,
                 CASE WHEN ${overdueNow} THEN COALESCE(i.overdue_since, i.next_due_at) ELSE i.next_due_at END ASC NULLS LAST,
                 i.opened_at, i.id
        LIMIT ${first}`,
      params,
    );
  }

  /** The newest alerts on the board, newest first. */
  async recentAlerts(first: number, dims?: Dimensions | null): Promise<AlertMessage[]> {
    const params: unknown[] = [];
    const where = dimensionClauses(dims, { product: "product_code", level: "incident_level", severity: "severity" }, params);
    return this.db.query<AlertMessage>(`SELECT ${ALERT_COLUMNS} FROM sla_alert WHERE true${where} ORDER BY at DESC, seq DESC LIMIT ${first}`, params);
  }

  /** The last incident event (in the published order) that the current state includes. */
  async lastSequence(sql: Sql = this.db): Promise<string> {
    const [row] = await sql.query<{ seq: string }>(
      `SELECT event_sequence::text AS seq FROM outbox
        WHERE topic = 'incident-events' AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY tx_id DESC, id DESC LIMIT 1`,
    );
    return row?.seq ?? "0";
  }
}
