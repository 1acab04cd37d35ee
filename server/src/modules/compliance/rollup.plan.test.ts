import { describe, expect, it } from "vitest";
import { planRollup, ROLLUP_SPANS, type RollupPlan } from "./rollup.plan.js";

/** A deterministic pseudo-random generator, so a failure can be replayed. */
function rng(seed: number) {
  let x = seed >>> 0;
  return () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** What the database does with a plan: bucket rows as date_bin makes them, outcomes by instant. */
function count(plan: RollupPlan, instants: readonly number[]): number {
  let n = 0;
  for (const at of instants) {
    for (const b of plan.buckets) {
      const bucket = Math.floor(at / b.span) * b.span;
      if (bucket >= b.from && bucket < b.to) n += b.sign;
    }
    for (const o of plan.outcomes) {
      const afterFrom = o.fromIncluded ? at >= o.from : at > o.from;
      const beforeTo = o.toIncluded ? at <= o.to : at < o.to;
      if (afterFrom && beforeTo) n += o.sign;
    }
  }
  return n;
}

/** The same with an outcome at every integer instant, counted per range instead of per instant. */
function countEvery(plan: RollupPlan): number {
  let n = 0;
  for (const b of plan.buckets) {
    // a bucket row holds [bucket, bucket + span): a range of whole buckets is the instants [from, to)
    if (b.from % b.span !== 0 || b.to % b.span !== 0) return Number.NaN;
    n += b.sign * (b.to - b.from);
  }
  for (const o of plan.outcomes) n += o.sign * Math.max(0, o.to - o.from - 1 + Number(o.fromIncluded) + Number(o.toIncluded));
  return n;
}

describe("planRollup", () => {
  it("counts exactly the instants in (from, to] for windows placed around every level's boundaries", () => {
    // small levels keep the brute force cheap; every instant of the span is an outcome
    const spans = [10, 60, 240, 1440, 10080];
    const rand = rng(3);
    const points: number[] = [];
    for (const s of spans) for (const m of [1, 2, 3]) for (const d of [-s / 2 - 1, -s / 2, -s / 2 + 1, -1, 0, 1, s / 2 - 1, s / 2, s / 2 + 1]) points.push(s * m + 10_000 + d);
    for (let i = 0; i < 60; i++) points.push(Math.floor(rand() * 39_000));
    let planned = 0;
    for (const a of points) {
      for (const b of [...points, a + 1, a + 5, a + 9_000, a + 25_000].filter((x) => x < 40_000)) {
        const plan = planRollup(a, b, spans);
        const want = b > a ? b - a : 0;
        if (!plan) {
          expect(b - a, `(${a}, ${b}] had no plan`).toBeLessThan(20); // only windows too short for the finest level
          continue;
        }
        planned++;
        expect(countEvery(plan), `(${a}, ${b}]`).toBe(want);
      }
    }
    expect(planned).toBeGreaterThan(10_000);
  });

  it("counts sparse outcomes exactly, with outcomes on the boundaries themselves", () => {
    const rand = rng(5);
    const hour = 3_600_000;
    const base = Date.parse("2025-03-01T00:00:00Z");
    const instants: number[] = [];
    for (let i = 0; i < 400; i++) instants.push(base + Math.floor(rand() * 20 * 24) * hour + [0, 1, -1, 600_000, hour / 2][i % 5]);
    for (let i = 0; i < 400; i++) {
      const a = instants[Math.floor(rand() * instants.length)] + [0, -1, 1][i % 3];
      const b = a + Math.floor(rand() * 15 * 24 * hour) + [0, 1, -1][i % 3];
      const plan = planRollup(a, b);
      if (!plan) continue;
      expect(count(plan, instants), `(${a}, ${b}]`).toBe(instants.filter((at) => at > a && at <= b).length);
    }
  });

  it("reads at most half a step of each finer level at each edge of a 30-day window", () => {
    const day = 86_400_000;
    const end = Date.parse("2025-07-01T00:00:00Z") - 12.5 * 3_600_000 - 777;
    const plan = planRollup(end - 30 * day + 1234, end)!;
    for (const b of plan.buckets) {
      const above = ROLLUP_SPANS[ROLLUP_SPANS.indexOf(b.span as (typeof ROLLUP_SPANS)[number]) + 1];
      if (above) expect((b.to - b.from) / b.span).toBeLessThanOrEqual(Math.max(above / b.span / 2, 30 * day / above));
    }
    const rows = plan.buckets.reduce((n, b) => n + (b.to - b.from) / b.span, 0);
    expect(rows).toBeLessThanOrEqual(4 + 2 * (3 + 3 + 2 + 3)); // ≤ 4 weeks, and at most half a step of each level per edge
    for (const o of plan.outcomes) expect(o.to - o.from).toBeLessThanOrEqual(5 * 60_000);
  });

  it("answers null for windows shorter than the finest level can help", () => {
    expect(planRollup(1_000, 1_000 + 60_000)).toBeNull();
    expect(planRollup(5_000, 1_000)).toBeNull();
  });
});
