import { describe, expect, it } from "vitest";
import { formatAgo, formatFor, liveness } from "./liveness";

describe("liveness", () => {
  const base = { startedAt: 0, lastTickAt: 1_000, lostAt: null, now: 2_000 };
  it("is live while connected and ticking", () => {
    expect(liveness({ ...base, state: "connected" })).toEqual({ kind: "live" });
    expect(liveness({ ...base, state: "connected", now: 16_000 })).toEqual({ kind: "live" });
  });
  it("is stale when no tick arrived for 15 s", () => {
    expect(liveness({ ...base, state: "connected", now: 16_001 })).toEqual({ kind: "stale", forMs: 15_001 });
    expect(liveness({ ...base, lastTickAt: null, state: "connected", now: 20_000 })).toEqual({ kind: "stale", forMs: 20_000 });
  });
  it("says for how long it has been disconnected, whether retrying or not", () => {
    expect(liveness({ ...base, state: "disconnected", lostAt: 500, now: 65_500 })).toEqual({ kind: "disconnected", forMs: 65_000 });
    expect(liveness({ ...base, state: "connecting", lostAt: 500, now: 1_500 })).toEqual({ kind: "disconnected", forMs: 1_000 });
  });
  it("only mentions a first connection that takes a while", () => {
    expect(liveness({ ...base, state: "connecting", now: 1_000 })).toEqual({ kind: "live" });
    expect(liveness({ ...base, state: "disconnected", now: 4_000 })).toEqual({ kind: "connecting", forMs: 4_000 });
  });
});

describe("formatting", () => {
  it("formats durations for banners and the status line", () => {
    expect(formatFor(8_400)).toBe("8 s");
    expect(formatFor(125_000)).toBe("2 min 05 s");
    expect(formatFor(3_780_000)).toBe("1 h 03 min");
    expect(formatAgo(500)).toBe("just now");
    expect(formatAgo(12_000)).toBe("12 s ago");
    expect(formatAgo(185_000)).toBe("3 min ago");
    expect(formatAgo(7_300_000)).toBe("2 h ago");
  });
});
