import { describe, expect, it } from "vitest";
import { closedEvent, initialConnectionStatus, nextConnectionStatus, type ConnectionEvent } from "./connection";

const run = (...events: ConnectionEvent[]) => events.reduce(nextConnectionStatus, initialConnectionStatus);

describe("nextConnectionStatus", () => {
  it("starts connecting and follows the graphql-ws lifecycle", () => {
    expect(initialConnectionStatus.state).toBe("connecting");
    expect(run({ type: "connecting" }, { type: "connected" }).state).toBe("connected");
    expect(run({ type: "connected" }, { type: "closed", code: 1006 }).state).toBe("disconnected");
    expect(run({ type: "connected" }, { type: "closed" }, { type: "connecting" }).state).toBe("connecting");
  });

  it("counts acknowledgements so a reconnect can be told from the first connect", () => {
    expect(run({ type: "connected" }).connects).toBe(1);
    expect(run({ type: "connected" }, { type: "closed", code: 1001 }, { type: "connecting" }, { type: "connected" }).connects).toBe(2);
  });

  it("remembers the last close", () => {
    expect(run({ type: "closed", code: 1012, reason: "restart" }).lastClose).toEqual({ code: 1012, reason: "restart" });
    expect(run({ type: "closed" }).lastClose).toEqual({ code: 1006, reason: "" });
  });

  it("marks the key rejected on 4401/4403 closes and on UNAUTHENTICATED, until data arrives", () => {
    expect(run({ type: "closed", code: 4403, reason: "Forbidden" }).keyRejected).toBe(true);
    expect(run({ type: "closed", code: 4401 }).keyRejected).toBe(true);
    expect(run({ type: "closed", code: 1006 }).keyRejected).toBe(false);
    const rejected = run({ type: "keyRejected" });
    expect(rejected.keyRejected).toBe(true);
    expect(nextConnectionStatus(rejected, { type: "connected" }).keyRejected).toBe(true);
    expect(nextConnectionStatus(rejected, { type: "closed", code: 1006 }).keyRejected).toBe(true);
    expect(nextConnectionStatus(rejected, { type: "keyAccepted" }).keyRejected).toBe(false);
  });

  it("keeps the same object when nothing changes (no needless re-render)", () => {
    const s = run({ type: "connecting" });
    expect(nextConnectionStatus(s, { type: "connecting" })).toBe(s);
    expect(nextConnectionStatus(s, { type: "keyAccepted" })).toBe(s);
  });
});

describe("closedEvent", () => {
  it("reads code and reason from a CloseEvent-like value", () => {
    expect(closedEvent({ code: 4403, reason: "Forbidden", wasClean: true })).toEqual({ type: "closed", code: 4403, reason: "Forbidden" });
    expect(closedEvent(undefined)).toEqual({ type: "closed" });
  });
});
