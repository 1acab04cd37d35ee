import { describe, expect, it } from "vitest";
import { clockView, clockWord, countdownCaption, countPassed, countTones, formatDuration, fromHeadlineKey, headline, headlineKey, orderUrgent, pageOf, shortClockWord, toneCountsAt, toneIndex } from "./urgency";
import { slaClock, urgentIncident } from "./fixtures";

const at = (iso: string) => Date.parse(iso);

describe("clockView", () => {
  const due = "2025-06-02T14:30:00.000Z";
  it("counts down to the due from the server time, rounding up", () => {
    expect(clockView(slaClock({ dueAt: due }), at("2025-06-02T14:00:00.000Z"))).toMatchObject({ tone: "onTrack", seconds: 1800 });
    expect(clockView(slaClock({ dueAt: due }), at("2025-06-02T14:29:59.200Z"))).toMatchObject({ tone: "onTrack", seconds: 1 });
  });

  it("is not overdue at the due instant itself, and is one second later", () => {
    expect(clockView(slaClock({ dueAt: due }), at(due))).toMatchObject({ tone: "onTrack", seconds: 0 });
    expect(clockView(slaClock({ dueAt: due }), at(due) + 1)).toMatchObject({ tone: "overdue", seconds: 0 });
    expect(clockView(slaClock({ dueAt: due }), at("2025-06-02T14:31:05.000Z"))).toMatchObject({ tone: "overdue", seconds: 65 });
  });

  it("shows the server's at-risk flag", () => {
    expect(clockView(slaClock({ dueAt: due, atRisk: true }), at("2025-06-02T14:25:00.000Z"))).toMatchObject({ tone: "atRisk", seconds: 300 });
  });

  it("counts an open BREACHED cycle from its breach", () => {
    const c = slaClock({ state: "BREACHED", dueAt: due, breachedAt: due, remainingSeconds: 0 });
    expect(clockView(c, at("2025-06-02T15:30:00.000Z"))).toMatchObject({ tone: "overdue", seconds: 3600 });
  });

  it("keeps a paused clock's working time left, whatever the time", () => {
    const c = slaClock({ state: "PAUSED", remainingSeconds: 4000, dueAt: due });
    expect(clockView(c, at("2025-06-02T18:00:00.000Z"))).toMatchObject({ tone: "paused", seconds: 4000 });
  });

  it("ignores decided and stopped cycles", () => {
    expect(clockView(slaClock({ state: "MET" }), 0).tone).toBe("idle");
    expect(clockView(slaClock({ state: "BREACHED", stoppedAt: due }), 0).tone).toBe("idle");
  });
});

describe("headline", () => {
  const now = at("2025-06-02T15:00:00.000Z");
  it("picks the longest overdue, else the nearest due, else a paused clock", () => {
    const fr = slaClock({ kind: "FIRST_RESPONSE", dueAt: "2025-06-02T14:30:00.000Z" });
    const esc = slaClock({ kind: "ESCALATION", level: "L1", dueAt: "2025-06-02T18:00:00.000Z" });
    const upd = slaClock({ kind: "CUSTOMER_UPDATE", state: "BREACHED", dueAt: "2025-06-02T14:00:00.000Z", breachedAt: "2025-06-02T14:00:00.000Z" });
    expect(headline(urgentIncident("1", { clocks: [esc, fr] }), now)).toMatchObject({ tone: "overdue", seconds: 1800, clock: fr });
    expect(headline(urgentIncident("1", { clocks: [esc, fr, upd] }), now)).toMatchObject({ tone: "overdue", seconds: 3600, clock: upd });
    const soon = slaClock({ kind: "RESOLUTION", dueAt: "2025-06-02T16:00:00.000Z" });
    expect(headline(urgentIncident("1", { clocks: [esc, soon] }), now).clock).toBe(soon);
    const paused = slaClock({ state: "PAUSED", remainingSeconds: 10 });
    expect(headline(urgentIncident("1", { clocks: [paused, esc] }), now).clock).toBe(esc);
    expect(headline(urgentIncident("1", { clocks: [paused] }), now).tone).toBe("paused");
    expect(headline(urgentIncident("1", { clocks: [] }), now).tone).toBe("idle");
  });
});

describe("orderUrgent", () => {
  it("puts overdue first (longest overdue first), then by next due, paused and idle last", () => {
    const now = at("2025-06-02T15:00:00.000Z");
    const running = (id: string, due: string) => urgentIncident(id, { clocks: [slaClock({ dueAt: due })] });
    const a = running("1", "2025-06-02T16:00:00.000Z");
    const b = running("2", "2025-06-02T15:30:00.000Z");
    const c = running("3", "2025-06-02T14:50:00.000Z"); // overdue 10 min
    const d = urgentIncident("4", { clocks: [slaClock({ state: "BREACHED", dueAt: "2025-06-02T13:00:00.000Z", breachedAt: "2025-06-02T13:00:00.000Z" })] });
    const e = urgentIncident("5", { clocks: [slaClock({ state: "PAUSED", dueAt: "2025-06-02T15:10:00.000Z" })] });
    const f = urgentIncident("6", { clocks: [] });
    expect(orderUrgent([a, f, e, b, c, d], now).map((i) => i.id)).toEqual(["4", "3", "2", "1", "5", "6"]);
    // Later, b falls due too: it joins the overdue group behind the older ones.
    expect(orderUrgent([a, f, e, b, c, d], at("2025-06-02T15:45:00.000Z")).map((i) => i.id)).toEqual(["4", "3", "2", "1", "5", "6"]);
    expect(orderUrgent([a, f, e, b, c, d], at("2025-06-02T16:01:00.000Z")).map((i) => i.id)).toEqual(["4", "3", "2", "1", "5", "6"]);
  });

  it("breaks ties by number", () => {
    const clocks = [slaClock()];
    expect(orderUrgent([urgentIncident("2", { clocks }), urgentIncident("1", { clocks })], 0).map((i) => i.id)).toEqual(["1", "2"]);
  });
});

describe("countTones", () => {
  it("counts overdue and at-risk incidents now", () => {
    const now = at("2025-06-02T14:20:00.000Z");
    const list = [
      urgentIncident("1", { clocks: [slaClock({ dueAt: "2025-06-02T14:10:00.000Z" })] }),
      urgentIncident("2", { clocks: [slaClock({ atRisk: true })] }),
      urgentIncident("3"),
    ];
    expect(countTones(list, now)).toEqual({ overdue: 1, atRisk: 1, crossed: 1 });
    // The same as each headline says.
    expect(list.map((i) => headline(i, now).tone)).toEqual(["overdue", "atRisk", "onTrack"]);
  });
});

describe("formatDuration", () => {
  it("always shows seconds", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(299)).toBe("4:59");
    expect(formatDuration(3723)).toBe("1:02:03");
    expect(formatDuration(2 * 86400 + 4 * 3600 + 13 * 60 + 22)).toBe("2d 04:13:22");
    expect(formatDuration(-5)).toBe("0:00");
  });
});

describe("clockWord", () => {
  it("names the clock", () => {
    expect(clockWord({ kind: "FIRST_RESPONSE", level: null, cycle: 1 })).toBe("First response");
    expect(clockWord({ kind: "ESCALATION", level: "L2", cycle: 1 })).toBe("Escalation L2");
    expect(clockWord({ kind: "CUSTOMER_UPDATE", level: null, cycle: 3 })).toBe("Customer update #3");
    expect(shortClockWord({ kind: "FIRST_RESPONSE", level: null, cycle: 1 })).toBe("1st response");
    expect(shortClockWord({ kind: "ESCALATION", level: "L3", cycle: 2 })).toBe("Escalation L3");
    expect(countdownCaption("overdue")).toBe("late by");
    expect(countdownCaption("atRisk")).toBe("due in");
  });
});

describe("pageOf", () => {
  it("cuts pages and wraps around", () => {
    const items = [1, 2, 3, 4, 5];
    expect(pageOf(items, 2, 0)).toEqual({ items: [1, 2], page: 0, pages: 3 });
    expect(pageOf(items, 2, 2)).toEqual({ items: [5], page: 2, pages: 3 });
    expect(pageOf(items, 2, 3)).toEqual({ items: [1, 2], page: 0, pages: 3 });
    expect(pageOf([], 10, 4)).toEqual({ items: [], page: 0, pages: 1 });
  });
});

describe("toneIndex / toneCountsAt", () => {
  it("gives countTones' figures at every instant, from a binary search", () => {
    const base = at("2025-06-02T14:00:00.000Z");
    const iso = (s: number) => new Date(base + s * 1000).toISOString();
    const incidents = [
      urgentIncident("1", { clocks: [slaClock({ dueAt: iso(10) })] }),
      urgentIncident("2", { clocks: [slaClock({ dueAt: iso(20), atRisk: true })] }),
      urgentIncident("3", { clocks: [slaClock({ state: "BREACHED", dueAt: iso(-50), breachedAt: iso(-50) }), slaClock({ kind: "ESCALATION", dueAt: iso(30) })] }),
      urgentIncident("4", { clocks: [slaClock({ state: "PAUSED", dueAt: iso(5), remainingSeconds: 5 })] }),
      urgentIncident("5", { clocks: [slaClock({ state: "MET" })] }),
      urgentIncident("6", { clocks: [slaClock({ dueAt: iso(20), atRisk: true })] }),
    ];
    const index = toneIndex(incidents);
    for (let s = -5; s <= 40; s += 0.5) {
      expect(toneCountsAt(index, base + s * 1000), `at ${s} s`).toEqual(countTones(incidents, base + s * 1000));
    }
  });

  it("counts the dues strictly before now", () => {
    const dues = Float64Array.from([1, 2, 2, 5]);
    expect([0, 1, 2, 3, 5, 6].map((n) => countPassed(dues, n))).toEqual([0, 0, 1, 3, 3, 4]);
  });
});

describe("headlineKey", () => {
  it("names the headline's tone and clock, and changes only when a due passes", () => {
    const fr = slaClock({ kind: "FIRST_RESPONSE", dueAt: "2025-06-02T14:30:00.000Z" });
    const esc = slaClock({ kind: "ESCALATION", level: "L1", dueAt: "2025-06-02T18:00:00.000Z" });
    const incident = urgentIncident("1", { clocks: [esc, fr] });
    const before = headlineKey(incident, at("2025-06-02T14:00:00.000Z"));
    expect(before).toBe("onTrack:1");
    expect(headlineKey(incident, at("2025-06-02T14:29:59.000Z"))).toBe(before);
    expect(fromHeadlineKey(incident, before)).toEqual({ tone: "onTrack", clock: fr });
    expect(fromHeadlineKey(incident, headlineKey(incident, at("2025-06-02T14:31:00.000Z")))).toEqual({ tone: "overdue", clock: fr });
    expect(fromHeadlineKey(urgentIncident("2", { clocks: [] }), "idle:-1")).toEqual({ tone: "idle", clock: null });
  });
});
