import { describe, expect, it } from "vitest";
import { anchorFromSample, clockOffsetMs, createServerClock, formatUtcHms, msUntilNextSecond, serverTimeAt } from "./serverClock";

const T = Date.parse("2025-03-04T10:30:00.250Z");

describe("anchorFromSample / serverTimeAt", () => {
  it("computes the offset between server and local clock when the answer arrived", () => {
    const anchor = anchorFromSample("2025-03-04T10:30:00.250Z", 5_000)!;
    expect(clockOffsetMs(anchor)).toBe(T - 5_000);
  });

  it("ticks locally from the sample", () => {
    const anchor = anchorFromSample("2025-03-04T10:30:00.250Z", 5_000)!;
    expect(serverTimeAt(anchor, 5_000)).toBe(T);
    expect(serverTimeAt(anchor, 6_000)).toBe(T + 1_000);
    expect(serverTimeAt(anchor, 65_000)).toBe(T + 60_000);
  });

  it("follows the rate of a simulated clock (0 = standing still)", () => {
    const still = anchorFromSample("2025-03-04T10:30:00.250Z", 5_000, 0)!;
    expect(serverTimeAt(still, 50_000)).toBe(T);
    const fast = anchorFromSample("2025-03-04T10:30:00.250Z", 5_000, 60)!;
    expect(serverTimeAt(fast, 6_000)).toBe(T + 60_000);
  });

  it("rejects unusable samples", () => {
    expect(anchorFromSample("yesterday", 0)).toBeNull();
    expect(anchorFromSample("2025-03-04T10:30:00.250Z", Number.NaN)).toBeNull();
    expect(anchorFromSample("2025-03-04T10:30:00.250Z", 0, -1)?.rate).toBe(1);
  });
});

describe("msUntilNextSecond", () => {
  it("waits until the displayed second changes", () => {
    const anchor = anchorFromSample("2025-03-04T10:30:00.250Z", 0)!;
    expect(msUntilNextSecond(anchor, 0)).toBe(750);
    expect(msUntilNextSecond(anchor, 700)).toBe(50);
    expect(msUntilNextSecond(anchor, 750)).toBe(1000);
  });

  it("polls once a second while the clock stands still", () => {
    expect(msUntilNextSecond(anchorFromSample("2025-03-04T10:30:00.250Z", 0, 0)!, 0)).toBe(1000);
  });
});

describe("formatUtcHms", () => {
  it("formats UTC as HH:MM:SS", () => {
    expect(formatUtcHms(T)).toBe("10:30:00");
    expect(formatUtcHms(Date.parse("2025-12-31T23:59:59.999Z"))).toBe("23:59:59");
    expect(formatUtcHms(Date.parse("2025-01-01T00:00:00.000+05:00"))).toBe("19:00:00");
    expect(formatUtcHms(Number.NaN)).toBe("--:--:--");
  });
});

describe("createServerClock", () => {
  it("answers null before a sample, then server time by the injected local clock", () => {
    let local = 1_000;
    const clock = createServerClock(() => local);
    expect(clock.now()).toBeNull();
    let notified = 0;
    clock.subscribe(() => notified++);
    clock.sync("2025-03-04T10:30:00.250Z");
    expect(notified).toBe(1);
    local = 3_500;
    expect(clock.now()).toBe(T + 2_500);
    clock.sync("not a date");
    expect(clock.now()).toBe(T + 2_500);
  });
});
