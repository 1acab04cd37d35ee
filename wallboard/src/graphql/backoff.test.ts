import { describe, expect, it } from "vitest";
import { BACKOFF_CAP_MS, backoffDelayMs } from "./backoff";

describe("backoffDelayMs", () => {
  it("grows exponentially from the base", () => {
    expect(backoffDelayMs(0, 1)).toBe(500);
    expect(backoffDelayMs(1, 1)).toBe(1000);
    expect(backoffDelayMs(2, 1)).toBe(2000);
    expect(backoffDelayMs(3, 1)).toBe(4000);
  });

  it("jitters between half and all of the step", () => {
    expect(backoffDelayMs(2, 0)).toBe(1000);
    expect(backoffDelayMs(2, 0.5)).toBe(1500);
    for (let i = 0; i < 50; i++) {
      const d = backoffDelayMs(3, Math.random());
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });

  it("is capped at about 10 s, even after very many attempts", () => {
    expect(backoffDelayMs(5, 1)).toBe(BACKOFF_CAP_MS);
    expect(backoffDelayMs(10_000, 1)).toBe(BACKOFF_CAP_MS);
    expect(backoffDelayMs(Infinity, 0.999)).toBeLessThanOrEqual(BACKOFF_CAP_MS);
    expect(backoffDelayMs(10_000, 0)).toBe(BACKOFF_CAP_MS / 2);
  });

  it("treats nonsense input as the first attempt", () => {
    expect(backoffDelayMs(-3, 1)).toBe(500);
    expect(backoffDelayMs(0, 7)).toBe(500);
    expect(backoffDelayMs(Number.NaN, Number.NaN)).toBe(250);
  });
});
