/**
 * The breach watcher's early wake (ARCHITECTURE.md: it "wakes early on a Redis (or
 * in-process) message when an earlier one is written"), at the one instant where a wake
 * could be lost: it arrives while the poller is awake, after its look at the earliest
 * `next_decision_at` began but before it sleeps. The look may have read a snapshot taken
 * before the write committed, so it does not see the new decision; the wake is then the only
 * news of it, and the poller must not sleep to its cap.
 *
 * The real BreachWatcher with the real system clock, over a stand-in database whose answers
 * the test holds back: no PostgreSQL needed, and the interleaving is exact, not hoped for.
 */
import { afterEach, describe, expect, it } from "vitest";
import { BreachWatcher } from "../server/src/platform/breach-watcher.js";
import { SystemClock } from "../server/src/platform/clock.js";
import { sleep } from "./helpers/events.js";

const FLOOR = 20;
const CAP = 3_000;

/** A database of one session (embedded: the watcher polls without campaigning) whose `min(next_decision_at)` answers wait for the test. */
function standIn() {
  const batches: number[] = []; // when each decision batch began (Date.now())
  const looks: Array<(next: Date | null) => void> = [];
  let lookArrived: (() => void) | undefined;
  let held = true;
  const db = {
    embedded: true,
    async transaction<T>(work: (tx: unknown) => Promise<T>): Promise<T> {
      batches.push(Date.now());
      return work({ query: async () => [], execute: async () => 0 });
    },
    query(sql: string): Promise<unknown[]> {
      if (!held || !/min\(next_decision_at\)/.test(sql)) return Promise.resolve([{ next: null }]);
      return new Promise((resolve) => {
        looks.push((next) => resolve([{ next }]));
        lookArrived?.();
      });
    },
  };
  return {
    db,
    batches,
    /** Waits for the poller's next look and returns the function that answers it. */
    /** Answers every look from now on at once (so the watcher can stop). */
    release(): void {
      held = false;
      for (const answer of looks.splice(0)) answer(null);
    },
    async nextLook(): Promise<(next: Date | null) => void> {
      while (looks.length === 0) await new Promise<void>((r) => (lookArrived = r));
      return looks.shift()!;
    },
  };
}

const running: Array<{ w: BreachWatcher; s: ReturnType<typeof standIn> }> = [];
afterEach(async () => {
  for (const { w, s } of running.splice(0)) {
    s.release();
    await w.stop();
  }
});

function start(s: ReturnType<typeof standIn>): BreachWatcher {
  const bus = { on: () => () => undefined, publish: async () => undefined };
  const log = { info: () => undefined, error: (o: unknown, m: string) => console.error(m, o) };
  const w = new BreachWatcher(s.db as never, new SystemClock(), bus as never, async () => false, log as never, { floorMs: FLOOR, capMs: CAP, afterCommit: () => undefined });
  running.push({ w, s });
  w.start();
  return w;
}

describe("breach watcher wake-up", () => {
  it("with nothing due and no news it sleeps to its cap (the control)", async () => {
    const s = standIn();
    start(s);
    (await s.nextLook())(null);
    const before = s.batches.length;
    await sleep(1_000);
    expect(s.batches.length).toBe(before);
  });

  it("a wake that arrives while it looks for the earliest decision is not lost: it looks again within its floor, not its cap", async () => {
    const s = standIn();
    const w = start(s);
    const answer = await s.nextLook();
    // an incident was just written whose next decision is 50 ms away; its commit came after
    // the look's snapshot, so the look answers "nothing"
    w.notify(new Date(Date.now() + 50), new Date());
    const before = s.batches.length;
    answer(null);
    const answered = Date.now();
    const deadline = answered + 1_000;
    while (s.batches.length === before && Date.now() < deadline) await sleep(5);
    expect(s.batches.length, "the poller slept to its cap: the wake was lost").toBeGreaterThan(before);
    expect(s.batches[before] - answered).toBeLessThan(500);
  });
});
