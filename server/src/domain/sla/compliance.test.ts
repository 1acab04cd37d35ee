import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { complianceOutcomes, complianceRate, complianceRates, complianceTrend, ratesFromRollup, rollupOutcomes } from "./compliance.js";
import type { ComplianceOutcome } from "./engine.js";
import { opened, reply, resolved, reopened, escalated, severityChanged } from "./history.testkit.js";
import { at } from "./testing.js";

const MIN = 60_000;
const HOUR = 3_600_000;
const t0 = at("2025-06-02T09:00:00Z");

describe("compliance outcomes: one per case and measure, decided at one instant", () => {
  it("example 5: first response MET at the reply; updates-and-escalations BREACHED at 11:05Z, at L1", () => {
    const out = complianceOutcomes([opened(t0, "CRITICAL"), reply(t0 + 5 * MIN)], t0 + 6 * HOUR);
    expect(out).toEqual([
      { measure: "FIRST_RESPONSE", caseNumber: 1, at: t0 + 5 * MIN, outcome: "MET", severity: "CRITICAL", productCode: "ERP", level: "L1" },
      { measure: "UPDATES_AND_ESCALATIONS", caseNumber: 1, at: at("2025-06-02T11:05:00Z"), outcome: "BREACHED", severity: "CRITICAL", productCode: "ERP", level: "L1" },
    ]);
  });

  it("an unanswered first response is decided BREACHED at its breach instant, before any reply", () => {
    const out = complianceOutcomes([opened(t0, "HIGH")], t0 + 3 * HOUR);
    expect(out).toEqual([{ measure: "FIRST_RESPONSE", caseNumber: 1, at: t0 + 2 * HOUR, outcome: "BREACHED", severity: "HIGH", productCode: "ERP", level: "L1" }]);
    expect(complianceOutcomes([opened(t0, "HIGH")], t0 + 2 * HOUR)).toEqual([]);
  });

  it("an escalation breach decides the case at the level of the cycle that breached (L1), though the incident moves to L2 then", () => {
    const h = [opened(t0, "CRITICAL"), reply(t0 + 5 * MIN), reply(t0 + 65 * MIN), reply(t0 + 125 * MIN), reply(t0 + 185 * MIN)];
    const ue = complianceOutcomes(h, t0 + 5 * HOUR).filter((o) => o.measure === "UPDATES_AND_ESCALATIONS");
    expect(ue).toEqual([{ measure: "UPDATES_AND_ESCALATIONS", caseNumber: 1, at: t0 + 4 * HOUR, outcome: "BREACHED", severity: "CRITICAL", productCode: "ERP", level: "L1" }]);
  });

  it("a MET case counts under the level at resolution, and the severity in force after a change at that instant (a change refused after resolution does not count)", () => {
    const h = [opened(t0, "HIGH"), reply(t0 + 10 * MIN), escalated(t0 + HOUR, "L2"), resolved(t0 + 2 * HOUR), severityChanged(t0 + 2 * HOUR, "CRITICAL")];
    const ue = complianceOutcomes(h, t0 + 3 * HOUR).filter((o) => o.measure === "UPDATES_AND_ESCALATIONS");
    expect(ue).toEqual([{ measure: "UPDATES_AND_ESCALATIONS", caseNumber: 1, at: t0 + 2 * HOUR, outcome: "MET", severity: "HIGH", productCode: "ERP", level: "L2" }]);
    const sameInstant = [opened(t0, "HIGH"), reply(t0 + 10 * MIN), severityChanged(t0 + 10 * MIN, "NORMAL")];
    expect(complianceOutcomes(sameInstant, t0 + HOUR)[0]).toMatchObject({ measure: "FIRST_RESPONSE", outcome: "MET", severity: "NORMAL" });
  });

  it("a reopen is a new case with its own updates-and-escalations outcome; the first response is not measured again", () => {
    const h = [opened(t0, "HIGH"), reply(t0 + 10 * MIN), resolved(t0 + HOUR), reopened(t0 + 5 * HOUR), resolved(t0 + 6 * HOUR)];
    const out = complianceOutcomes(h, t0 + 7 * HOUR);
    expect(out.map((o) => [o.measure, o.caseNumber, o.outcome, o.at])).toEqual([
      ["FIRST_RESPONSE", 1, "MET", t0 + 10 * MIN],
      ["UPDATES_AND_ESCALATIONS", 1, "MET", t0 + HOUR],
      ["UPDATES_AND_ESCALATIONS", 2, "MET", t0 + 6 * HOUR],
    ]);
  });
});

function outcome(at: number, o: "MET" | "BREACHED", measure: ComplianceOutcome["measure"] = "FIRST_RESPONSE", extra: Partial<ComplianceOutcome> = {}): ComplianceOutcome {
  return { measure, caseNumber: 1, at, outcome: o, severity: "HIGH", productCode: "ERP", level: "L1", ...extra };
}

describe("rates over a window (from, to]", () => {
  it("counts an outcome at `to` and not one at `from`", () => {
    const r = complianceRates([outcome(100, "BREACHED"), outcome(200, "MET"), outcome(150, "MET")], 100, 200);
    expect([r.firstResponse.met, r.firstResponse.breached]).toEqual([2, 0]);
  });

  it("a rate with no decided outcome is null, never 0 or 1", () => {
    expect(complianceRates([], 0, 1000).firstResponse).toEqual({ target: 0.95, met: 0, breached: 0, rate: null, meetingTarget: null });
    expect(complianceRates([outcome(5, "MET")], 0, 1000).updatesAndEscalations.rate).toBeNull();
  });

  it("rate = MET ÷ (MET + BREACHED) against 0.95 and 0.90", () => {
    expect(complianceRate(19, 1, 0.95)).toEqual({ target: 0.95, met: 19, breached: 1, rate: 0.95, meetingTarget: true });
    expect(complianceRate(8, 2, 0.9).meetingTarget).toBe(false);
  });

  it("filters by severity, level and product; empty lists mean all", () => {
    const os = [outcome(1, "MET"), outcome(2, "BREACHED", "FIRST_RESPONSE", { severity: "CRITICAL", level: "L2", productCode: "CRM" })];
    expect(complianceRates(os, 0, 10, { severities: ["CRITICAL"] }).firstResponse.breached).toBe(1);
    expect(complianceRates(os, 0, 10, { levels: ["L1"] }).firstResponse.met).toBe(1);
    expect(complianceRates(os, 0, 10, { productCodes: ["CRM"], levels: [] }).firstResponse.breached).toBe(1);
    expect(complianceRates(os, 0, 10, { severities: [] }).firstResponse.met + complianceRates(os, 0, 10, {}).firstResponse.breached).toBe(2);
  });

  const outcomesArb = fc.array(
    fc.record({
      at: fc.integer({ min: 0, max: 10 * 24 * HOUR }),
      o: fc.constantFrom<"MET" | "BREACHED">("MET", "BREACHED"),
      m: fc.constantFrom<ComplianceOutcome["measure"]>("FIRST_RESPONSE", "UPDATES_AND_ESCALATIONS"),
      sev: fc.constantFrom<ComplianceOutcome["severity"]>("CRITICAL", "HIGH", "NORMAL"),
    }),
    { maxLength: 200 },
  ).map((xs) => xs.map((x) => outcome(x.at, x.o, x.m, { severity: x.sev })));

  it("per-bucket counts add up exactly to the direct computation", () => {
    fc.assert(
      fc.property(outcomesArb, fc.integer({ min: 0, max: 10 * 24 * HOUR }), fc.integer({ min: 0, max: 10 * 24 * HOUR }), fc.integer({ min: 1, max: 48 * 60 }).map((m) => m * MIN), (os, a, b, size) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const direct = complianceRates(os, from, to);
        const points = complianceTrend(os, from, to, size);
        const sum = (f: (p: (typeof points)[number]) => number) => points.reduce((s, p) => s + f(p), 0);
        expect(sum((p) => p.firstResponse.met)).toBe(direct.firstResponse.met);
        expect(sum((p) => p.firstResponse.breached)).toBe(direct.firstResponse.breached);
        expect(sum((p) => p.updatesAndEscalations.met)).toBe(direct.updatesAndEscalations.met);
        expect(sum((p) => p.updatesAndEscalations.breached)).toBe(direct.updatesAndEscalations.breached);
      }),
      { numRuns: 200 },
    );
  });

  it("hourly rollups give exactly the direct rates over any window of whole hours", () => {
    fc.assert(
      fc.property(outcomesArb, fc.integer({ min: 0, max: 240 }), fc.integer({ min: 0, max: 240 }), (os, a, b) => {
        const [from, to] = a <= b ? [a * HOUR, b * HOUR] : [b * HOUR, a * HOUR];
        const rows = rollupOutcomes(os, HOUR);
        expect(ratesFromRollup(rows, from, to, HOUR)).toEqual(complianceRates(os, from, to));
        expect(ratesFromRollup(rows, from, to, HOUR, { severities: ["HIGH"] })).toEqual(complianceRates(os, from, to, { severities: ["HIGH"] }));
      }),
      { numRuns: 200 },
    );
  });
});
