import { describe, expect, it } from "vitest";
import { incident } from "./fixtures";
import { boardListFromSnapshot, compareIncidents, countBySeverity, isOpen, mergeIncident, severityRank, sortIncidents } from "./incidentList";

const ids = (list: readonly { id: string }[]) => list.map((i) => i.id);

describe("sortIncidents", () => {
  it("puts CRITICAL first, then HIGH, then NORMAL", () => {
    const list = [
      incident({ id: "1", severity: "NORMAL" }),
      incident({ id: "2", severity: "CRITICAL" }),
      incident({ id: "3", severity: "HIGH" }),
    ];
    expect(ids(sortIncidents(list))).toEqual(["2", "3", "1"]);
  });

  it("orders by oldest openedAt first within a severity", () => {
    const list = [
      incident({ id: "a", severity: "HIGH", openedAt: "2025-03-04T10:00:00.500Z" }),
      incident({ id: "b", severity: "HIGH", openedAt: "2025-03-04T09:59:59.999Z" }),
      incident({ id: "c", severity: "CRITICAL", openedAt: "2025-03-05T00:00:00.000Z" }),
      incident({ id: "d", severity: "HIGH", openedAt: "2025-03-01T00:00:00.000Z" }),
    ];
    expect(ids(sortIncidents(list))).toEqual(["c", "d", "b", "a"]);
  });

  it("compares instants, not strings, and breaks ties by number", () => {
    const a = incident({ id: "1", number: "INC-000002", openedAt: "2025-03-04T10:00:00.000Z" });
    const b = incident({ id: "2", number: "INC-000001", openedAt: "2025-03-04T11:00:00.000+01:00" });
    expect(compareIncidents(a, b)).toBeGreaterThan(0);
    expect(compareIncidents(a, a)).toBe(0);
  });

  it("places unknown severities and unparsable dates last, without throwing", () => {
    const odd = incident({ id: "x", severity: "WEIRD" as never });
    const undated = incident({ id: "y", openedAt: "not a date" });
    const dated = incident({ id: "z" });
    expect(ids(sortIncidents([odd, undated, dated]))).toEqual(["z", "y", "x"]);
    expect(severityRank("WEIRD")).toBe(3);
  });

  it("does not modify its input", () => {
    const list = [incident({ id: "1" }), incident({ id: "2", severity: "CRITICAL" })];
    sortIncidents(list);
    expect(ids(list)).toEqual(["1", "2"]);
  });
});

describe("isOpen", () => {
  it("is false for RESOLVED and CLOSED only", () => {
    expect(["NEW", "IN_PROGRESS", "PENDING_CUSTOMER"].every(isOpen)).toBe(true);
    expect(isOpen("RESOLVED")).toBe(false);
    expect(isOpen("CLOSED")).toBe(false);
  });
});

describe("boardListFromSnapshot", () => {
  it("keeps open incidents, one per id, in board order", () => {
    const list = boardListFromSnapshot([
      incident({ id: "1" }),
      incident({ id: "2", status: "RESOLVED" }),
      incident({ id: "3", severity: "CRITICAL" }),
      incident({ id: "1", title: "newer copy" }),
    ]);
    expect(ids(list)).toEqual(["3", "1"]);
    expect(list[1].title).toBe("newer copy");
  });
});

describe("mergeIncident", () => {
  const base = sortIncidents([
    incident({ id: "1", severity: "CRITICAL", openedAt: "2025-03-04T08:00:00.000Z" }),
    incident({ id: "2", severity: "HIGH", openedAt: "2025-03-04T08:00:00.000Z" }),
    incident({ id: "3", severity: "NORMAL", openedAt: "2025-03-04T08:00:00.000Z" }),
  ]);

  it("inserts a new open incident at its place", () => {
    const merged = mergeIncident(base, incident({ id: "4", severity: "HIGH", openedAt: "2025-03-04T07:00:00.000Z" }));
    expect(ids(merged)).toEqual(["1", "4", "2", "3"]);
    const last = mergeIncident(base, incident({ id: "5", severity: "NORMAL", openedAt: "2025-03-04T09:00:00.000Z" }));
    expect(ids(last)).toEqual(["1", "2", "3", "5"]);
  });

  it("updates an incident by id and moves it when its severity changes", () => {
    const merged = mergeIncident(base, { ...base[2], severity: "CRITICAL", status: "IN_PROGRESS" });
    expect(ids(merged)).toEqual(["1", "3", "2"]);
    expect(merged[1].status).toBe("IN_PROGRESS");
    expect(merged).toHaveLength(3);
  });

  it("removes an incident that is RESOLVED or CLOSED", () => {
    expect(ids(mergeIncident(base, { ...base[1], status: "RESOLVED" }))).toEqual(["1", "3"]);
    expect(ids(mergeIncident(base, { ...base[0], status: "CLOSED" }))).toEqual(["2", "3"]);
  });

  it("ignores a closed incident it does not show (same array back)", () => {
    expect(mergeIncident(base, incident({ id: "9", status: "CLOSED" }))).toBe(base);
  });

  it("keeps the list sorted whatever the order of merges", () => {
    const incoming = [
      incident({ id: "a", severity: "NORMAL", openedAt: "2025-03-04T10:00:00.000Z" }),
      incident({ id: "b", severity: "CRITICAL", openedAt: "2025-03-04T12:00:00.000Z" }),
      incident({ id: "c", severity: "CRITICAL", openedAt: "2025-03-04T11:00:00.000Z" }),
      incident({ id: "d", severity: "HIGH", openedAt: "2025-03-04T09:00:00.000Z" }),
      incident({ id: "a", severity: "HIGH", openedAt: "2025-03-04T10:00:00.000Z" }),
    ];
    const merged = incoming.reduce<readonly ReturnType<typeof incident>[]>(mergeIncident, []);
    expect(ids(merged)).toEqual(["c", "b", "d", "a"]);
    expect(merged).toEqual(sortIncidents(merged));
  });

  it("does not modify the list it was given", () => {
    const copy = [...base];
    mergeIncident(base, incident({ id: "4", severity: "CRITICAL" }));
    mergeIncident(base, { ...base[0], status: "RESOLVED" });
    expect(base).toEqual(copy);
  });
});

describe("countBySeverity", () => {
  it("counts each severity", () => {
    expect(countBySeverity([incident({ id: "1", severity: "HIGH" }), incident({ id: "2", severity: "HIGH" }), incident({ id: "3" })])).toEqual({
      CRITICAL: 0,
      HIGH: 2,
      NORMAL: 1,
    });
  });
});
