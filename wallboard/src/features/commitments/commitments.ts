import type { ComplianceRate, CompliancePoint } from "../board/types";

/** How a commitment stands: meets its target, misses it, or nothing decided yet. */
export type Verdict = "meets" | "misses" | "none";

export function verdict(rate: ComplianceRate | null | undefined): Verdict {
  if (!rate || rate.rate === null || rate.rate === undefined) return "none";
  if (typeof rate.meetingTarget === "boolean") return rate.meetingTarget ? "meets" : "misses";
  return rate.rate >= rate.target ? "meets" : "misses";
}

/** "96.4 %", "100 %", "0 %"; "—" when nothing was decided (never 0 % or 100 %). Truncated, never rounded up past a target. */
export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return "—";
  const tenths = Math.floor(rate * 1000 + 1e-9) / 10;
  return `${Number.isInteger(tenths) ? tenths.toFixed(0) : tenths.toFixed(1)} %`;
}

/** "95 %" for a target of 0.95. */
export function formatTarget(target: number): string {
  return `${Math.round(target * 1000) / 10} %`;
}

/** "41 of 43 met", "no outcome yet". */
export function outcomeWords(rate: ComplianceRate | null | undefined): string {
  if (!rate) return "";
  const total = rate.met + rate.breached;
  if (total === 0) return "no outcome yet";
  return `${rate.met} of ${total} met`;
}

export interface TrendRow {
  /** Bucket end, epoch ms (x axis). */
  t: number;
  /** Percent, or null where nothing was decided (a gap in the line). */
  firstResponse: number | null;
  updates: number | null;
}

export function trendRows(points: readonly CompliancePoint[] | null | undefined): TrendRow[] {
  if (!points) return [];
  const pct = (r: ComplianceRate) => (r.rate === null || r.rate === undefined ? null : Math.round(r.rate * 1000) / 10);
  return points
    .map((p) => ({ t: Date.parse(p.to), firstResponse: pct(p.firstResponse), updates: pct(p.updatesAndEscalations) }))
    .filter((r) => !Number.isNaN(r.t))
    .sort((a, b) => a.t - b.t);
}

/** The chart's lower bound: a round step below the lowest value and the targets (so the target lines always show). */
export function trendFloor(rows: readonly TrendRow[], targets: readonly number[]): number {
  let min = Math.min(...targets.map((t) => t * 100));
  for (const r of rows) {
    if (r.firstResponse !== null) min = Math.min(min, r.firstResponse);
    if (r.updates !== null) min = Math.min(min, r.updates);
  }
  const floor = Math.floor((min - 5) / 10) * 10;
  return Math.max(0, Math.min(80, floor));
}

const pad = (n: number) => String(n).padStart(2, "0");
/** "14:00" (UTC) for an axis tick. */
export function hourLabel(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}
