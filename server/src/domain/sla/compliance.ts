/**
 * Compliance: each case's outcome per measure is decided once, at one instant,
 * under one severity, product and level (SLA.md "Compliance"), so rates over a
 * window are counts of outcomes in (from, to], and per-bucket counts add up
 * exactly to the direct computation.
 */
import { Replay, type ComplianceMeasure, type ComplianceOutcome } from "./engine.js";
import type { IncidentHistoryEvent } from "./events.js";
import type { Severity, SupportLevel } from "./types.js";

/** Commitment: 95 % of first responses within target. */
export const FIRST_RESPONSE_TARGET = 0.95;
/** Commitment: 90 % of cases updated and escalated within targets. */
export const UPDATES_AND_ESCALATIONS_TARGET = 0.9;

/** The contract's ComplianceRate. */
export interface ComplianceRate {
  readonly target: number;
  readonly met: number;
  readonly breached: number;
  /** MET ÷ (MET + BREACHED); null when nothing was decided. */
  readonly rate: number | null;
  /** null when nothing was decided. */
  readonly meetingTarget: boolean | null;
}

/** Both measures over one window. */
export interface ComplianceRates {
  readonly firstResponse: ComplianceRate;
  readonly updatesAndEscalations: ComplianceRate;
}

/** Which outcomes count: a missing or empty list means "all". */
export interface ComplianceFilter {
  readonly severities?: readonly Severity[] | null;
  readonly levels?: readonly SupportLevel[] | null;
  readonly productCodes?: readonly string[] | null;
}

/** One bucket (from, to] of a trend. */
export interface CompliancePoint extends ComplianceRates {
  readonly from: number;
  readonly to: number;
}

/**
 * The outcomes an incident's history has decided by `now` (decisions the rules
 * date before `now` included, recorded or not): first response for the first
 * case, updates-and-escalations for every case.
 */
export function complianceOutcomes(history: readonly IncidentHistoryEvent[], now: number): ComplianceOutcome[] {
  const r = new Replay({ now, until: NaN, findNextDecision: false, statuses: false }).run(history);
  return r.snapshot === null ? [] : r.snapshot.outcomes;
}

/** A rate from counts; null rate (and meetingTarget) when nothing was decided, never 0 or 1. */
export function complianceRate(met: number, breached: number, target: number): ComplianceRate {
  const total = met + breached;
  const rate = total === 0 ? null : met / total;
  return { target, met, breached, rate, meetingTarget: rate === null ? null : rate >= target };
}

/** Whether an outcome passes a filter (empty lists mean all). */
export function matchesFilter(o: Pick<ComplianceOutcome, "severity" | "level" | "productCode">, f: ComplianceFilter | null | undefined): boolean {
  if (!f) return true;
  if (f.severities && f.severities.length > 0 && !f.severities.includes(o.severity)) return false;
  if (f.levels && f.levels.length > 0 && !f.levels.includes(o.level)) return false;
  if (f.productCodes && f.productCodes.length > 0 && (o.productCode === null || !f.productCodes.includes(o.productCode))) return false;
  return true;
}

/** Rates over the window (from, to]: outcomes decided after `from` and at or before `to`. */
export function complianceRates(outcomes: Iterable<ComplianceOutcome>, from: number, to: number, filter?: ComplianceFilter | null): ComplianceRates {
  const c = [0, 0, 0, 0]; // FR met, FR breached, U&E met, U&E breached
  for (const o of outcomes) {
    if (!(o.at > from && o.at <= to) || !matchesFilter(o, filter)) continue;
    c[(o.measure === "FIRST_RESPONSE" ? 0 : 2) + (o.outcome === "MET" ? 0 : 1)]++;
  }
  return {
    firstResponse: complianceRate(c[0], c[1], FIRST_RESPONSE_TARGET),
    updatesAndEscalations: complianceRate(c[2], c[3], UPDATES_AND_ESCALATIONS_TARGET),
  };
}

/**
 * The end of the bucket (k·size, (k+1)·size] holding instant `at`: buckets are
 * closed on the right like windows, so an outcome at an exact hour belongs to
 * the hour that ends there.
 */
export function bucketEnd(at: number, bucketMs: number): number {
  return Math.ceil(at / bucketMs) * bucketMs;
}

/** One row of a rollup: counts of outcomes per bucket and dimensions. */
export interface ComplianceRollupRow {
  /** The bucket is (bucketEnd − size, bucketEnd]. */
  readonly bucketEnd: number;
  readonly measure: ComplianceMeasure;
  readonly severity: Severity;
  readonly productCode: string | null;
  readonly level: SupportLevel;
  met: number;
  breached: number;
}

/** Rolls outcomes up per bucket (e.g. per hour) and dimensions, as the server keeps them. */
export function rollupOutcomes(outcomes: Iterable<ComplianceOutcome>, bucketMs: number): ComplianceRollupRow[] {
  const rows = new Map<string, ComplianceRollupRow>();
  for (const o of outcomes) {
    const end = bucketEnd(o.at, bucketMs);
    const key = `${end}|${o.measure}|${o.severity}|${o.productCode ?? ""}|${o.level}`;
    let row = rows.get(key);
    if (!row) {
      row = { bucketEnd: end, measure: o.measure, severity: o.severity, productCode: o.productCode, level: o.level, met: 0, breached: 0 };
      rows.set(key, row);
    }
    if (o.outcome === "MET") row.met++;
    else row.breached++;
  }
  return [...rows.values()].sort((a, b) => a.bucketEnd - b.bucketEnd);
}

/**
 * Rates over (from, to] from rollup rows; `from` and `to` must be bucket
 * boundaries of the rollup (multiples of its size), where the sum is exact.
 */
export function ratesFromRollup(rows: Iterable<ComplianceRollupRow>, from: number, to: number, bucketMs: number, filter?: ComplianceFilter | null): ComplianceRates {
  if (from % bucketMs !== 0 || to % bucketMs !== 0) throw new RangeError("window edges must be bucket boundaries of the rollup");
  const c = [0, 0, 0, 0];
  for (const r of rows) {
    if (!(r.bucketEnd > from && r.bucketEnd <= to) || !matchesFilter(r, filter)) continue;
    const base = r.measure === "FIRST_RESPONSE" ? 0 : 2;
    c[base] += r.met;
    c[base + 1] += r.breached;
  }
  return {
    firstResponse: complianceRate(c[0], c[1], FIRST_RESPONSE_TARGET),
    updatesAndEscalations: complianceRate(c[2], c[3], UPDATES_AND_ESCALATIONS_TARGET),
  };
}

/**
 * A trend: consecutive buckets (from + k·size, from + (k+1)·size] up to `to`
 * (the last may be shorter), each counting only outcomes decided inside it,
 * so the buckets' counts add up to complianceRates(outcomes, from, to).
 */
export function complianceTrend(outcomes: readonly ComplianceOutcome[], from: number, to: number, bucketMs: number, filter?: ComplianceFilter | null): CompliancePoint[] {
  if (!(bucketMs > 0)) throw new RangeError("bucket size must be positive");
  const n = Math.max(0, Math.ceil((to - from) / bucketMs));
  const counts = new Array<number>(n * 4).fill(0);
  for (const o of outcomes) {
    if (!(o.at > from && o.at <= to) || !matchesFilter(o, filter)) continue;
    // The bucket (from + k·size, from + (k+1)·size] that holds o.at.
    const k = Math.ceil((o.at - from) / bucketMs) - 1;
    counts[k * 4 + (o.measure === "FIRST_RESPONSE" ? 0 : 2) + (o.outcome === "MET" ? 0 : 1)]++;
  }
  const points: CompliancePoint[] = [];
  for (let k = 0; k < n; k++) {
    const c = k * 4;
    points.push({
      from: from + k * bucketMs,
      to: Math.min(from + (k + 1) * bucketMs, to),
      firstResponse: complianceRate(counts[c], counts[c + 1], FIRST_RESPONSE_TARGET),
      updatesAndEscalations: complianceRate(counts[c + 2], counts[c + 3], UPDATES_AND_ESCALATIONS_TARGET),
    });
  }
  return points;
}
