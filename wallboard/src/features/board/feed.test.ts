import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createStore } from "../../lib/store";
import { urgentIncident } from "../urgent/fixtures";
import type { BoardAction } from "./boardState";
import { ALERTS_SUBSCRIPTION, CLOCK_SUBSCRIPTION, COMPLIANCE_SUBSCRIPTION, EVENTS_SUBSCRIPTION, QUEUES_SUBSCRIPTION, TREND_QUERY, WALLBOARD_QUERY } from "./documents";
import { startBoardFeed, type FeedResult, type FeedTransport, type Sink, type SubscriptionPayload } from "./feed";
import type { WallboardSnapshot } from "./types";

const snap = (sequence: string, over: Partial<WallboardSnapshot> = {}): FeedResult => ({
  data: {
    wallboard: {
      serverTime: "2025-06-02T14:00:00.000Z",
      clockRate: 0,
      sequence,
      queues: [],
      compliance: [],
      urgent: [urgentIncident("1")],
      recentAlerts: [],
      ...over,
    },
  },
});
const trend: FeedResult = { data: { complianceTrend: [] } };
const event = (sequence: string, id = "2") => ({ data: { incidentEvents: { id: `e${sequence}`, sequence, type: "OPENED", at: "2025-06-02T14:00:00.000Z", incident: urgentIncident(id) } } });

function fakeTransport() {
  const answers = new Map<string, FeedResult[]>();
  const queries: { query: string; variables: Record<string, unknown> }[] = [];
  const subs: { payload: SubscriptionPayload; sink: Sink; closed: boolean }[] = [];
  const transport: FeedTransport = {
    async query(query, variables) {
      queries.push({ query, variables });
      const queue = answers.get(query) ?? [];
      return queue.shift() ?? (query === TREND_QUERY ? trend : { error: new Error("no answer queued") });
    },
    subscribe(payload, sink) {
      const sub = { payload, sink, closed: false };
      // A stream the server ends is closed too.
      sub.sink = {
        next: (v) => sink.next(v),
        error: (e) => {
          sub.closed = true;
          sink.error(e);
        },
        complete: () => {
          sub.closed = true;
          sink.complete();
        },
      };
      subs.push(sub);
      return () => void (sub.closed = true);
    },
  };
  const answer = (query: string, ...results: FeedResult[]) => answers.set(query, [...(answers.get(query) ?? []), ...results]);
  const live = (query: string) => subs.filter((s) => s.payload.query === query && !s.closed);
  return { transport, queries, subs, answer, live };
}

function start(over: Partial<Parameters<typeof startBoardFeed>[0]> = {}) {
  const fake = fakeTransport();
  const actions: BoardAction[] = [];
  const times: [string, number][] = [];
  const calls = { rejected: 0 };
  const connection = createStore({ connects: 0 });
  let local = 0;
  const boot = () =>
    startBoardFeed({
      transport: fake.transport,
      filter: { productCodes: ["ERP"], levels: ["L1"] },
      dispatch: (a) => actions.push(a),
      onServerTime: (iso, rate) => times.push([iso, rate]),
      onKeyRejected: () => calls.rejected++,
      connection,
      retryDelayMs: (n) => 1000 * 2 ** n,
      localNow: () => ++local,
      ...over,
    });
  return { ...fake, actions, times, calls, connection, boot };
}

const types = (actions: BoardAction[]) => actions.map((a) => a.type);

describe("startBoardFeed", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("subscribes to the aggregates at once, loads the snapshot, then follows events after its sequence", async () => {
    const t = start();
    t.answer(WALLBOARD_QUERY, snap("41"));
    const feed = t.boot();
    expect(t.subs.map((s) => s.payload.query)).toEqual([CLOCK_SUBSCRIPTION, QUEUES_SUBSCRIPTION, COMPLIANCE_SUBSCRIPTION, COMPLIANCE_SUBSCRIPTION, ALERTS_SUBSCRIPTION]);
    expect(t.subs[1].payload.variables).toEqual({ filter: { productCodes: ["ERP"], levels: ["L1"] } });
    expect(t.subs.slice(2, 4).map((s) => s.payload.variables.window)).toEqual([86400, 604800]);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.queries[0]).toMatchObject({ query: WALLBOARD_QUERY, variables: { urgent: 2000 } });
    expect(types(t.actions)).toEqual(["snapshotLoaded", "trendLoaded"]);
    expect(t.times).toEqual([["2025-06-02T14:00:00.000Z", 0]]);
    const [ev] = t.live(EVENTS_SUBSCRIPTION);
    // Filtered by product only: severity and level are filtered on the board.
    expect(ev.payload.variables).toEqual({ products: ["ERP"], after: "41" });
    feed.stop();
    expect(t.subs.every((s) => s.closed)).toBe(true);
  });

  it("drops duplicate events and resumes after the last one", async () => {
    const t = start();
    t.answer(WALLBOARD_QUERY, snap("41"));
    t.boot();
    await vi.advanceTimersByTimeAsync(0);
    const [ev] = t.live(EVENTS_SUBSCRIPTION);
    ev.sink.next(event("42"));
    ev.sink.next(event("42"));
    ev.sink.next(event("43", "3"));
    expect(t.actions.filter((a) => a.type === "eventReceived")).toHaveLength(2);
    // graphql-ws re-sends this very payload after a reconnect.
    expect(ev.payload.variables.after).toBe("43");
  });

  it("reloads the snapshot when the server cannot resume after the sequence", async () => {
    const t = start();
    t.answer(WALLBOARD_QUERY, snap("41"), snap("90"));
    t.boot();
    await vi.advanceTimersByTimeAsync(0);
    t.live(EVENTS_SUBSCRIPTION)[0].sink.error([{ message: "no event with sequence 41", extensions: { code: "BAD_USER_INPUT" } }]);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.actions.filter((a) => a.type === "snapshotLoaded")).toHaveLength(2);
    const live = t.live(EVENTS_SUBSCRIPTION);
    expect(live).toHaveLength(1);
    expect(live[0].payload.variables.after).toBe("90");
  });

  it("restarts an ended stream after a backoff, with its latest variables", async () => {
    const t = start();
    t.answer(WALLBOARD_QUERY, snap("41"));
    t.boot();
    await vi.advanceTimersByTimeAsync(0);
    const [ev] = t.live(EVENTS_SUBSCRIPTION);
    ev.sink.next(event("42"));
    ev.sink.error([{ message: "boom", extensions: { code: "INTERNAL_SERVER_ERROR" } }]);
    expect(t.live(EVENTS_SUBSCRIPTION)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1000);
    const again = t.live(EVENTS_SUBSCRIPTION);
    expect(again).toHaveLength(1);
    expect(again[0].payload.variables.after).toBe("42");
  });

  it("starts from now on an empty history, and closes the gap with one reload at the first event", async () => {
    const t = start();
    t.answer(WALLBOARD_QUERY, snap("0"), snap("1"));
    t.boot();
    await vi.advanceTimersByTimeAsync(0);
    const [ev] = t.live(EVENTS_SUBSCRIPTION);
    expect(ev.payload.variables.after).toBeNull();
    ev.sink.next(event("1"));
    await vi.advanceTimersByTimeAsync(0);
    expect(t.actions.filter((a) => a.type === "snapshotLoaded")).toHaveLength(2);
    expect(t.live(EVENTS_SUBSCRIPTION)[0].payload.variables.after).toBe("1");
  });

  it("after a reconnect keeps resuming events and reads alerts and the trend again", async () => {
    const t = start();
    t.answer(WALLBOARD_QUERY, snap("41"), snap("50", { recentAlerts: [] }));
    t.boot();
    await vi.advanceTimersByTimeAsync(0);
    t.connection.set({ connects: 1 });
    await vi.advanceTimersByTimeAsync(0);
    const before = t.queries.length;
    t.connection.set({ connects: 2 });
    await vi.advanceTimersByTimeAsync(0);
    expect(t.queries.slice(before).map((q) => [q.query, q.variables.urgent])).toEqual([
      [WALLBOARD_QUERY, 1],
      [TREND_QUERY, undefined],
    ]);
    expect(types(t.actions)).toContain("alertsLoaded");
    expect(t.actions.filter((a) => a.type === "snapshotLoaded")).toHaveLength(1);
    expect(t.live(EVENTS_SUBSCRIPTION)[0].payload.variables.after).toBe("41");
  });

  it("retries a failed snapshot with backoff and reports a rejected key", async () => {
    const t = start();
    t.answer(WALLBOARD_QUERY, { error: { graphQLErrors: [{ message: "bad key", extensions: { code: "UNAUTHENTICATED" } }] } }, snap("41"));
    t.boot();
    await vi.advanceTimersByTimeAsync(0);
    expect(types(t.actions)).toEqual(["snapshotFailed"]);
    expect(t.calls.rejected).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(t.actions.filter((a) => a.type === "snapshotLoaded")).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.actions.filter((a) => a.type === "snapshotLoaded")).toHaveLength(1);
  });

  it("takes the server's clock from ticks, and from the snapshot only when no tick came meanwhile", async () => {
    const t = start();
    t.answer(WALLBOARD_QUERY, snap("41"));
    t.boot();
    t.live(CLOCK_SUBSCRIPTION)[0].sink.next({ data: { serverClock: { now: "2025-06-02T14:05:00.000Z", rate: 0 } } });
    await vi.advanceTimersByTimeAsync(0);
    expect(t.times).toEqual([["2025-06-02T14:05:00.000Z", 0]]);
    expect(types(t.actions)[0]).toBe("tick");
  });

  it("re-reads the trend shortly after the 24 h figures change", async () => {
    const t = start({ trendDelayMs: 500 });
    t.answer(WALLBOARD_QUERY, snap("41"));
    t.boot();
    await vi.advanceTimersByTimeAsync(0);
    const n = t.queries.filter((q) => q.query === TREND_QUERY).length;
    const [day] = t.live(COMPLIANCE_SUBSCRIPTION);
    const c = { windowSeconds: 86400, firstResponse: {}, updatesAndEscalations: {} };
    day.sink.next({ data: { complianceChanged: c } });
    day.sink.next({ data: { complianceChanged: c } });
    await vi.advanceTimersByTimeAsync(500);
    expect(t.queries.filter((q) => q.query === TREND_QUERY).length).toBe(n + 1);
    // The same answer again is not dispatched again.
    expect(t.actions.filter((a) => a.type === "trendLoaded")).toHaveLength(1);
  });

  it("does not re-read the trend for a push of the figures it already has", async () => {
    const day = { windowSeconds: 86400, from: "a", to: "b", firstResponse: { met: 3 }, updatesAndEscalations: { met: 1 } };
    const t = start({ trendDelayMs: 500 });
    t.answer(WALLBOARD_QUERY, snap("41", { compliance: [day as never] }));
    t.boot();
    await vi.advanceTimersByTimeAsync(0);
    const n = t.queries.filter((q) => q.query === TREND_QUERY).length;
    // The subscription's first push: the current value, the window moved on a little.
    t.live(COMPLIANCE_SUBSCRIPTION)[0].sink.next({ data: { complianceChanged: { ...day, from: "c", to: "d" } } });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(t.queries.filter((q) => q.query === TREND_QUERY).length).toBe(n);
    t.live(COMPLIANCE_SUBSCRIPTION)[0].sink.next({ data: { complianceChanged: { ...day, firstResponse: { met: 4 } } } });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(t.queries.filter((q) => q.query === TREND_QUERY).length).toBe(n + 1);
  });
});
