/** SLA.md's worked examples 1–4 and 6, replayed end to end through the API with the simulated clock. */
import { afterEach, describe, expect, it } from "vitest";
import type { TestServer } from "./helpers/harness.js";
import { clock, get, open, reply, setClock, simulatedServer, useCalendar } from "./helpers/lifecycle.js";

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe("SLA.md worked examples through the API", () => {
  it("example 1: CRITICAL on 24×7 UTC, reply at 14:25Z → first response MET +300 s, update due 16:25Z, escalation L1 due 18:00Z", async () => {
    s = await simulatedServer("2025-06-02T14:00:00Z");
    const inc = await open(s.admin, "CRITICAL");
    expect(inc.status).toBe("NEW");
    expect(clock(inc, "FIRST_RESPONSE")).toMatchObject({ state: "RUNNING", dueAt: "2025-06-02T14:30:00.000Z", targetSeconds: 1800, remainingSeconds: 1800 });
    await setClock(s.admin, "2025-06-02T14:25:00Z");
    const after = await reply(s.admin, inc.id);
    expect(after.status).toBe("IN_PROGRESS");
    expect(after.firstRespondedAt).toBe("2025-06-02T14:25:00.000Z");
    expect(clock(after, "FIRST_RESPONSE")).toMatchObject({ state: "MET", stoppedAt: "2025-06-02T14:25:00.000Z", marginSeconds: 300, elapsedSeconds: 1500 });
    expect(clock(after, "CUSTOMER_UPDATE")).toMatchObject({ state: "RUNNING", startedAt: "2025-06-02T14:25:00.000Z", dueAt: "2025-06-02T16:25:00.000Z" });
    expect(clock(after, "ESCALATION", 1, "L1")).toMatchObject({ state: "RUNNING", startedAt: "2025-06-02T14:00:00.000Z", dueAt: "2025-06-02T18:00:00.000Z" });
    expect(after.nextDueAt).toBe("2025-06-02T16:25:00.000Z");
    expect(after.overdue).toBe(false);
  });

  it("example 2: HIGH on NY opened Thu 2025-07-03 16:30 → first response due Mon 2025-07-07 09:30 (holiday Friday)", async () => {
    s = await simulatedServer("2025-07-01T12:00:00Z");
    await useCalendar(s.admin, ["HIGH"]);
    await setClock(s.admin, "2025-07-03T20:30:00Z"); // 16:30 EDT
    const inc = await open(s.admin, "HIGH");
    expect(clock(inc, "FIRST_RESPONSE")).toMatchObject({ state: "RUNNING", dueAt: "2025-07-07T13:30:00.000Z", targetSeconds: 7200 });
  });

  it("example 3: NORMAL on NY, first response Fri 2025-03-07 15:00 → update due Mon 2025-03-10 15:00 EDT = 19:00Z", async () => {
    s = await simulatedServer("2025-03-07T18:00:00Z");
    await useCalendar(s.admin, ["NORMAL"]);
    const inc = await open(s.admin, "NORMAL", { channel: "EMAIL" });
    await setClock(s.admin, "2025-03-07T20:00:00Z"); // 15:00 EST
    const after = await reply(s.admin, inc.id);
    expect(clock(after, "CUSTOMER_UPDATE")).toMatchObject({ state: "RUNNING", startedAt: "2025-03-07T20:00:00.000Z", dueAt: "2025-03-10T19:00:00.000Z" });
  });

  it("example 4: HIGH on NY escalation from Tue 10:00, paused 15:00–Wed 10:00 → due Wed 13:00, pausedSeconds 14,400", async () => {
    s = await simulatedServer("2025-06-10T13:00:00Z");
    await useCalendar(s.admin, ["HIGH"]);
    await setClock(s.admin, "2025-06-10T14:00:00Z"); // Tue 10:00 EDT
    const inc = await open(s.admin, "HIGH");
    expect(clock(inc, "ESCALATION", 1, "L1")).toMatchObject({ dueAt: "2025-06-11T13:00:00.000Z", targetSeconds: 28_800 });
    await setClock(s.admin, "2025-06-10T14:05:00Z");
    await reply(s.admin, inc.id);
    await setClock(s.admin, "2025-06-10T19:00:00Z"); // Tue 15:00: 5 h elapsed
    const paused = (await s.admin.ok(`mutation($id: ID!) { waitForCustomer(incidentId: $id) { status clocks { kind cycle level state elapsedSeconds remainingSeconds } } }`, { id: inc.id })).waitForCustomer;
    expect(paused.status).toBe("PENDING_CUSTOMER");
    expect(clock(paused, "ESCALATION", 1, "L1")).toMatchObject({ state: "PAUSED", elapsedSeconds: 18_000, remainingSeconds: 10_800 });
    await setClock(s.admin, "2025-06-11T14:00:00Z"); // Wed 10:00
    await s.admin.ok(`mutation($id: ID!) { resumeIncident(incidentId: $id) { status } }`, { id: inc.id });
    const resumed = await get(s.admin, inc.id);
    expect(resumed.status).toBe("IN_PROGRESS");
    expect(clock(resumed, "ESCALATION", 1, "L1")).toMatchObject({ state: "RUNNING", dueAt: "2025-06-11T17:00:00.000Z", pausedSeconds: 14_400, originalDueAt: "2025-06-11T13:00:00.000Z" });
  });

  it("example 6: NORMAL on NY answered 09:30, upgraded to CRITICAL at 12:00 → update cycle BREACHED at 12:00 by the change", async () => {
    s = await simulatedServer("2025-06-09T13:00:00Z"); // Mon 09:00 EDT
    await useCalendar(s.admin, ["NORMAL"]);
    const inc = await open(s.admin, "NORMAL", { channel: "EMAIL" });
    await setClock(s.admin, "2025-06-09T13:30:00Z");
    const answered = await reply(s.admin, inc.id);
    expect(clock(answered, "CUSTOMER_UPDATE")).toMatchObject({ dueAt: "2025-06-10T13:30:00.000Z" });
    await setClock(s.admin, "2025-06-09T16:00:00Z"); // 12:00 EDT
    const up = (
      await s.admin.ok(`mutation($id: ID!) { changeSeverity(incidentId: $id, severity: CRITICAL, reason: "whole plant down") { severity overdue breached clocks { kind cycle state dueAt breachedAt breachedByChange remainingSeconds } } }`, {
        id: inc.id,
      })
    ).changeSeverity;
    expect(up.severity).toBe("CRITICAL");
    expect(clock(up, "CUSTOMER_UPDATE")).toMatchObject({
      state: "BREACHED",
      dueAt: "2025-06-09T15:30:00.000Z",
      breachedAt: "2025-06-09T16:00:00.000Z",
      breachedByChange: true,
      remainingSeconds: 0,
    });
    expect(up.overdue).toBe(true);
    expect(up.breached).toBe(true);
  });
});
