import { createClient, type Sink, type SubscribePayload } from "graphql-ws";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createSubscriptionForwarder, type ResumeVariables } from "./resumable";

/** Resume after the sequence of the last incidentEvents result. */
const resumeAfterSequence: ResumeVariables = (variables, data) => {
  const seq = (data as { incidentEvents?: { sequence?: string } }).incidentEvents?.sequence;
  return seq ? { ...variables, after: seq } : variables;
};

const event = (sequence: string) => ({ data: { incidentEvents: { sequence } } });

/** A transport that records every subscribe call and lets the test drive the sinks. */
function fakeTransport() {
  const calls: { payload: SubscribePayload; variables: unknown; sink: Sink<unknown>; disposed: boolean }[] = [];
  return {
    calls,
    subscribe(payload: SubscribePayload, sink: Sink<unknown>) {
      const call = { payload, variables: structuredClone(payload.variables), sink, disposed: false };
      calls.push(call);
      return () => {
        call.disposed = true;
      };
    },
  };
}

function observer() {
  const seen: unknown[] = [];
  return { seen, next: (v: unknown) => seen.push(v), error: vi.fn(), complete: vi.fn() };
}

describe("createSubscriptionForwarder", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("forwards results and keeps the payload's variables at the last sequence", () => {
    const transport = fakeTransport();
    const forward = createSubscriptionForwarder(transport, { retryDelayMs: () => 1000 });
    const obs = observer();
    forward({ query: "subscription { x }", variables: { after: null } }, { context: { resumeVariables: resumeAfterSequence } }).subscribe(obs);

    expect(transport.calls).toHaveLength(1);
    expect(transport.calls[0].payload.variables).toEqual({ after: null });
    transport.calls[0].sink.next(event("41"));
    transport.calls[0].sink.next(event("42"));
    expect(obs.seen).toEqual([event("41"), event("42")]);
    // graphql-ws re-sends this same object after a reconnect:
    expect(transport.calls[0].payload.variables).toEqual({ after: "42" });
  });

  it("restarts a stream that errored or completed, after a delay, from the last sequence", () => {
    const transport = fakeTransport();
    const onInterrupted = vi.fn();
    const forward = createSubscriptionForwarder(transport, { retryDelayMs: (n) => 1000 * (n + 1), onInterrupted });
    const obs = observer();
    forward({ query: "s", variables: { after: "10" } }, { context: { resumeVariables: resumeAfterSequence } }).subscribe(obs);

    transport.calls[0].sink.next(event("11"));
    const closed = { code: 4500, reason: "boom" };
    transport.calls[0].sink.error(closed);
    expect(onInterrupted).toHaveBeenCalledWith(closed);
    expect(obs.error).not.toHaveBeenCalled();
    vi.advanceTimersByTime(999);
    expect(transport.calls).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(transport.calls).toHaveLength(2);
    expect(transport.calls[1].variables).toEqual({ after: "11" });

    // No data this time: the next delay is longer.
    transport.calls[1].sink.complete();
    vi.advanceTimersByTime(1999);
    expect(transport.calls).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(transport.calls).toHaveLength(3);
    expect(transport.calls[2].variables).toEqual({ after: "11" });

    // Data resets the delay.
    transport.calls[2].sink.next(event("12"));
    transport.calls[2].sink.error(new Error("x"));
    vi.advanceTimersByTime(1000);
    expect(transport.calls).toHaveLength(4);
    expect(transport.calls[3].variables).toEqual({ after: "12" });
    expect(obs.complete).not.toHaveBeenCalled();
  });

  it("stops for good when unsubscribed, even with a restart pending", () => {
    const transport = fakeTransport();
    const forward = createSubscriptionForwarder(transport, { retryDelayMs: () => 1000 });
    const sub = forward({ query: "s", variables: {} }, { context: { resumeVariables: resumeAfterSequence } }).subscribe(observer());
    sub.unsubscribe();
    expect(transport.calls[0].disposed).toBe(true);
    transport.calls[0].sink.complete(); // graphql-ws completes the sink after disposal
    vi.advanceTimersByTime(60_000);
    expect(transport.calls).toHaveLength(1);

    const sub2 = forward({ query: "s", variables: {} }, { context: { resumeVariables: resumeAfterSequence } }).subscribe(observer());
    transport.calls[1].sink.error(new Error("down"));
    sub2.unsubscribe();
    vi.advanceTimersByTime(60_000);
    expect(transport.calls).toHaveLength(2);
  });

  it("passes plain operations through, errors and completion included", () => {
    const transport = fakeTransport();
    const onResult = vi.fn();
    const forward = createSubscriptionForwarder(transport, { retryDelayMs: () => 1000, onResult });
    const obs = observer();
    forward({ query: "s", variables: { a: 1 } }, { context: {} }).subscribe(obs);
    transport.calls[0].sink.next({ data: { a: 1 } });
    transport.calls[0].sink.error([{ message: "no" }]);
    expect(onResult).toHaveBeenCalledTimes(1);
    expect(obs.error).toHaveBeenCalledWith([{ message: "no" }]);
    vi.advanceTimersByTime(60_000);
    expect(transport.calls).toHaveLength(1);
  });
});

/**
 * The property the resume relies on, checked against the real graphql-ws client: after the
 * socket drops, the re-subscription on the new socket carries the updated variables.
 */
class FakeSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;
  static all: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  sent: Record<string, any>[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number; reason: string; wasClean: boolean }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  constructor(
    public url: string,
    public protocol: string,
  ) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000, reason = "") {
    if (this.readyState === FakeSocket.CLOSED) return;
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code, reason, wasClean: true });
  }
  // server side
  open() {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  push(message: object) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop() {
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code: 1006, reason: "", wasClean: false });
  }
}

describe("resuming through the real graphql-ws client", () => {
  it("re-subscribes after a dropped socket with afterSequence = the last sequence seen", async () => {
    FakeSocket.all = [];
    const client = createClient({
      url: "ws://test/graphql",
      webSocketImpl: FakeSocket,
      connectionParams: { authorization: "Bearer k" },
      retryAttempts: Infinity,
      shouldRetry: () => true,
      retryWait: async () => {},
    });
    const forward = createSubscriptionForwarder(client, { retryDelayMs: () => 1000 });
    const obs = observer();
    const sub = forward(
      { query: "subscription Events($after: String) { incidentEvents(afterSequence: $after) { sequence } }", variables: { after: null } },
      { context: { resumeVariables: resumeAfterSequence } },
    ).subscribe(obs);

    const handshake = async (socket: FakeSocket) => {
      socket.open();
      await vi.waitFor(() => expect(socket.sent[0]).toEqual({ type: "connection_init", payload: { authorization: "Bearer k" } }));
      socket.push({ type: "connection_ack" });
      await vi.waitFor(() => expect(socket.sent.some((m) => m.type === "subscribe")).toBe(true));
      return socket.sent.find((m) => m.type === "subscribe")!;
    };

    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    const first = await handshake(FakeSocket.all[0]);
    expect(first.payload.variables).toEqual({ after: null });

    FakeSocket.all[0].push({ id: first.id, type: "next", payload: { data: { incidentEvents: { sequence: "900719925474099312" } } } });
    expect(obs.seen).toHaveLength(1);
    FakeSocket.all[0].drop();

    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(2));
    const second = await handshake(FakeSocket.all[1]);
    expect(second.payload.variables).toEqual({ after: "900719925474099312" });

    sub.unsubscribe();
    await client.dispose();
  });
});
