import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { allowedCommands, decide, type IncidentCommand } from "../incident/lifecycle.js";
import { UTC_24X7_CALENDAR } from "./calendar.js";
import { deriveIncident } from "./clock.js";
import { applyPendingDecisions, nextDecisionAt, pendingDecisions } from "./decisions.js";
import type { SlaDecision } from "./engine.js";
import type { IncidentHistoryEvent } from "./events.js";
import { SEED, cycleOf, opened, paused, policyOn, reply, resumed, severityChanged } from "./history.testkit.js";
import { NY_OFFICE, at, iso } from "./testing.js";
import { SEVERITIES, type Severity } from "./types.js";

const MIN = 60_000;
const HOUR = 3_600_000;
const NY = policyOn(NY_OFFICE);

/** A decision as a short readable line. */
function line(d: SlaDecision): string {
  const e = d.event;
  const when = iso(d.at);
  if (e.type === "ALERT") return `${when} ${e.alert.kind} ${e.alert.clock}${e.alert.level ? ` ${e.alert.level}` : ""} #${e.alert.cycle} due ${iso(e.alert.dueAt)}${d.silent ? " silent" : ""}`;
  if (e.type === "ESCALATED") return `${when} ESCALATED ${e.fromLevel}→${e.toLevel} by ${e.by}${d.silent ? " silent" : ""}`;
  return `${when} ${e.type} by ${"by" in e ? e.by : ""}${d.silent ? " silent" : ""}`;
}

describe("decisions the product takes by itself", () => {
  const t0 = at("2025-06-02T09:00:00Z");

  it("AT_RISK when a running cycle crosses ratio × target, at that instant (not before)", () => {
    const h = [opened(t0, "CRITICAL")];
    expect(pendingDecisions(h, t0 + 22.5 * MIN)).toEqual([]);
    expect(pendingDecisions(h, t0 + 22.5 * MIN + 1).map(line)).toEqual(["2025-06-02T09:22:30.000Z AT_RISK FIRST_RESPONSE #1 due 2025-06-02T09:30:00.000Z"]);
    expect(cycleOf(deriveIncident(h, t0 + 22.5 * MIN).clocks, "FIRST_RESPONSE").atRisk).toBe(true);
    expect(cycleOf(deriveIncident(h, t0 + 22.5 * MIN - 1).clocks, "FIRST_RESPONSE").atRisk).toBe(false);
  });

  it("example 5 in order: update at risk and breached, escalation at risk, breached, the automatic escalation and its alert, stamped at the rule instants", () => {
    const h = [opened(t0, "CRITICAL"), reply(t0 + 5 * MIN)];
    expect(pendingDecisions(h, at("2025-06-02T13:00:00.001Z")).map(line)).toEqual([
      "2025-06-02T10:35:00.000Z AT_RISK CUSTOMER_UPDATE #1 due 2025-06-02T11:05:00.000Z",
      "2025-06-02T11:05:00.000Z BREACHED CUSTOMER_UPDATE #1 due 2025-06-02T11:05:00.000Z",
      "2025-06-02T12:00:00.000Z AT_RISK ESCALATION L1 #1 due 2025-06-02T13:00:00.000Z",
      "2025-06-02T13:00:00.000Z BREACHED ESCALATION L1 #1 due 2025-06-02T13:00:00.000Z",
      "2025-06-02T13:00:00.000Z ESCALATED L1→L2 by SYSTEM",
      "2025-06-02T13:00:00.000Z ESCALATED ESCALATION L1 #1 due 2025-06-02T13:00:00.000Z",
    ]);
  });

  it("includes the chain a decision starts: the next level's cycle breaches before `until` too", () => {
    const h = [opened(t0, "CRITICAL"), reply(t0 + 5 * MIN)];
    const escalations = pendingDecisions(h, t0 + 13 * HOUR).filter((d) => d.event.type === "ESCALATED").map(line);
    expect(escalations).toEqual(["2025-06-02T13:00:00.000Z ESCALATED L1→L2 by SYSTEM", "2025-06-02T17:00:00.000Z ESCALATED L2→L3 by SYSTEM"]);
    const l3breaches = pendingDecisions(h, t0 + 13 * HOUR).filter((d) => d.event.type === "ALERT" && d.event.alert.level === "L3" && d.event.alert.kind === "BREACHED");
    expect(l3breaches.map((d) => iso(d.at))).toEqual(["2025-06-02T21:00:00.000Z"]);
  });

  it("a recorded decision is not pending again, and recording changes nothing derived", () => {
    const h = [opened(t0, "CRITICAL"), reply(t0 + 5 * MIN)];
    const now = t0 + 6 * HOUR;
    const applied = applyPendingDecisions(h, now);
    expect(applied.length).toBeGreaterThan(h.length);
    expect(pendingDecisions(applied, now)).toEqual([]);
    const a = deriveIncident(h, now);
    const b = deriveIncident(applied, now);
    expect({ ...b, nextDecisionAt: null }).toEqual({ ...a, nextDecisionAt: null });
  });

  it("nextDecisionAt is the earliest unrecorded decision: the threshold, then the due once the alert is recorded", () => {
    const h = [opened(t0, "CRITICAL")];
    expect(nextDecisionAt(h)).toBe(t0 + 22.5 * MIN);
    const recorded = applyPendingDecisions(h, t0 + 23 * MIN);
    expect(nextDecisionAt(recorded)).toBe(t0 + 30 * MIN);
    expect(deriveIncident(recorded, t0 + 23 * MIN).nextDecisionAt).toBe(t0 + 30 * MIN);
  });

  it("re-arming after a pause: a cycle already past its threshold raises AT_RISK once, at the resume, for its new due", () => {
    const h = [opened(t0, "CRITICAL"), reply(t0 + 5 * MIN), paused(t0 + 100 * MIN), resumed(t0 + 130 * MIN)];
    const lines = pendingDecisions(h, t0 + 131 * MIN).filter((d) => d.event.type === "ALERT" && d.event.alert.clock === "CUSTOMER_UPDATE").map(line);
    expect(lines).toEqual([
      "2025-06-02T10:35:00.000Z AT_RISK CUSTOMER_UPDATE #1 due 2025-06-02T11:05:00.000Z",
      "2025-06-02T11:10:00.000Z AT_RISK CUSTOMER_UPDATE #1 due 2025-06-02T11:35:00.000Z",
    ]);
  });

  it("a pause that moves no due (entirely outside working hours) does not re-arm", () => {
    // HIGH on NY: update 4 h from Mon 13:00 → 17:00, at risk at 16:00. Paused 16:30, resumed at 07:00 the next morning.
    const h = [
      opened(at("2025-06-09T12:50:00-04:00"), "HIGH", NY.HIGH),
      reply(at("2025-06-09T13:00:00-04:00")),
      paused(at("2025-06-09T17:00:00-04:00")),
      resumed(at("2025-06-10T07:00:00-04:00")),
    ];
    const updateAlerts = pendingDecisions(h, at("2025-06-10T07:00:01-04:00")).filter((d) => d.event.type === "ALERT" && d.event.alert.clock === "CUSTOMER_UPDATE");
    expect(updateAlerts.map((d) => d.event.type === "ALERT" && d.event.alert.kind)).toEqual(["AT_RISK", "BREACHED"]);
    // Paused exactly at its due, resumed after it in non-working time: breached at the resume, the first instant it runs past its due.
    expect(iso(updateAlerts[1].at)).toBe(iso(at("2025-06-10T07:00:00-04:00")));
  });

  it("a change that re-arms a cycle past its threshold raises AT_RISK at the change, unless the same change breaches it", () => {
    const h = [
      opened(at("2025-06-09T09:00:00-04:00"), "NORMAL", NY.NORMAL),
      reply(at("2025-06-09T09:30:00-04:00")),
      severityChanged(at("2025-06-09T12:00:00-04:00"), "CRITICAL", SEED.CRITICAL),
    ];
    const atChange = pendingDecisions(h, at("2025-06-09T12:00:00.001-04:00")).filter((d) => d.at === at("2025-06-09T12:00:00-04:00"));
    expect(atChange.map(line)).toEqual([
      "2025-06-09T16:00:00.000Z BREACHED CUSTOMER_UPDATE #1 due 2025-06-09T15:30:00.000Z",
      "2025-06-09T16:00:00.000Z AT_RISK ESCALATION L1 #1 due 2025-06-09T17:00:00.000Z",
    ]);
  });

  it("decisions dated before the incident was recorded (an import) are silent; later ones are not", () => {
    const h = [opened(t0, "CRITICAL", SEED.CRITICAL, { recordedAt: t0 + 5 * HOUR })];
    const ds = pendingDecisions(h, t0 + 10 * HOUR);
    expect(ds.filter((d) => d.at < t0 + 5 * HOUR).every((d) => d.silent)).toBe(true);
    expect(ds.filter((d) => d.at >= t0 + 5 * HOUR).every((d) => !d.silent)).toBe(true);
    expect(ds.some((d) => d.silent) && ds.some((d) => !d.silent)).toBe(true);
    const fr = ds.find((d) => d.event.type === "ALERT" && d.event.alert.clock === "FIRST_RESPONSE" && d.event.alert.kind === "BREACHED");
    expect(fr?.event).toEqual({ type: "ALERT", at: t0 + 30 * MIN, alert: { kind: "BREACHED", clock: "FIRST_RESPONSE", level: null, cycle: 1, dueAt: t0 + 30 * MIN }, silent: true });
  });

  it("a lagging watcher's late record (after a later event) is recognised, not applied twice", () => {
    const h = [opened(t0, "CRITICAL"), reply(t0 + 5 * MIN), reply(t0 + 5 * HOUR)];
    const late = applyPendingDecisions(h, t0 + 5 * HOUR);
    expect(late.findIndex((e) => e.type === "ESCALATED")).toBeGreaterThan(2);
    expect(deriveIncident(late, t0 + 6 * HOUR).level).toBe("L2");
    expect(pendingDecisions(late, t0 + 5 * HOUR)).toEqual([]);
  });
});

// ---- properties over generated, legal histories -------------------------------------

interface Step {
  readonly dtSeconds: number;
  readonly pick: number;
  readonly applyFirst: boolean;
}

/** Builds a legal history: each command is one the status machine accepts at that instant. */
function buildHistory(severity: Severity, onOffice: boolean, t0: number, steps: readonly Step[]): { history: IncidentHistoryEvent[]; end: number } {
  const policy = onOffice ? NY : policyOn(UTC_24X7_CALENDAR);
  let h: IncidentHistoryEvent[] = [opened(t0, severity, policy[severity])];
  let t = t0;
  for (const s of steps) {
    t += s.dtSeconds * 1000;
    if (s.applyFirst) h = applyPendingDecisions(h, t);
    const d = deriveIncident(h, t);
    const options = allowedCommands(d.status).filter((c) => c !== "assign" && c !== "linkToProblem" && !(c === "escalate" && d.level === "L3"));
    if (options.length === 0) break;
    const type = options[s.pick % options.length];
    const sev = SEVERITIES[s.pick % 3];
    const command = (type === "changeSeverity" ? { type, severity: sev, targets: policy[sev] } : { type }) as IncidentCommand;
    h.push(...decide({ status: d.status, level: d.level }, command, t));
  }
  return { history: h, end: t };
}

const stepArb = fc.record({ dtSeconds: fc.integer({ min: 1, max: 6 * 3600 }), pick: fc.nat(1000), applyFirst: fc.boolean() });
const historyArb = fc
  .record({
    severity: fc.constantFrom<Severity>("CRITICAL", "HIGH", "NORMAL"),
    office: fc.boolean(),
    t0: fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2026, 0, 1) }),
    steps: fc.array(stepArb, { maxLength: 12 }),
  })
  .map((r) => buildHistory(r.severity, r.office, r.t0, r.steps));

describe("properties", () => {
  it("pendingDecisions up to t2 equals up to t1, then (after applying them) from t1 to t2", () => {
    fc.assert(
      fc.property(historyArb, fc.integer({ min: 0, max: 3 * 24 * 3600 }), fc.integer({ min: 0, max: 3 * 24 * 3600 }), ({ history, end }, a, b) => {
        const t1 = end + Math.min(a, b) * 1000;
        const t2 = end + Math.max(a, b) * 1000;
        const whole = pendingDecisions(history, t2);
        const first = pendingDecisions(history, t1);
        const rest = pendingDecisions([...history, ...first.map((d) => d.event)], t2);
        expect([...first, ...rest]).toEqual(whole);
      }),
      { numRuns: 150 },
    );
  });

  it("deriving after appending the pending decisions gives the same incident", () => {
    fc.assert(
      fc.property(historyArb, fc.integer({ min: 0, max: 2 * 24 * 3600 }), ({ history, end }, extra) => {
        const now = end + extra * 1000;
        const a = deriveIncident(history, now);
        const b = deriveIncident(applyPendingDecisions(history, now), now);
        expect({ ...b, nextDecisionAt: null }).toEqual({ ...a, nextDecisionAt: null });
        // Nothing is left before now once applied, so the next decision lies at or after now.
        if (b.nextDecisionAt !== null) expect(b.nextDecisionAt).toBeGreaterThanOrEqual(now);
      }),
      { numRuns: 150 },
    );
  });

  it("nextDecisionAt is exactly the instant of the first pending decision", () => {
    fc.assert(
      fc.property(historyArb, ({ history }) => {
        const next = nextDecisionAt(history);
        if (next === null) return;
        expect(pendingDecisions(history, next)).toEqual([]);
        expect(pendingDecisions(history, next + 1)[0]?.at).toBe(next);
      }),
      { numRuns: 150 },
    );
  });

  it("a pause never moves a due earlier", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Severity>("CRITICAL", "HIGH", "NORMAL"),
        fc.boolean(),
        fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2026, 0, 1) }),
        fc.integer({ min: 1, max: 3 * 3600 }),
        fc.integer({ min: 0, max: 48 * 3600 }),
        fc.integer({ min: 1, max: 72 * 3600 }),
        (severity, office, t0, replyAfter, pauseAfter, pauseFor) => {
          const policy = office ? NY : SEED;
          const base = [opened(t0, severity, policy[severity]), reply(t0 + replyAfter * 1000)];
          const p = t0 + (replyAfter + pauseAfter) * 1000;
          const r = p + pauseFor * 1000;
          const withPause = deriveIncident(applyPendingDecisions([...applyPendingDecisions(base, p), paused(p)], r).concat(resumed(r)), r);
          const without = deriveIncident(base, r);
          if (withPause.status !== "IN_PROGRESS") return; // the pause began after a product decision ended it
          for (const c of without.clocks) {
            const twin = withPause.clocks.find((x) => x.kind === c.kind && x.level === c.level && x.cycle === c.cycle);
            if (twin) expect(twin.dueAt).toBeGreaterThanOrEqual(c.dueAt);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
