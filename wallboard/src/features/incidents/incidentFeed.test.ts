import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createStore } from "../../lib/store";
import type { BoardAction } from "./boardState";
import { BOARD_QUERY, EVENTS_SUBSCRIPTION } from "./documents";
import { event, incident } from "./fixtures";
import { resumeAfterLastEvent, SNAPSHOT_AFTER_CONNECT_MS, startIncidentFeed, type FeedClient, type FeedResult } from "./incidentFeed";

const a = incident({ id: "1" });
const b = incident({ id: "2", severity: "CRITICAL" });
const board = (...nodes: ReturnType<typeof incident>[]) => ({
  data: { now: "2025-03-04T10:30:00.000Z", incidents: { totalCount: nodes.length, edges: nodes.map((node) => ({ node })) } },
});
const unauthenticated = { graphQLErrors: [{ message: "bad key", extensions: { code: "UNAUTHENTICATED" } }] };

/** A fake urql client: queries answer from a queue, the subscription is driven by the test. */
function fakeClient(answers: FeedResult[]) {
  const queries: { query: string; context?: Record<string, unknown> }[] = [];
  const subscriptions: { query: string; variables: Record<string, unknown>; context?: Record<string, unknown>; push(r: FeedResult): void; closed: boolean }[] = [];
  const client: FeedClient = {
    query(query, _variables, context) {
      queries.push({ query, context });
      const answer = answers.shift() ?? { error: new Error("no answer queued") };
      return { toPromise: () => Promise.resolve(answer) };
    },
    subscription(query, variables, context) {
      let listener: (r: FeedResult) => void = () => {};
      const sub = { query, variables, context, push: (r: FeedResult) => listener(r), closed: false };
      subscriptions.push(sub);
      return {
        subscribe(onResult) {
          listener = onResult;
          return { unsubscribe: () => void (sub.closed = true) };
        },
      };
    },
  };
  return { client, queries, subscriptions };
}

function start(answers: FeedResult[], extra: Partial<Parameters<typeof startIncidentFeed>[0]> = {}) {
  const fake = fakeClient(answers);
  const actions: BoardAction[] = [];
  const calls = { time: [] as string[], rejected: 0, accepted: 0 };
  const feed = startIncidentFeed({
    client: fake.client,
    dispatch: (action) => actions.push(action),
    onServerTime: (iso) => calls.time.push(iso),
    onKeyRejected: () => calls.rejected++,
    onKeyAccepted: () => calls.accepted++,
    retryDelayMs: (n) => 1000 * 2 ** n,
    resyncEveryMs: 0,
    ...extra,
  });
  return { ...fake, actions, calls, feed };
}

const types = (actions: BoardAction[]) => actions.map((x) => x.type);

describe("startIncidentFeed", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("subscribes to events first, then loads the snapshot and samples the server clock", async () => {
    const t = start([board(a, b)]);
    expect(t.subscriptions).toHaveLength(1);
    expect(t.subscriptions[0].query).toBe(EVENTS_SUBSCRIPTION);
    expect(t.subscriptions[0].variables).toEqual({ after: null });
    expect(t.subscriptions[0].context?.resumeVariables).toBe(resumeAfterLastEvent);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.queries.map((q) => q.query)).toEqual([BOARD_QUERY]);
    expect(t.queries[0].context).toEqual({ requestPolicy: "network-only" });
    expect(types(t.actions)).toEqual(["snapshotRequested", "snapshotLoaded"]);
    expect(t.actions[1]).toMatchObject({ totalCount: 2 });
    expect(t.calls.time).toEqual(["2025-03-04T10:30:00.000Z"]);
    expect(t.calls.accepted).toBe(1);
  });

  it("dispatches each new event once, dropping duplicates by sequence", async () => {
    const t = start([board()]);
    await vi.advanceTimersByTimeAsync(0);
    const push = t.subscriptions[0].push;
    push({ data: { incidentEvents: event("7", a) } });
    push({ data: { incidentEvents: event("7", a) } }); // published twice
    push({ data: { incidentEvents: event("8", b) } });
    push({ data: { incidentEvents: event("8", b) }, error: { graphQLErrors: [{ message: "x" }] } }); // urql repeats data with a later error
    expect(t.actions.filter((x) => x.type === "eventReceived")).toHaveLength(2);
    expect(t.feed.lastSequence()).toBe("8");
  });

  it("retries a failed snapshot with backoff and reports a rejected key", async () => {
    const t = start([{ error: unauthenticated }, { error: { graphQLErrors: [], networkError: new Error("Failed to fetch") } }, board(a)]);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.calls.rejected).toBe(1);
    expect(t.actions[1]).toEqual({ type: "snapshotFailed", message: "bad key" });
    await vi.advanceTimersByTimeAsync(999);
    expect(t.queries).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.queries).toHaveLength(2);
    expect(t.actions[3]).toEqual({ type: "snapshotFailed", message: "Failed to fetch" });
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.queries).toHaveLength(3);
    expect(t.actions.at(-1)?.type).toBe("snapshotLoaded");
    expect(t.calls.rejected).toBe(1);
  });

  it("reports a rejected key seen on the subscription", async () => {
    const t = start([board()]);
    await vi.advanceTimersByTimeAsync(0);
    t.subscriptions[0].push({ error: { graphQLErrors: [], networkError: { code: 4403, reason: "Forbidden" } } });
    expect(t.calls.rejected).toBe(1);
  });

  it("reloads the snapshot a moment after the first connect, and after reconnects with nothing to resume after", async () => {
    const connection = createStore({ connects: 0 });
    const t = start([board(), board(), board(), board()], { connection });
    await vi.advanceTimersByTimeAsync(0);
    expect(t.queries).toHaveLength(1);

    connection.set({ connects: 1 });
    await vi.advanceTimersByTimeAsync(SNAPSHOT_AFTER_CONNECT_MS);
    expect(t.queries).toHaveLength(2);

    connection.set({ connects: 2 }); // reconnected, no event seen yet: reload
    await vi.advanceTimersByTimeAsync(SNAPSHOT_AFTER_CONNECT_MS);
    expect(t.queries).toHaveLength(3);

    t.subscriptions[0].push({ data: { incidentEvents: event("9", a) } });
    connection.set({ connects: 3 }); // reconnected after an event: the subscription resumes, no reload
    await vi.advanceTimersByTimeAsync(SNAPSHOT_AFTER_CONNECT_MS * 5);
    expect(t.queries).toHaveLength(3);
  });

  it("loads again after a load that was asked for while one was in flight", async () => {
    const t = start([board(), board()]);
    t.feed.reload();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.queries).toHaveLength(2);
  });

  it("resyncs periodically when asked to", async () => {
    const t = start([board(), board()], { resyncEveryMs: 60_000 });
    await vi.advanceTimersByTimeAsync(59_999);
    expect(t.queries).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.queries).toHaveLength(2);
  });

  it("stops everything on stop()", async () => {
    const connection = createStore({ connects: 0 });
    const t = start([{ error: new Error("down") }], { connection });
    await vi.advanceTimersByTimeAsync(0);
    t.feed.stop();
    expect(t.subscriptions[0].closed).toBe(true);
    connection.set({ connects: 1 });
    t.subscriptions[0].push({ data: { incidentEvents: event("1", a) } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.queries).toHaveLength(1);
    expect(t.actions.some((x) => x.type === "eventReceived")).toBe(false);
  });
});

describe("resumeAfterLastEvent", () => {
  it("sets `after` to the sequence of the event just received", () => {
    expect(resumeAfterLastEvent({ after: null }, { incidentEvents: event("42", a) })).toEqual({ after: "42" });
    expect(resumeAfterLastEvent({ after: "41" }, { somethingElse: 1 })).toEqual({ after: "41" });
    expect(resumeAfterLastEvent({ after: "41" }, null)).toEqual({ after: "41" });
  });
});
