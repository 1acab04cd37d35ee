import { describe, expect, it } from "vitest";
import { slaClock, urgentIncident } from "../urgent/fixtures";
import { createBoardReducer, initialBoardState, mergeAlerts, mergeIncident, type BoardState } from "./boardState";
import type { Compliance, IncidentEvent, SlaAlert, WallboardSnapshot } from "./types";

const rate = (r: number | null) => ({ target: 0.95, met: 0, breached: 0, rate: r, meetingTarget: r === null ? null : r >= 0.95 });
const compliance = (windowSeconds: number, r: number | null): Compliance => ({
  windowSeconds,
  from: "2025-06-01T14:00:00.000Z",
  to: "2025-06-02T14:00:00.000Z",
  firstResponse: rate(r),
  updatesAndEscalations: { ...rate(r), target: 0.9 },
  atRisk: 0,
  breachedOpen: 0,
});
const alert = (id: string, at: string): SlaAlert => ({
  id,
  kind: "BREACHED",
  clock: "FIRST_RESPONSE",
  level: null,
  cycle: 1,
  at,
  dueAt: at,
  incident: { id: "i1", number: "INC-000001", title: "t", severity: "CRITICAL" },
});
const snapshot = (over: Partial<WallboardSnapshot> = {}): WallboardSnapshot => ({
  serverTime: "2025-06-02T14:00:00.000Z",
  clockRate: 0,
  sequence: "41",
  queues: [],
  compliance: [compliance(86400, 0.97), compliance(604800, 0.91)],
  urgent: [urgentIncident("1"), urgentIncident("2")],
  recentAlerts: [alert("a1", "2025-06-02T13:00:00.000Z")],
  ...over,
});
const ev = (sequence: string, incident = urgentIncident("3"), type = "OPENED"): IncidentEvent => ({ id: `e${sequence}`, sequence, type, at: "2025-06-02T14:00:00.000Z", incident });

describe("boardReducer", () => {
  const reduce = createBoardReducer({});
  const loaded = reduce(initialBoardState, { type: "snapshotLoaded", snapshot: snapshot(), limit: 2000, receivedAt: 5 });

  it("takes everything from the snapshot", () => {
    expect(loaded.loaded).toBe(true);
    expect(loaded.sequence).toBe("41");
    expect(loaded.incidents.map((i) => i.id)).toEqual(["1", "2"]);
    expect(loaded.day?.firstResponse.rate).toBe(0.97);
    expect(loaded.week?.firstResponse.rate).toBe(0.91);
    expect(loaded.alerts.map((a) => a.id)).toEqual(["a1"]);
    expect(loaded.truncated).toBe(false);
    expect(reduce(initialBoardState, { type: "snapshotLoaded", snapshot: snapshot(), limit: 2, receivedAt: 0 }).truncated).toBe(true);
  });

  it("merges events: inserts, replaces, removes resolved ones, and remembers the sequence", () => {
    let s: BoardState = reduce(loaded, { type: "eventReceived", event: ev("42"), receivedAt: 10 });
    expect(s.incidents.map((i) => i.id)).toEqual(["1", "2", "3"]);
    expect(s.sequence).toBe("42");
    expect(s.lastEvent).toEqual({ label: "INC-000003 opened", receivedAt: 10 });
    const breached = urgentIncident("1", { clocks: [slaClock({ state: "BREACHED" })] });
    s = reduce(s, { type: "eventReceived", event: ev("43", breached, "BREACHED"), receivedAt: 11 });
    expect(s.incidents[0]).toBe(breached);
    s = reduce(s, { type: "eventReceived", event: ev("44", urgentIncident("2", { status: "RESOLVED" }), "RESOLVED"), receivedAt: 12 });
    expect(s.incidents.map((i) => i.id)).toEqual(["1", "3"]);
  });

  it("drops an incident that leaves the team's filter (escalated to another level)", () => {
    const l1 = createBoardReducer({ levels: ["L1"] });
    let s = l1(initialBoardState, { type: "snapshotLoaded", snapshot: snapshot(), limit: 2000, receivedAt: 0 });
    s = l1(s, { type: "eventReceived", event: ev("42", urgentIncident("1", { level: "L2" }), "ESCALATED"), receivedAt: 1 });
    expect(s.incidents.map((i) => i.id)).toEqual(["2"]);
    s = l1(s, { type: "eventReceived", event: ev("43", urgentIncident("9", { level: "L3" })), receivedAt: 2 });
    expect(s.incidents.map((i) => i.id)).toEqual(["2"]);
  });

  it("keeps pushed aggregates newer than a snapshot when told to", () => {
    const pushed = reduce(initialBoardState, { type: "complianceChanged", compliance: compliance(86400, 0.5) });
    const s = reduce(pushed, { type: "snapshotLoaded", snapshot: snapshot(), limit: 2000, keepCompliance: true, receivedAt: 0 });
    expect(s.day?.firstResponse.rate).toBe(0.5);
    expect(s.week?.firstResponse.rate).toBe(0.91);
  });

  it("applies compliance by window and ignores other windows", () => {
    const s = reduce(loaded, { type: "complianceChanged", compliance: compliance(604800, 0.8) });
    expect(s.week?.firstResponse.rate).toBe(0.8);
    expect(reduce(loaded, { type: "complianceChanged", compliance: compliance(3600, 0.1) })).toBe(loaded);
  });

  it("prepends alerts once each", () => {
    let s = reduce(loaded, { type: "alertReceived", alert: alert("a2", "2025-06-02T14:00:00.000Z"), receivedAt: 3 });
    expect(s.alerts.map((a) => a.id)).toEqual(["a2", "a1"]);
    expect(reduce(s, { type: "alertReceived", alert: alert("a2", "2025-06-02T14:00:00.000Z"), receivedAt: 4 })).toBe(s);
    s = reduce(s, { type: "alertsLoaded", alerts: [alert("a3", "2025-06-02T14:05:00.000Z"), alert("a2", "2025-06-02T14:00:00.000Z")] });
    expect(s.alerts.map((a) => a.id)).toEqual(["a3", "a2", "a1"]);
  });

  it("records ticks", () => {
    expect(reduce(loaded, { type: "tick", receivedAt: 99 }).lastTickAt).toBe(99);
  });
});

describe("mergeIncident / mergeAlerts", () => {
  it("keeps only the open cycles of an incident", () => {
    const met = slaClock({ kind: "CUSTOMER_UPDATE", state: "MET", stoppedAt: "2025-06-02T14:00:00.000Z" });
    const running = slaClock({ kind: "CUSTOMER_UPDATE", cycle: 2 });
    const [kept] = mergeIncident([], urgentIncident("1", { clocks: [met, running] }), {});
    expect(kept.clocks).toEqual([running]);
  });
  it("returns the same list when a foreign incident closes", () => {
    const list = [urgentIncident("1")];
    expect(mergeIncident(list, urgentIncident("2", { status: "CLOSED" }), {})).toBe(list);
  });
  it("bounds the alerts", () => {
    const many = Array.from({ length: 40 }, (_, i) => alert(`a${i}`, new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString()));
    const merged = mergeAlerts([], many, 30);
    expect(merged).toHaveLength(30);
    expect(merged[0].id).toBe("a39");
  });
});
