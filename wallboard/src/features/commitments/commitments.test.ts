import { describe, expect, it } from "vitest";
import { formatPercent, formatTarget, hourLabel, outcomeWords, trendFloor, trendRows, verdict } from "./commitments";

const rate = (r: number | null, met = 0, breached = 0, target = 0.95) => ({ target, met, breached, rate: r, meetingTarget: r === null ? null : r >= target });

describe("verdict", () => {
  it("uses the server's verdict, and says nothing was decided when the rate is null", () => {
    expect(verdict(rate(0.96))).toBe("meets");
    expect(verdict(rate(0.949))).toBe("misses");
    expect(verdict(rate(null))).toBe("none");
    expect(verdict(null)).toBe("none");
    expect(verdict({ ...rate(0.9), meetingTarget: null, target: 0.9 })).toBe("meets");
  });
});

describe("formatPercent", () => {
  it("never shows a missed target as met by rounding", () => {
    expect(formatPercent(0.9499)).toBe("94.9 %");
    expect(formatPercent(0.95)).toBe("95 %");
    expect(formatPercent(1)).toBe("100 %");
    expect(formatPercent(0)).toBe("0 %");
    expect(formatPercent(0.5714)).toBe("57.1 %");
    expect(formatPercent(null)).toBe("—");
  });
  it("formats targets and outcomes", () => {
    expect(formatTarget(0.95)).toBe("95 %");
    expect(formatTarget(0.9)).toBe("90 %");
    expect(outcomeWords(rate(0.95, 41, 2))).toBe("41 of 43 met");
    expect(outcomeWords(rate(null))).toBe("no outcome yet");
  });
});

describe("trendRows", () => {
  it("turns buckets into chart rows by bucket end, gaps where nothing was decided", () => {
    const rows = trendRows([
      { from: "2025-06-02T13:00:00.000Z", to: "2025-06-02T14:00:00.000Z", firstResponse: rate(0.5), updatesAndEscalations: rate(null) },
      { from: "2025-06-02T12:00:00.000Z", to: "2025-06-02T13:00:00.000Z", firstResponse: rate(0.9751), updatesAndEscalations: rate(1) },
    ]);
    expect(rows).toEqual([
      { t: Date.parse("2025-06-02T13:00:00.000Z"), firstResponse: 97.5, updates: 100 },
      { t: Date.parse("2025-06-02T14:00:00.000Z"), firstResponse: 50, updates: null },
    ]);
    expect(trendRows(null)).toEqual([]);
  });
  it("keeps the targets in view", () => {
    expect(trendFloor([], [0.95, 0.9])).toBe(80);
    expect(trendFloor([{ t: 0, firstResponse: 50, updates: null }], [0.95, 0.9])).toBe(40);
    expect(trendFloor([{ t: 0, firstResponse: 0, updates: null }], [0.95, 0.9])).toBe(0);
  });
  it("labels hours in UTC", () => {
    expect(hourLabel(Date.parse("2025-06-02T09:05:00.000Z"))).toBe("09:05");
  });
});
