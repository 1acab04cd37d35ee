import { describe, expect, it } from "vitest";
import { createServerClock } from "./serverClock";
import { createTicker, type Timers } from "./ticker";

/** Manual timers and a manual local clock: the test moves time itself. */
function harness() {
  let local = 0;
  let pending: { fn: () => void; at: number; id: number } | null = null;
  let ids = 0;
  const timers: Timers = {
    set(fn, ms) {
      pending = { fn, at: local + ms, id: ++ids };
      return pending.id;
    },
    clear(id) {
      if (pending?.id === id) pending = null;
    },
  };
  const clock = createServerClock(() => local);
  const advance = (ms: number) => {
    const end = local + ms;
    while (pending && pending.at <= end) {
      const p: { fn: () => void; at: number } = pending;
      pending = null;
      local = p.at;
      p.fn();
    }
    local = end;
  };
  return { clock, timers, advance, hasTimer: () => pending !== null };
}

describe("createTicker", () => {
  it("ticks as each server second begins, from the server's clock", () => {
    const h = harness();
    h.clock.sync("2025-06-02T14:00:00.400Z");
    const ticker = createTicker(h.clock, h.timers);
    const seen: (number | null)[] = [];
    const off = ticker.subscribe(() => seen.push(ticker.get().server));
    expect(seen).toEqual([Date.parse("2025-06-02T14:00:00.400Z")]);
    h.advance(600);
    h.advance(1000);
    expect(seen.slice(1)).toEqual([Date.parse("2025-06-02T14:00:01.000Z"), Date.parse("2025-06-02T14:00:02.000Z")]);
    off();
  });

  it("ticks once a local second before the first sample, and at once when a sample arrives", () => {
    const h = harness();
    const ticker = createTicker(h.clock, h.timers);
    let calls = 0;
    ticker.subscribe(() => calls++);
    expect(ticker.get().server).toBeNull();
    h.advance(1000);
    expect(calls).toBe(2);
    h.clock.sync("2025-06-02T14:00:00.000Z");
    expect(calls).toBe(3);
    expect(ticker.get().server).toBe(Date.parse("2025-06-02T14:00:00.000Z"));
  });

  it("does not tick again for a sample that confirms the second shown, and does for a move", () => {
    const h = harness();
    h.clock.sync("2025-06-02T14:00:00.000Z");
    const ticker = createTicker(h.clock, h.timers);
    let calls = 0;
    ticker.subscribe(() => calls++);
    h.advance(300);
    h.clock.sync("2025-06-02T14:00:00.320Z");
    expect(calls).toBe(1);
    h.advance(680);
    expect(calls).toBe(2);
    expect(ticker.get().server).toBe(Date.parse("2025-06-02T14:00:01.000Z"));
    h.clock.sync("2025-06-02T15:00:00.000Z", 0);
    expect(calls).toBe(3);
    expect(ticker.get().server).toBe(Date.parse("2025-06-02T15:00:00.000Z"));
  });

  it("runs no timer while nothing listens", () => {
    const h = harness();
    const ticker = createTicker(h.clock, h.timers);
    expect(h.hasTimer()).toBe(false);
    const off = ticker.subscribe(() => {});
    expect(h.hasTimer()).toBe(true);
    off();
    expect(h.hasTimer()).toBe(false);
    h.clock.sync("2025-06-02T14:00:00.000Z");
    expect(h.hasTimer()).toBe(false);
  });
});
