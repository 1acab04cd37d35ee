import { describe, expect, it } from "vitest";
import { boardReducer, initialBoardState, MAX_PENDING_EVENTS, type BoardAction, type BoardState } from "./boardState";
import { event, incident } from "./fixtures";

const run = (...actions: BoardAction[]) => actions.reduce(boardReducer, initialBoardState);
const numbers = (s: BoardState) => s.incidents.map((i) => i.number);

const a = incident({ id: "1", severity: "HIGH", openedAt: "2025-03-04T08:00:00.000Z" });
const b = incident({ id: "2", severity: "NORMAL", openedAt: "2025-03-04T07:00:00.000Z" });
const c = incident({ id: "3", severity: "CRITICAL", openedAt: "2025-03-04T09:00:00.000Z" });

describe("boardReducer", () => {
  it("loads a snapshot in board order", () => {
    const s = run({ type: "snapshotRequested" }, { type: "snapshotLoaded", incidents: [b, a, c], totalCount: 3 });
    expect(numbers(s)).toEqual([c.number, a.number, b.number]);
    expect(s.loaded).toBe(true);
    expect(s.totalCount).toBe(3);
    expect(s.notLoaded).toBe(0);
    expect(s.pending).toBeNull();
  });

  it("shows a newly opened incident without a reload", () => {
    const loaded = run({ type: "snapshotRequested" }, { type: "snapshotLoaded", incidents: [a, b], totalCount: 2 });
    const s = boardReducer(loaded, { type: "eventReceived", event: event("500", c) });
    expect(numbers(s)).toEqual([c.number, a.number, b.number]);
    expect(s.lastEvent).toEqual({ sequence: "500", type: "OPENED", at: c.openedAt, number: c.number });
  });

  it("updates and removes incidents from events", () => {
    const loaded = run({ type: "snapshotRequested" }, { type: "snapshotLoaded", incidents: [a, b], totalCount: 2 });
    const escalated = boardReducer(loaded, { type: "eventReceived", event: event("1", { ...b, severity: "CRITICAL", level: "L2" }, "SEVERITY_CHANGED") });
    expect(numbers(escalated)).toEqual([b.number, a.number]);
    expect(escalated.incidents[0].level).toBe("L2");
    const resolved = boardReducer(escalated, { type: "eventReceived", event: event("2", { ...a, status: "RESOLVED" }, "RESOLVED") });
    expect(numbers(resolved)).toEqual([b.number]);
  });

  it("replays events that arrived while the snapshot was in flight on top of it", () => {
    const s = run(
      { type: "snapshotRequested" },
      { type: "eventReceived", event: event("10", c) }, // opened after the snapshot was taken
      { type: "eventReceived", event: event("11", { ...a, status: "CLOSED" }, "CLOSED") },
      { type: "snapshotLoaded", incidents: [a, b], totalCount: 2 }, // still lists a, not c
    );
    expect(numbers(s)).toEqual([c.number, b.number]);
    expect(s.pending).toBeNull();
  });

  it("shows events even before the first snapshot lands", () => {
    const s = run({ type: "snapshotRequested" }, { type: "eventReceived", event: event("10", c) });
    expect(numbers(s)).toEqual([c.number]);
    expect(s.loaded).toBe(false);
  });

  it("keeps buffering through a failed snapshot and its retry", () => {
    const s = run(
      { type: "snapshotRequested" },
      { type: "eventReceived", event: event("10", c) },
      { type: "snapshotFailed", message: "Failed to fetch" },
      { type: "snapshotRequested" },
    );
    expect(s.loadError).toBe("Failed to fetch");
    expect(s.pending).toHaveLength(1);
    const loaded = boardReducer(s, { type: "snapshotLoaded", incidents: [a], totalCount: 1 });
    expect(numbers(loaded)).toEqual([c.number, a.number]);
    expect(loaded.loadError).toBeNull();
  });

  it("does not buffer when no snapshot is in flight, and bounds the buffer", () => {
    const loaded = run({ type: "snapshotRequested" }, { type: "snapshotLoaded", incidents: [], totalCount: 0 });
    expect(boardReducer(loaded, { type: "eventReceived", event: event("1", a) }).pending).toBeNull();

    let s = run({ type: "snapshotRequested" });
    for (let i = 0; i < MAX_PENDING_EVENTS + 5; i++) s = boardReducer(s, { type: "eventReceived", event: event(String(i), a) });
    expect(s.pending).toHaveLength(MAX_PENDING_EVENTS);
    expect(s.pending?.[0].sequence).toBe("5");
  });

  it("counts open incidents the first page left out", () => {
    const s = run({ type: "snapshotRequested" }, { type: "snapshotLoaded", incidents: [a, b], totalCount: 250 });
    expect(s.notLoaded).toBe(248);
  });

  it("ignores an event without an incident", () => {
    const s = run({ type: "snapshotRequested" });
    expect(boardReducer(s, { type: "eventReceived", event: { id: "x", sequence: "1", type: "X", at: "", incident: null as never } })).toBe(s);
  });
});
