/**
 * How a compliance window (from, to] is answered from the rollup levels: which bucket ranges
 * of which level, and which raw outcome ranges, are added or subtracted. Pure arithmetic, so
 * it is tested exhaustively apart from the database.
 */

/** The rollup levels in milliseconds, finest first; each divides the next (the table's CHECK holds the same set). */
export const ROLLUP_SPANS = [600_000, 3_600_000, 14_400_000, 86_400_000, 604_800_000] as const;

/** A range of one level's buckets, `[from, to)`, counted with `sign`. */
export interface BucketRange {
  span: number;
  from: number;
  to: number;
  sign: 1 | -1;
}

/** A range of raw outcome instants; `fromIncluded` / `toIncluded` say which ends are in. */
export interface OutcomeRange {
  from: number;
  to: number;
  fromIncluded: boolean;
  toIncluded: boolean;
  sign: 1 | -1;
}

export interface RollupPlan {
  buckets: BucketRange[];
  outcomes: OutcomeRange[];
}

/** The multiple of `step` nearest to `ms`. */
function nearest(ms: number, step: number): number {
  return Math.round(ms / step) * step;
}

/**
 * Plans (from, to] over the levels, or returns null when the window is too short for any
 * level to help (read the outcomes themselves).
 *
 * Each edge moves to the nearest boundary of the finest level, then from there to the
 * nearest boundary of the next level, and so on; what lies between two successive points
 * is counted at the finer level, added when it is inside the window and subtracted when
 * it is outside. Moving to the nearest boundary, not inward, bounds each level's share of
 * an edge by half a step of the level above. A level is used only while it means fewer
 * rows: climbing from level k to k+1 replaces the middle's buckets of k by the buckets of
 * k moved over at both edges plus the middle's buckets of k+1.
 */
export function planRollup(from: number, to: number, spans: readonly number[] = ROLLUP_SPANS): RollupPlan | null {
  const f = [from];
  const t = [to];
  for (let k = 0; k < spans.length; k++) {
    const nf = nearest(f[k], spans[k]);
    const nt = nearest(t[k], spans[k]);
    if (nf >= nt) break;
    if (k > 0) {
      const below = spans[k - 1];
      const moved = (Math.abs(nf - f[k]) + Math.abs(t[k] - nt)) / below + (nt - nf) / spans[k];
      if (moved >= (t[k] - f[k]) / below) break;
    }
    f.push(nf);
    t.push(nt);
  }
  const top = f.length - 1;
  if (top === 0) return null;

  const buckets: BucketRange[] = [];
  const between = (span: number, a: number, b: number) => {
    if (a !== b) buckets.push({ span, from: Math.min(a, b), to: Math.max(a, b), sign: a < b ? 1 : -1 });
  };
  // (from, f1) and [t1, to] in outcomes: a reversed range counts negatively,
  // (from, f1) with f1 <= from is minus [f1, from], and [t1, to] with t1 > to is minus (to, t1)
  const outcomes: OutcomeRange[] = [];
  if (f[1] > from) outcomes.push({ from, to: f[1], fromIncluded: false, toIncluded: false, sign: 1 });
  else outcomes.push({ from: f[1], to: from, fromIncluded: true, toIncluded: true, sign: -1 });
  if (t[1] <= to) outcomes.push({ from: t[1], to, fromIncluded: true, toIncluded: true, sign: 1 });
  else outcomes.push({ from: to, to: t[1], fromIncluded: false, toIncluded: false, sign: -1 });
  // level k (bucket span spans[k - 1]) covers the steps from point k to point k + 1 at both edges
  for (let k = 1; k < top; k++) {
    between(spans[k - 1], f[k], f[k + 1]);
    between(spans[k - 1], t[k + 1], t[k]);
  }
  between(spans[top - 1], f[top], t[top]);
  return { buckets, outcomes };
}
