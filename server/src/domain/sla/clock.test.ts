import { describe, it, expect } from "vitest";
import { deriveIncident, statusAfterEach } from "./clock.js";
import { pendingDecisions } from "./decisions.js";
import type { IncidentHistoryEvent } from "./events.js";
import { NY_24X7, NY_OFFICE, at, iso } from "./testing.js";
import {
  SEED,
  closed,
  customer,
  cycleOf,
  escalated,
  note,
  opened,
  paused,
  policyOn,
  reopened,
  reply,
  resolved,
  resumed,
  severityChanged,
} from "./history.testkit.js";

const MIN = 60_000;
const HOUR = 3_600_000;
const NY = policyOn(NY_OFFICE);

describe("SLA.md worked examples", () => {
  it("example 1: CRITICAL on 24×7 UTC, reply at 14:25Z → first response MET with margin +300 s; update cycle 1 due 16:25Z; escalation L1 due 18:00Z", () => {
    const h = [opened(at("2025-06-02T14:00:00Z"), "CRITICAL"), reply(at("2025-06-02T14:25:00Z"))];
    const d = deriveIncident(h, at("2025-06-02T14:30:00Z"));
    const fr = cycleOf(d.clocks, "FIRST_RESPONSE");
    expect(fr.state).toBe("MET");
    expect(fr.marginSeconds).toBe(300);
    expect(iso(fr.stoppedAt)).toBe("2025-06-02T14:25:00.000Z");
    const upd = cycleOf(d.clocks, "CUSTOMER_UPDATE");
    expect([upd.state, iso(upd.startedAt), iso(upd.dueAt)]).toEqual(["RUNNING", "2025-06-02T14:25:00.000Z", "2025-06-02T16:25:00.000Z"]);
    expect(iso(cycleOf(d.clocks, "ESCALATION").dueAt)).toBe("2025-06-02T18:00:00.000Z");
    expect(d.status).toBe("IN_PROGRESS");
    expect(iso(d.nextDueAt)).toBe("2025-06-02T16:25:00.000Z");
    expect(iso(d.firstRespondedAt)).toBe("2025-06-02T14:25:00.000Z");
  });

  it("example 2: HIGH on NY opened Thu 2025-07-03 16:30 → first response due Mon 2025-07-07 09:30", () => {
    const d = deriveIncident([opened(at("2025-07-03T16:30:00-04:00"), "HIGH", NY.HIGH)], at("2025-07-03T16:45:00-04:00"));
    const fr = cycleOf(d.clocks, "FIRST_RESPONSE");
    expect(iso(fr.dueAt)).toBe(iso(at("2025-07-07T09:30:00-04:00")));
    expect(fr.targetSeconds).toBe(7200);
    expect(fr.elapsedSeconds).toBe(900);
    expect(fr.remainingSeconds).toBe(6300);
  });

  it("example 3: NORMAL on NY, first response Fri 2025-03-07 15:00 → update due Mon 2025-03-10 15:00 EDT (19:00Z)", () => {
    const h = [opened(at("2025-03-07T13:00:00-05:00"), "NORMAL", NY.NORMAL), reply(at("2025-03-07T15:00:00-05:00"))];
    const upd = cycleOf(deriveIncident(h, at("2025-03-07T15:00:00-05:00")).clocks, "CUSTOMER_UPDATE");
    expect(iso(upd.dueAt)).toBe("2025-03-10T19:00:00.000Z");
    expect(upd.targetSeconds).toBe(9 * 3600);
  });

  describe("example 4: HIGH on NY, escalation from Tue 2025-06-10 10:00, paused Tue 15:00, resumed Wed 10:00", () => {
    const h: IncidentHistoryEvent[] = [
      opened(at("2025-06-10T10:00:00-04:00"), "HIGH", NY.HIGH),
      reply(at("2025-06-10T10:05:00-04:00")),
      paused(at("2025-06-10T15:00:00-04:00")),
      resumed(at("2025-06-11T10:00:00-04:00")),
    ];
    it("resumed: due Wed 13:00, originalDueAt Wed 09:00, pausedSeconds 14,400", () => {
      const esc = cycleOf(deriveIncident(h, at("2025-06-11T10:00:00-04:00")).clocks, "ESCALATION");
      expect(esc.state).toBe("RUNNING");
      expect(iso(esc.originalDueAt)).toBe(iso(at("2025-06-11T09:00:00-04:00")));
      expect(iso(esc.dueAt)).toBe(iso(at("2025-06-11T13:00:00-04:00")));
      expect(esc.pausedSeconds).toBe(14_400);
      expect(esc.elapsedSeconds).toBe(5 * 3600);
      expect(esc.remainingSeconds).toBe(3 * 3600);
      expect(esc.targetSeconds).toBe(8 * 3600);
    });
    it("while paused: PAUSED, dueAt is the due it would have if it resumed now", () => {
      const d = deriveIncident(h.slice(0, 3), at("2025-06-11T09:00:00-04:00"));
      const esc = cycleOf(d.clocks, "ESCALATION");
      expect(esc.state).toBe("PAUSED");
      expect(iso(esc.dueAt)).toBe(iso(at("2025-06-11T12:00:00-04:00")));
      expect(esc.pausedSeconds).toBe(3 * 3600);
      expect(esc.elapsedSeconds).toBe(5 * 3600);
      expect(d.status).toBe("PENDING_CUSTOMER");
      expect(d.nextDueAt).toBeNull(); // no RUNNING cycle: the first response is MET, the others paused
    });
  });

  it("example 5: CRITICAL, answered 09:05Z and never updated: update BREACHED at 11:05Z (still open); escalation L1 BREACHED at 13:00Z, L2 from 13:00Z due 17:00Z; outcome BREACHED at 11:05Z", () => {
    const h = [opened(at("2025-06-02T09:00:00Z"), "CRITICAL"), reply(at("2025-06-02T09:05:00Z"))];
    const d = deriveIncident(h, at("2025-06-02T14:00:00Z"));
    const upd = cycleOf(d.clocks, "CUSTOMER_UPDATE");
    expect([upd.state, iso(upd.breachedAt), upd.stoppedAt, upd.remainingSeconds]).toEqual(["BREACHED", "2025-06-02T11:05:00.000Z", null, 0]);
    const l1 = cycleOf(d.clocks, "ESCALATION", 1, "L1");
    expect([l1.state, iso(l1.breachedAt), iso(l1.stoppedAt), l1.marginSeconds, l1.breachedByChange]).toEqual(["BREACHED", "2025-06-02T13:00:00.000Z", "2025-06-02T13:00:00.000Z", 0, false]);
    const l2 = cycleOf(d.clocks, "ESCALATION", 1, "L2");
    expect([l2.state, iso(l2.startedAt), iso(l2.dueAt)]).toEqual(["RUNNING", "2025-06-02T13:00:00.000Z", "2025-06-02T17:00:00.000Z"]);
    expect(d.level).toBe("L2");
    expect(d.overdue).toBe(true);
    expect(d.breached).toBe(true);
    expect(d.outcomes.filter((o) => o.measure === "UPDATES_AND_ESCALATIONS")).toEqual([
      { measure: "UPDATES_AND_ESCALATIONS", caseNumber: 1, at: at("2025-06-02T11:05:00Z"), outcome: "BREACHED", severity: "CRITICAL", productCode: "ERP", level: "L1" },
    ]);
    const escalation = pendingDecisions(h, at("2025-06-02T14:00:00Z")).find((x) => x.event.type === "ESCALATED");
    expect(escalation?.event).toEqual({ type: "ESCALATED", at: at("2025-06-02T13:00:00Z"), by: "SYSTEM", fromLevel: "L1", toLevel: "L2", cycle: 1 });
  });

  it("example 6: NORMAL on NY answered Mon 09:30, upgraded to CRITICAL at 12:00 → update cycle due 11:30, BREACHED at 12:00 by the change", () => {
    const h = [
      opened(at("2025-06-09T09:00:00-04:00"), "NORMAL", NY.NORMAL),
      reply(at("2025-06-09T09:30:00-04:00")),
      severityChanged(at("2025-06-09T12:00:00-04:00"), "CRITICAL", SEED.CRITICAL),
    ];
    const before = cycleOf(deriveIncident(h.slice(0, 2), at("2025-06-09T11:00:00-04:00")).clocks, "CUSTOMER_UPDATE");
    expect(iso(before.dueAt)).toBe(iso(at("2025-06-10T09:30:00-04:00")));
    const upd = cycleOf(deriveIncident(h, at("2025-06-09T12:00:00-04:00")).clocks, "CUSTOMER_UPDATE");
    expect(iso(upd.dueAt)).toBe(iso(at("2025-06-09T11:30:00-04:00")));
    expect([upd.state, iso(upd.breachedAt), upd.breachedByChange]).toEqual(["BREACHED", iso(at("2025-06-09T12:00:00-04:00")), true]);
    const breachAlerts = pendingDecisions(h, at("2025-06-09T12:00:01-04:00")).filter((x) => x.event.type === "ALERT" && x.event.alert.kind === "BREACHED");
    expect(breachAlerts.map((x) => [iso(x.at), x.event.type === "ALERT" && x.event.alert.clock])).toEqual([[iso(at("2025-06-09T12:00:00-04:00")), "CUSTOMER_UPDATE"]]);
  });
});

describe("breach instant: now = due is not breached, 1 ms later is", () => {
  it.each([
    ["24×7 UTC first response", SEED.CRITICAL, "2025-06-02T09:00:00Z", "2025-06-02T09:30:00Z"],
    ["NY office, due exactly at the end of a span (17:00)", NY.CRITICAL, "2025-06-10T16:30:00-04:00", "2025-06-10T17:00:00-04:00"],
  ])("%s", (_l, targets, open, due) => {
    const h = [opened(at(open), targets.severity, targets)];
    const atDue = cycleOf(deriveIncident(h, at(due)).clocks, "FIRST_RESPONSE");
    expect([atDue.state, atDue.remainingSeconds, iso(atDue.dueAt)]).toEqual(["RUNNING", 0, iso(at(due))]);
    const after = cycleOf(deriveIncident(h, at(due) + 1).clocks, "FIRST_RESPONSE");
    expect([after.state, iso(after.breachedAt)]).toEqual(["BREACHED", iso(at(due))]);
  });

  it("a reply exactly at the due meets the target with margin 0", () => {
    const fr = cycleOf(deriveIncident([opened(at("2025-06-02T09:00:00Z"), "CRITICAL"), reply(at("2025-06-02T09:30:00Z"))], at("2025-06-02T10:00:00Z")).clocks, "FIRST_RESPONSE");
    expect([fr.state, fr.marginSeconds]).toEqual(["MET", 0]);
  });

  it("a clock started outside working hours counts from the next working instant (opened Saturday on NY)", () => {
    const d = deriveIncident([opened(at("2025-06-14T11:00:00-04:00"), "CRITICAL", NY.CRITICAL)], at("2025-06-16T08:10:00-04:00"));
    const fr = cycleOf(d.clocks, "FIRST_RESPONSE");
    expect([iso(fr.startedAt), iso(fr.dueAt), fr.elapsedSeconds, fr.targetSeconds]).toEqual([iso(at("2025-06-14T11:00:00-04:00")), iso(at("2025-06-16T08:30:00-04:00")), 600, 1800]);
  });
});

describe("first response", () => {
  it("a breached first response stays open until the first public communication, which stops it (still BREACHED)", () => {
    const h = [opened(at("2025-06-02T09:00:00Z"), "CRITICAL")];
    const open = cycleOf(deriveIncident(h, at("2025-06-02T10:00:00Z")).clocks, "FIRST_RESPONSE");
    expect([open.state, open.stoppedAt]).toEqual(["BREACHED", null]);
    const d = deriveIncident([...h, reply(at("2025-06-02T10:10:00Z"))], at("2025-06-02T10:20:00Z"));
    const fr = cycleOf(d.clocks, "FIRST_RESPONSE");
    expect([fr.state, iso(fr.stoppedAt), fr.marginSeconds]).toEqual(["BREACHED", "2025-06-02T10:10:00.000Z", -40 * 60]);
    expect(d.overdue).toBe(false);
    expect(d.breached).toBe(true);
  });

  it("internal notes and customer comments are not a first response; the update clock starts only at the first response", () => {
    const h = [opened(at("2025-06-02T09:00:00Z"), "HIGH"), note(at("2025-06-02T09:10:00Z")), customer(at("2025-06-02T09:20:00Z"))];
    const d = deriveIncident(h, at("2025-06-02T09:30:00Z"));
    expect(d.status).toBe("NEW");
    expect(cycleOf(d.clocks, "FIRST_RESPONSE").state).toBe("RUNNING");
    expect(d.clocks.some((c) => c.kind === "CUSTOMER_UPDATE")).toBe(false);
    const after = deriveIncident([...h, reply(at("2025-06-02T09:40:00Z"))], at("2025-06-02T09:50:00Z"));
    expect(iso(cycleOf(after.clocks, "CUSTOMER_UPDATE").startedAt)).toBe("2025-06-02T09:40:00.000Z");
  });

  it("a resolution summary is a public communication: it answers a NEW incident", () => {
    const d = deriveIncident([opened(at("2025-06-02T09:00:00Z"), "CRITICAL"), resolved(at("2025-06-02T09:20:00Z"))], at("2025-06-02T10:00:00Z"));
    expect(cycleOf(d.clocks, "FIRST_RESPONSE").state).toBe("MET");
    expect(iso(d.firstRespondedAt)).toBe("2025-06-02T09:20:00.000Z");
    expect(d.status).toBe("RESOLVED");
  });
});

describe("customer updates and pauses", () => {
  const t0 = at("2025-06-02T09:00:00Z");
  it("each public communication ends the running update cycle (MET) and starts the next", () => {
    const d = deriveIncident([opened(t0, "CRITICAL"), reply(t0 + 5 * MIN), reply(t0 + 65 * MIN)], t0 + 70 * MIN);
    const c1 = cycleOf(d.clocks, "CUSTOMER_UPDATE", 1);
    expect([c1.state, c1.marginSeconds]).toEqual(["MET", 3600]);
    const c2 = cycleOf(d.clocks, "CUSTOMER_UPDATE", 2);
    expect([c2.state, iso(c2.dueAt)]).toEqual(["RUNNING", iso(t0 + 185 * MIN)]);
  });

  it("a customer comment resumes a waiting incident but never counts as an update", () => {
    const h = [opened(t0, "CRITICAL"), reply(t0 + 5 * MIN), paused(t0 + 10 * MIN), customer(t0 + 40 * MIN)];
    const d = deriveIncident(h, t0 + 45 * MIN);
    expect(d.status).toBe("IN_PROGRESS");
    const upd = cycleOf(d.clocks, "CUSTOMER_UPDATE", 1);
    expect([upd.state, upd.pausedSeconds, iso(upd.dueAt)]).toEqual(["RUNNING", 1800, iso(t0 + 155 * MIN)]);
    expect(d.clocks.filter((c) => c.kind === "CUSTOMER_UPDATE")).toHaveLength(1);
    expect(statusAfterEach(h)).toEqual(["NEW", "IN_PROGRESS", "PENDING_CUSTOMER", "IN_PROGRESS"]);
  });

  it("a public communication while paused ends the paused update cycle (MET) and starts the next one, paused", () => {
    const d = deriveIncident([opened(t0, "CRITICAL"), reply(t0 + 5 * MIN), paused(t0 + 10 * MIN), reply(t0 + 30 * MIN)], t0 + 50 * MIN);
    const c1 = cycleOf(d.clocks, "CUSTOMER_UPDATE", 1);
    expect([c1.state, iso(c1.stoppedAt), c1.pausedSeconds]).toEqual(["MET", iso(t0 + 30 * MIN), 1200]);
    const c2 = cycleOf(d.clocks, "CUSTOMER_UPDATE", 2);
    expect([c2.state, c2.elapsedSeconds, c2.pausedSeconds, iso(c2.dueAt)]).toEqual(["PAUSED", 0, 1200, iso(t0 + 170 * MIN)]);
    expect(d.status).toBe("PENDING_CUSTOMER");
  });

  it("a pause across a night and a weekend on NY moves the due by the working time paused only", () => {
    // HIGH escalation 8 h from Thu 2025-06-12 13:00 → Fri 12:00. Paused Fri 16:00 (7 h elapsed? no: 4 h Thu + 8 h Fri > 8 h) —
    // use the update clock: HIGH update 4 h from the reply at Fri 13:00 → due Fri 17:00; paused Fri 16:00, resumed Mon 09:00.
    const h = [
      opened(at("2025-06-13T12:50:00-04:00"), "HIGH", NY.HIGH),
      reply(at("2025-06-13T13:00:00-04:00")),
      paused(at("2025-06-13T16:00:00-04:00")),
      resumed(at("2025-06-16T09:00:00-04:00")),
    ];
    const upd = cycleOf(deriveIncident(h, at("2025-06-16T09:00:00-04:00")).clocks, "CUSTOMER_UPDATE");
    expect(upd.pausedSeconds).toBe(2 * 3600); // Fri 16–17, Mon 08–09
    expect(iso(upd.originalDueAt)).toBe(iso(at("2025-06-13T17:00:00-04:00")));
    expect(iso(upd.dueAt)).toBe(iso(at("2025-06-16T10:00:00-04:00")));
    expect(upd.elapsedSeconds).toBe(3 * 3600);
  });

  it("a cycle already BREACHED stays BREACHED through a pause, and resolution stops it", () => {
    const h = [opened(t0, "CRITICAL"), reply(t0 + 5 * MIN), paused(t0 + 3 * HOUR)];
    const d = deriveIncident(h, t0 + 4 * HOUR);
    const upd = cycleOf(d.clocks, "CUSTOMER_UPDATE");
    expect([upd.state, iso(upd.breachedAt), upd.stoppedAt, upd.pausedSeconds]).toEqual(["BREACHED", iso(t0 + 125 * MIN), null, 0]);
    expect(upd.elapsedSeconds).toBe((4 * 60 - 5) * 60);
    expect(d.overdue).toBe(true);
    const r = deriveIncident([...h, resolved(t0 + 5 * HOUR)], t0 + 6 * HOUR);
    const stopped = cycleOf(r.clocks, "CUSTOMER_UPDATE");
    expect([stopped.state, iso(stopped.stoppedAt)]).toEqual(["BREACHED", iso(t0 + 5 * HOUR)]);
    expect(r.overdue).toBe(false);
    expect(r.clocks.every((c) => c.stoppedAt !== null)).toBe(true);
  });

  it("the product resolves an incident waiting longer than the longest wait (7 days), with no public communication, and closes it 72 h later", () => {
    const h = [opened(t0, "CRITICAL"), reply(t0 + 5 * MIN), paused(t0 + 10 * MIN)];
    const wait = t0 + 10 * MIN + 604_800_000;
    expect(deriveIncident(h, wait).status).toBe("PENDING_CUSTOMER");
    const d = deriveIncident(h, wait + 1);
    expect([d.status, iso(d.resolvedAt)]).toEqual(["RESOLVED", iso(wait)]);
    expect(d.clocks.filter((c) => c.kind === "CUSTOMER_UPDATE")).toHaveLength(1);
    expect(cycleOf(d.clocks, "CUSTOMER_UPDATE").state).toBe("MET");
    const c = deriveIncident(h, wait + 259_200_000 + 1);
    expect([c.status, iso(c.closedAt)]).toEqual(["CLOSED", iso(wait + 259_200_000)]);
    // Not recorded yet: the earliest unrecorded decision is still due; once recorded, nothing is left.
    expect(c.nextDecisionAt).not.toBeNull();
    const decisions = pendingDecisions(h, wait + 259_200_001);
    expect(deriveIncident([...h, ...decisions.map((x) => x.event)], wait + 259_200_001).nextDecisionAt).toBeNull();
    const events = decisions.map((x) => x.event).filter((e) => e.type !== "ALERT");
    expect(events).toEqual([
      { type: "RESOLVED", at: wait, by: "SYSTEM" },
      { type: "CLOSED", at: wait + 259_200_000, by: "SYSTEM" },
    ]);
  });
});

describe("severity and policy changes", () => {
  it("an upgrade re-measures a cycle's pause intervals on the new calendar and breaches it by the change", () => {
    // NORMAL on NY: update 1 working day from Mon 09:30; paused Mon 10:00–Tue 10:00 (3 h of NY working time... 7 h Mon + 2 h Tue = 9 h).
    const h = [
      opened(at("2025-06-09T09:00:00-04:00"), "NORMAL", NY.NORMAL),
      reply(at("2025-06-09T09:30:00-04:00")),
      paused(at("2025-06-09T10:00:00-04:00")),
      resumed(at("2025-06-10T10:00:00-04:00")),
    ];
    const before = cycleOf(deriveIncident(h, at("2025-06-10T10:30:00-04:00")).clocks, "CUSTOMER_UPDATE");
    expect(before.pausedSeconds).toBe(9 * 3600);
    const up = [...h, severityChanged(at("2025-06-10T10:30:00-04:00"), "CRITICAL", SEED.CRITICAL)];
    const upd = cycleOf(deriveIncident(up, at("2025-06-10T10:30:00-04:00")).clocks, "CUSTOMER_UPDATE");
    expect(upd.pausedSeconds).toBe(24 * 3600); // the same interval on 24×7 UTC
    expect(iso(upd.originalDueAt)).toBe(iso(at("2025-06-09T11:30:00-04:00")));
    expect(iso(upd.dueAt)).toBe(iso(at("2025-06-10T11:30:00-04:00")));
    expect(upd.state).toBe("RUNNING"); // 30 min + 30 min elapsed of 2 h
    const late = [...h, severityChanged(at("2025-06-10T12:00:00-04:00"), "CRITICAL", SEED.CRITICAL)];
    const breached = cycleOf(deriveIncident(late, at("2025-06-10T12:00:00-04:00")).clocks, "CUSTOMER_UPDATE");
    expect([breached.state, breached.breachedByChange, iso(breached.breachedAt)]).toEqual(["BREACHED", true, iso(at("2025-06-10T12:00:00-04:00"))]);
  });

  it("a downgrade never clears a breach; decided cycles keep their outcome", () => {
    const t0 = at("2025-06-02T09:00:00Z");
    const h = [opened(t0, "CRITICAL"), reply(t0 + 45 * MIN), severityChanged(t0 + 60 * MIN, "NORMAL")];
    const d = deriveIncident(h, t0 + 61 * MIN);
    const fr = cycleOf(d.clocks, "FIRST_RESPONSE");
    expect([fr.state, fr.targetSeconds]).toEqual(["BREACHED", 1800]);
    expect(d.breached).toBe(true);
    expect(d.severity).toBe("NORMAL");
    // The running escalation cycle takes the new target: 2 working days from its start.
    expect(iso(cycleOf(d.clocks, "ESCALATION").dueAt)).toBe(iso(t0 + 48 * HOUR));
  });

  it("a downgrade never clears a breach of a cycle still open (an unanswered first response, an overdue update)", () => {
    const t0 = at("2025-06-02T09:00:00Z");
    const unanswered = deriveIncident([opened(t0, "CRITICAL"), severityChanged(t0 + 60 * MIN, "NORMAL")], t0 + 61 * MIN);
    const fr = cycleOf(unanswered.clocks, "FIRST_RESPONSE");
    expect([fr.state, iso(fr.breachedAt), iso(fr.dueAt), fr.stoppedAt]).toEqual(["BREACHED", iso(t0 + 30 * MIN), iso(t0 + 30 * MIN), null]);
    expect(unanswered.overdue).toBe(true);
    const overdue = deriveIncident([opened(t0, "CRITICAL"), reply(t0 + 5 * MIN), severityChanged(t0 + 3 * HOUR, "NORMAL")], t0 + 3 * HOUR + 1);
    expect(cycleOf(overdue.clocks, "CUSTOMER_UPDATE").state).toBe("BREACHED");
  });

  it("an escalation cycle breached by a change escalates the incident at the change instant", () => {
    const t0 = at("2025-06-02T09:00:00Z");
    const h = [opened(t0, "NORMAL"), reply(t0 + 10 * MIN), severityChanged(t0 + 5 * HOUR, "CRITICAL")];
    const d = deriveIncident(h, t0 + 5 * HOUR);
    const l1 = cycleOf(d.clocks, "ESCALATION", 1, "L1");
    expect([l1.state, l1.breachedByChange, iso(l1.breachedAt), iso(l1.stoppedAt), l1.marginSeconds]).toEqual(["BREACHED", true, iso(t0 + 5 * HOUR), iso(t0 + 5 * HOUR), -3600]);
    expect(d.level).toBe("L2");
    expect(iso(cycleOf(d.clocks, "ESCALATION", 1, "L2").startedAt)).toBe(iso(t0 + 5 * HOUR));
  });

  it("a policy edit recomputes running cycles with the new targets; decided cycles keep theirs", () => {
    const t0 = at("2025-06-02T09:00:00Z");
    const longer = { ...SEED.CRITICAL, updateInterval: { minutes: 180 }, firstResponse: { minutes: 60 } };
    const h: IncidentHistoryEvent[] = [opened(t0, "CRITICAL"), reply(t0 + 10 * MIN), { type: "POLICY_CHANGED", at: t0 + 20 * MIN, targets: longer }];
    const d = deriveIncident(h, t0 + 30 * MIN);
    expect(cycleOf(d.clocks, "FIRST_RESPONSE").targetSeconds).toBe(1800);
    expect(iso(cycleOf(d.clocks, "CUSTOMER_UPDATE").dueAt)).toBe(iso(t0 + 190 * MIN));
  });
});

describe("escalation per level", () => {
  const t0 = at("2025-06-02T09:00:00Z");
  it("a person's escalation ends the level's cycle as MET and starts the next level's first cycle", () => {
    const d = deriveIncident([opened(t0, "CRITICAL"), reply(t0 + 5 * MIN), escalated(t0 + HOUR, "L2")], t0 + 2 * HOUR);
    const l1 = cycleOf(d.clocks, "ESCALATION", 1, "L1");
    expect([l1.state, iso(l1.stoppedAt), l1.marginSeconds]).toEqual(["MET", iso(t0 + HOUR), 3 * 3600]);
    const l2 = cycleOf(d.clocks, "ESCALATION", 1, "L2");
    expect([l2.state, iso(l2.dueAt)]).toEqual(["RUNNING", iso(t0 + 5 * HOUR)]);
    expect(d.level).toBe("L2");
    expect(pendingDecisions([opened(t0, "CRITICAL"), reply(t0 + 5 * MIN), escalated(t0 + HOUR, "L2")], t0 + 2 * HOUR).some((x) => x.event.type === "ALERT" && x.event.alert.kind === "ESCALATED")).toBe(false);
  });

  it("the product escalates at the due instant: BREACHED, then the next level from that instant; at L3 a new L3 cycle starts at the breach", () => {
    const h = [opened(t0, "CRITICAL"), reply(t0 + 5 * MIN), escalated(t0 + 10 * MIN, "L2"), escalated(t0 + 20 * MIN, "L3")];
    const d = deriveIncident(h, t0 + 9 * HOUR);
    const l3a = cycleOf(d.clocks, "ESCALATION", 1, "L3");
    expect([l3a.state, iso(l3a.breachedAt), iso(l3a.stoppedAt)]).toEqual(["BREACHED", iso(t0 + 260 * MIN), iso(t0 + 260 * MIN)]);
    const l3b = cycleOf(d.clocks, "ESCALATION", 2, "L3");
    expect([l3b.state, iso(l3b.startedAt), iso(l3b.breachedAt)]).toEqual(["BREACHED", iso(t0 + 260 * MIN), iso(t0 + 500 * MIN)]);
    const l3c = cycleOf(d.clocks, "ESCALATION", 3, "L3");
    expect([l3c.state, iso(l3c.startedAt)]).toEqual(["RUNNING", iso(t0 + 500 * MIN)]);
    expect(d.level).toBe("L3");
    const decisions = pendingDecisions(h, t0 + 9 * HOUR);
    expect(decisions.some((x) => x.event.type === "ESCALATED")).toBe(false);
    expect(decisions.filter((x) => x.event.type === "ALERT" && x.event.alert.clock === "ESCALATION" && x.event.alert.kind === "BREACHED").map((x) => iso(x.at))).toEqual([
      iso(t0 + 260 * MIN),
      iso(t0 + 500 * MIN),
    ]);
  });
});

describe("resolution, reopen and close", () => {
  const t0 = at("2025-06-02T09:00:00Z");
  it("reopen starts new update and escalation cycles at the reopen, at the same level; the time in between never counts; first response keeps its outcome", () => {
    const h = [opened(t0, "HIGH"), reply(t0 + 30 * MIN), escalated(t0 + HOUR, "L2"), resolved(t0 + 2 * HOUR), reopened(t0 + 30 * HOUR)];
    const d = deriveIncident(h, t0 + 31 * HOUR);
    expect(d.status).toBe("IN_PROGRESS");
    expect(d.level).toBe("L2");
    expect(d.resolvedAt).toBeNull();
    expect(cycleOf(d.clocks, "FIRST_RESPONSE").state).toBe("MET");
    const u2 = cycleOf(d.clocks, "CUSTOMER_UPDATE", 2);
    expect([u2.state, iso(u2.startedAt), u2.elapsedSeconds]).toEqual(["RUNNING", iso(t0 + 30 * HOUR), 3600]);
    const e2 = cycleOf(d.clocks, "ESCALATION", 2, "L2");
    expect([e2.state, iso(e2.startedAt), iso(e2.dueAt)]).toEqual(["RUNNING", iso(t0 + 30 * HOUR), iso(t0 + 38 * HOUR)]);
    expect(cycleOf(d.clocks, "ESCALATION", 1, "L2").state).toBe("MET");
    expect(d.breached).toBe(false);
  });

  it("a customer comment on a RESOLVED incident is recorded without reopening it", () => {
    const h = [opened(t0, "HIGH"), reply(t0 + 30 * MIN), resolved(t0 + HOUR), customer(t0 + 2 * HOUR)];
    expect(statusAfterEach(h)).toEqual(["NEW", "IN_PROGRESS", "RESOLVED", "RESOLVED"]);
  });

  it("the resolution clock (when the policy sets one) starts at opening, pauses while waiting, and is MET when resolved before its due", () => {
    const targets = { ...SEED.HIGH, resolution: { minutes: 600 } };
    const h = [opened(t0, "HIGH", targets), reply(t0 + 30 * MIN), paused(t0 + HOUR), resumed(t0 + 3 * HOUR), resolved(t0 + 11 * HOUR)];
    const d = deriveIncident(h, t0 + 12 * HOUR);
    const res = cycleOf(d.clocks, "RESOLUTION");
    expect([res.state, res.pausedSeconds, iso(res.dueAt), res.marginSeconds]).toEqual(["MET", 7200, iso(t0 + 12 * HOUR), 3600]);
  });

  it("every incident ends CLOSED: closed by a person, or by the product 72 h after resolution", () => {
    const h = [opened(t0, "HIGH"), reply(t0 + 30 * MIN), resolved(t0 + HOUR)];
    expect(statusAfterEach([...h, closed(t0 + 2 * HOUR)]).at(-1)).toBe("CLOSED");
    expect(deriveIncident(h, t0 + HOUR + 72 * HOUR).status).toBe("RESOLVED");
    expect(deriveIncident(h, t0 + HOUR + 72 * HOUR + 1).status).toBe("CLOSED");
    expect(deriveIncident(h, t0 + 2 * HOUR).nextDecisionAt).toBe(t0 + 73 * HOUR);
  });
});

describe("daylight saving in clocks", () => {
  it("NORMAL on a 24×7 New York calendar: 1 working day across the spring change is 23 h of target", () => {
    const p = policyOn(NY_24X7);
    const h = [opened(at("2025-03-08T11:00:00-05:00"), "NORMAL", p.NORMAL), reply(at("2025-03-08T12:00:00-05:00"))];
    const upd = cycleOf(deriveIncident(h, at("2025-03-09T12:00:00-04:00")).clocks, "CUSTOMER_UPDATE");
    expect([iso(upd.dueAt), upd.targetSeconds, upd.elapsedSeconds, upd.state]).toEqual([iso(at("2025-03-09T12:00:00-04:00")), 23 * 3600, 23 * 3600, "RUNNING"]);
    const fall = [opened(at("2025-11-01T11:00:00-04:00"), "NORMAL", p.NORMAL), reply(at("2025-11-01T12:00:00-04:00"))];
    expect(cycleOf(deriveIncident(fall, at("2025-11-01T13:00:00-04:00")).clocks, "CUSTOMER_UPDATE").targetSeconds).toBe(25 * 3600);
  });
});

describe("decisions written in docs/SLA-DECISIONS.md", () => {
  const t0 = at("2025-06-02T09:00:00Z");
  it("new targets without a resolution target drop the running resolution cycle; new targets with one measure it from the case start, pauses included", () => {
    const withRes = { ...SEED.HIGH, resolution: { minutes: 600 } };
    const h = [opened(t0, "HIGH", withRes), reply(t0 + 10 * MIN), paused(t0 + HOUR), resumed(t0 + 2 * HOUR)];
    const dropped = deriveIncident([...h, severityChanged(t0 + 3 * HOUR, "CRITICAL")], t0 + 3 * HOUR);
    expect(dropped.clocks.some((c) => c.kind === "RESOLUTION")).toBe(false);
    const added = deriveIncident([opened(t0, "HIGH"), reply(t0 + 10 * MIN), paused(t0 + HOUR), resumed(t0 + 2 * HOUR), severityChanged(t0 + 3 * HOUR, "HIGH", withRes)], t0 + 3 * HOUR);
    const res = cycleOf(added.clocks, "RESOLUTION");
    expect([iso(res.startedAt), res.pausedSeconds, iso(res.dueAt), res.state]).toEqual([iso(t0), 3600, iso(t0 + 11 * HOUR), "RUNNING"]);
  });

  it("an escalation cycle breached by a change while waiting escalates at the change; the next level's cycle starts paused", () => {
    const h = [opened(t0, "NORMAL"), reply(t0 + 10 * MIN), paused(t0 + 5 * HOUR), severityChanged(t0 + 6 * HOUR, "CRITICAL")];
    const d = deriveIncident(h, t0 + 7 * HOUR);
    const l1 = cycleOf(d.clocks, "ESCALATION", 1, "L1");
    expect([l1.state, l1.breachedByChange, iso(l1.breachedAt), l1.pausedSeconds]).toEqual(["BREACHED", true, iso(t0 + 6 * HOUR), 3600]);
    const l2 = cycleOf(d.clocks, "ESCALATION", 1, "L2");
    expect([l2.state, iso(l2.startedAt), l2.elapsedSeconds]).toEqual(["PAUSED", iso(t0 + 6 * HOUR), 0]);
    expect([d.level, d.status]).toEqual(["L2", "PENDING_CUSTOMER"]);
  });

  it("events the status machine refuses change nothing (a severity change after resolution, a second resume)", () => {
    const h = [opened(t0, "HIGH"), reply(t0 + 10 * MIN), resumed(t0 + 20 * MIN), resolved(t0 + HOUR), severityChanged(t0 + 2 * HOUR, "CRITICAL")];
    const d = deriveIncident(h, t0 + 3 * HOUR);
    expect([d.severity, d.status]).toEqual(["HIGH", "RESOLVED"]);
    expect(statusAfterEach(h)).toEqual(["NEW", "IN_PROGRESS", "IN_PROGRESS", "RESOLVED", "RESOLVED"]);
  });
});
