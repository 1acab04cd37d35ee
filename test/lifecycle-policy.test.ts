/**
 * SLA targets and calendars through the API: setSlaTarget as a partial patch, Duration.text,
 * validation (BAD_USER_INPUT), who may write them (ACCESS.md), and SLA.md "Changes to
 * severity and policy": an edit recomputes the running cycles of the open incidents it
 * affects, records POLICY_CHANGED, keeps decided cycles, and is idempotent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type Gql, type TestServer } from "./helpers/harness.js";
import { clock, get, setClock, simulatedServer } from "./helpers/lifecycle.js";
import { agent, cmd, customer, okData, openFor, refused, roleKey, timeline } from "./helpers/desk.js";

const DURATION = "minutes workingDays text";
const TARGET_FIELDS = `severity firstResponse { ${DURATION} } updateInterval { ${DURATION} } escalationInterval { ${DURATION} } resolution { ${DURATION} }
  calendar { id name timeZone spans { day start end } holidays } atRiskRatio recommendedChannels autoCloseAfterSeconds maxCustomerWaitSeconds`;
const SET_TARGET = `mutation($i: SlaTargetInput!) { setSlaTarget(input: $i) { ${TARGET_FIELDS} } }`;
const CAL_FIELDS = "id name timeZone spans { day start end } holidays";
const CREATE_CAL = `mutation($i: CalendarInput!) { createCalendar(input: $i) { ${CAL_FIELDS} } }`;
const UPDATE_CAL = `mutation($id: ID!, $i: CalendarInput!) { updateCalendar(id: $id, input: $i) { ${CAL_FIELDS} } }`;

async function targets(gql: Gql): Promise<Record<string, any>> {
  const d = await gql.ok(`{ slaTargets { ${TARGET_FIELDS} } }`);
  return Object.fromEntries(d.slaTargets.map((t: any) => [t.severity, t]));
}

const OFFICE = { name: "Office", timeZone: "Europe/Madrid", spans: [1, 2, 3, 4, 5].map((day) => ({ day, start: "09:00", end: "18:00" })), holidays: ["2025-12-25"] };

describe("setSlaTarget and calendars: patching, wording, validation, access", () => {
  let s: TestServer;
  let lead: Gql;
  const others: Record<string, Gql> = {};

  beforeAll(async () => {
    s = await startServer();
    lead = (await agent(s.admin, "L3", "Lola Lead", "LEAD")).gql;
    others.AGENT = (await agent(s.admin, "L1", "Andrés Agent")).gql;
    others.INTEGRATOR = await roleKey(s.admin, "INTEGRATOR");
    others.DISPLAY = await roleKey(s.admin, "DISPLAY");
    others.CUSTOMER = (await customer(s.admin)).gql;
  });
  afterAll(async () => s?.close());

  it("the default policy's durations read in words (SLA.md targets)", async () => {
    const t = await targets(s.admin);
    expect([t.CRITICAL.firstResponse.text, t.CRITICAL.updateInterval.text, t.CRITICAL.escalationInterval.text]).toEqual(["30 minutes", "2 hours", "4 hours"]);
    expect([t.HIGH.firstResponse.text, t.HIGH.updateInterval.text, t.HIGH.escalationInterval.text]).toEqual(["2 hours", "4 hours", "8 hours"]);
    expect([t.NORMAL.firstResponse.text, t.NORMAL.updateInterval.text, t.NORMAL.escalationInterval.text]).toEqual(["4 hours", "1 working day", "2 working days"]);
    expect(t.NORMAL.updateInterval).toEqual({ minutes: null, workingDays: 1, text: "1 working day" });
    for (const sev of ["CRITICAL", "HIGH", "NORMAL"]) {
      expect(t[sev]).toMatchObject({ resolution: null, atRiskRatio: 0.75, autoCloseAfterSeconds: 259_200, maxCustomerWaitSeconds: 604_800 });
    }
  });

  it("setSlaTarget is a partial patch: a field left out keeps its current value", async () => {
    const before = await targets(s.admin);
    const saved = (await s.admin.ok(SET_TARGET, { i: { severity: "HIGH", firstResponse: { minutes: 90 } } })).setSlaTarget;
    expect(saved.firstResponse).toEqual({ minutes: 90, workingDays: null, text: "1 hour 30 minutes" });
    expect({ ...saved, firstResponse: null }).toEqual({ ...before.HIGH, firstResponse: null });
    const after = await targets(s.admin);
    expect(after.HIGH).toEqual(saved);
    expect(after.CRITICAL).toEqual(before.CRITICAL);
    expect(after.NORMAL).toEqual(before.NORMAL);
    const more = (await s.admin.ok(SET_TARGET, { i: { severity: "HIGH", atRiskRatio: 0.5, recommendedChannels: ["PHONE"], maxCustomerWaitSeconds: 86_400 } })).setSlaTarget;
    expect(more).toEqual({ ...saved, atRiskRatio: 0.5, recommendedChannels: ["PHONE"], maxCustomerWaitSeconds: 86_400 });
  });

  it("Duration.text puts every duration in words", async () => {
    const cases: Array<[Record<string, number>, string]> = [
      [{ minutes: 1 }, "1 minute"],
      [{ minutes: 45 }, "45 minutes"],
      [{ minutes: 60 }, "1 hour"],
      [{ minutes: 61 }, "1 hour 1 minute"],
      [{ minutes: 150 }, "2 hours 30 minutes"],
      [{ minutes: 1440 }, "24 hours"],
      [{ workingDays: 1 }, "1 working day"],
      [{ workingDays: 3 }, "3 working days"],
    ];
    for (const [d, text] of cases) {
      const saved = (await s.admin.ok(SET_TARGET, { i: { severity: "CRITICAL", resolution: d } })).setSlaTarget;
      expect(saved.resolution).toEqual({ minutes: d.minutes ?? null, workingDays: d.workingDays ?? null, text });
    }
  });

  it("clearResolution removes the resolution target (and may not come with a new one)", async () => {
    await s.admin.ok(SET_TARGET, { i: { severity: "NORMAL", resolution: { workingDays: 5 } } });
    expect((await targets(s.admin)).NORMAL.resolution.text).toBe("5 working days");
    refused(await s.admin.request(SET_TARGET, { i: { severity: "NORMAL", clearResolution: true, resolution: { minutes: 60 } } }), "BAD_USER_INPUT");
    expect((await targets(s.admin)).NORMAL.resolution.text).toBe("5 working days");
    const cleared = (await s.admin.ok(SET_TARGET, { i: { severity: "NORMAL", clearResolution: true } })).setSlaTarget;
    expect(cleared.resolution).toBeNull();
    expect((await targets(s.admin)).NORMAL.resolution).toBeNull();
  });

  const invalid: Array<[string, Record<string, unknown>, RegExp]> = [
    ["both minutes and workingDays", { firstResponse: { minutes: 30, workingDays: 1 } }, /exactly one of minutes or workingDays/],
    ["neither minutes nor workingDays", { updateInterval: {} }, /exactly one of minutes or workingDays/],
    ["zero minutes", { firstResponse: { minutes: 0 } }, /positive whole number/],
    ["zero working days", { escalationInterval: { workingDays: 0 } }, /positive whole number/],
    ["negative minutes", { resolution: { minutes: -5 } }, /positive whole number/],
    ["an at-risk ratio above 1", { atRiskRatio: 1.5 }, /atRiskRatio/],
    ["an at-risk ratio of 0", { atRiskRatio: 0 }, /atRiskRatio/],
    ["no recommended channel", { recommendedChannels: [] }, /recommendedChannels/],
    ["zero auto-close seconds", { autoCloseAfterSeconds: 0 }, /autoCloseAfterSeconds/],
    ["a malformed calendar id", { calendarId: "nope" }, /calendarId/],
    ["an id of another type as calendar id", { calendarId: Buffer.from("Agent:00000000-0000-4000-8000-000000000000").toString("base64url") }, /calendarId/],
  ];
  for (const [name, patch, message] of invalid) {
    it(`setSlaTarget refuses ${name} with BAD_USER_INPUT and changes nothing`, async () => {
      const before = await targets(s.admin);
      const err = refused(await s.admin.request(SET_TARGET, { i: { severity: "HIGH", ...patch } }), "BAD_USER_INPUT");
      expect(err.message).toMatch(message);
      expect(await targets(s.admin)).toEqual(before);
    });
  }

  it("setSlaTarget with a well-formed id of no calendar is refused (NOT_FOUND, DECISIONS.md ids) and changes nothing", async () => {
    const before = await targets(s.admin);
    const ghost = Buffer.from("BusinessCalendar:00000000-0000-4000-8000-000000000000").toString("base64url");
    const r = await s.admin.request(SET_TARGET, { i: { severity: "HIGH", calendarId: ghost } });
    expect(refused(r, "NOT_FOUND").message).toMatch(/calendar/);
    expect(await targets(s.admin)).toEqual(before);
  });

  it("createCalendar saves a valid calendar and setSlaTarget can use it", async () => {
    const cal = (await s.admin.ok(CREATE_CAL, { i: OFFICE })).createCalendar;
    expect(cal).toMatchObject({ name: "Office", timeZone: "Europe/Madrid", holidays: ["2025-12-25"] });
    expect(cal.spans).toHaveLength(5);
    const t = (await s.admin.ok(SET_TARGET, { i: { severity: "NORMAL", calendarId: cal.id } })).setSlaTarget;
    expect(t.calendar).toEqual(cal);
    expect((await s.admin.ok(`{ calendars { id } }`)).calendars.map((c: any) => c.id)).toContain(cal.id);
  });

  const badCalendars: Array<[string, Record<string, unknown>, RegExp]> = [
    ["an unknown time zone", { timeZone: "Mars/Olympus_Mons" }, /time zone/i],
    ["a span that ends before it starts", { spans: [{ day: 1, start: "17:00", end: "08:00" }] }, /ends before it starts/],
    ["overlapping spans", { spans: [{ day: 2, start: "08:00", end: "13:00" }, { day: 2, start: "12:00", end: "18:00" }] }, /overlap/i],
    ["no working time", { spans: [] }, /no working time/],
  ];
  for (const [name, patch, message] of badCalendars) {
    it(`createCalendar refuses ${name} with BAD_USER_INPUT, nothing saved`, async () => {
      const before = (await s.admin.ok(`{ calendars { id } }`)).calendars.length;
      const err = refused(await s.admin.request(CREATE_CAL, { i: { ...OFFICE, name: `bad: ${name}`, ...patch } }), "BAD_USER_INPUT");
      expect(err.message).toMatch(message);
      expect((await s.admin.ok(`{ calendars { id } }`)).calendars.length).toBe(before);
    });
    it(`updateCalendar refuses ${name} with BAD_USER_INPUT, the calendar unchanged`, async () => {
      const cal = (await s.admin.ok(CREATE_CAL, { i: { ...OFFICE, name: `to edit: ${name}` } })).createCalendar;
      const err = refused(await s.admin.request(UPDATE_CAL, { id: cal.id, i: { ...OFFICE, ...patch } }), "BAD_USER_INPUT");
      expect(err.message).toMatch(message);
      const now = (await s.admin.ok(`{ calendars { ${CAL_FIELDS} } }`)).calendars.find((c: any) => c.id === cal.id);
      expect(now).toEqual(cal);
    });
  }

  it("a span may end at 24:00, and spans that only touch do not overlap", async () => {
    const cal = (
      await s.admin.ok(CREATE_CAL, {
        i: { name: "Shifts", timeZone: "UTC", spans: [{ day: 6, start: "00:00", end: "12:00" }, { day: 6, start: "12:00", end: "24:00" }] },
      })
    ).createCalendar;
    expect(cal.spans).toEqual([{ day: 6, start: "00:00", end: "12:00" }, { day: 6, start: "12:00", end: "24:00" }]);
  });

  it("ADMIN and LEAD may write calendars and targets", async () => {
    for (const gql of [s.admin, lead]) {
      const cal = (await gql.ok(CREATE_CAL, { i: { ...OFFICE, name: "by a writer" } })).createCalendar;
      expect((await gql.ok(UPDATE_CAL, { id: cal.id, i: { ...OFFICE, name: "renamed by a writer" } })).updateCalendar.name).toBe("renamed by a writer");
      expect((await gql.ok(SET_TARGET, { i: { severity: "CRITICAL", maxCustomerWaitSeconds: 3600 } })).setSlaTarget.maxCustomerWaitSeconds).toBe(3600);
    }
  });

  for (const role of ["AGENT", "INTEGRATOR", "DISPLAY", "CUSTOMER"]) {
    it(`${role} may not write calendars or targets (FORBIDDEN), nothing changes`, async () => {
      const cal = (await s.admin.ok(CREATE_CAL, { i: { ...OFFICE, name: `owned by admin (${role})` } })).createCalendar;
      const before = await targets(s.admin);
      refused(await others[role].request(CREATE_CAL, { i: OFFICE }), "FORBIDDEN");
      refused(await others[role].request(UPDATE_CAL, { id: cal.id, i: { ...OFFICE, name: "hijacked" } }), "FORBIDDEN");
      refused(await others[role].request(SET_TARGET, { i: { severity: "CRITICAL", firstResponse: { minutes: 5 } } }), "FORBIDDEN");
      expect(await targets(s.admin)).toEqual(before);
      const still = (await s.admin.ok(`{ calendars { id name } }`)).calendars.find((c: any) => c.id === cal.id);
      expect(still.name).toBe(`owned by admin (${role})`);
    });
  }
});

describe("SLA.md: a policy or calendar edit recomputes the running cycles of open incidents", () => {
  const T0 = "2025-06-02T09:00:00.000Z"; // Monday
  const at = (iso: string) => new Date(iso).toISOString();
  let s: TestServer;
  let desk: Gql;
  let requester: string;
  const policyEvents = async (id: string) => (await timeline(s.admin, id)).filter((e) => e.type === "POLICY_CHANGED");

  beforeAll(async () => {
    s = await simulatedServer(T0);
    desk = (await agent(s.admin, "L1", "Pilar Policy")).gql;
    requester = (await customer(s.admin)).contactId;
  });
  afterAll(async () => s?.close());

  const openSev = async (severity: string, channel = "PHONE") => okData(await openFor(desk, requester, { severity, channel })).incident.id as string;

  it("setSlaTarget: running cycles' dueAt move, POLICY_CHANGED on the timeline, decided cycles keep their outcome; the same values again add nothing", async () => {
    const answered = await openSev("HIGH"); // first response 2 h, update 4 h, escalation 8 h
    const unanswered = await openSev("HIGH");
    const critical = await openSev("CRITICAL");
    const closed = await openSev("HIGH");
    okData(await cmd.resolve(desk, closed));
    okData(await cmd.close(desk, closed));
    await setClock(s.admin, "2025-06-02T09:10:00Z");
    okData(await cmd.comment(desk, answered, "PUBLIC", "on it"));
    await setClock(s.admin, "2025-06-02T11:05:00Z"); // the unanswered first response breached at 11:00

    const a0 = await get(s.admin, answered);
    const u0 = await get(s.admin, unanswered);
    const c0 = await get(s.admin, critical);
    expect(clock(a0, "CUSTOMER_UPDATE")).toMatchObject({ state: "RUNNING", dueAt: at("2025-06-02T13:10:00Z") });
    expect(clock(a0, "ESCALATION", 1, "L1")).toMatchObject({ state: "RUNNING", dueAt: at("2025-06-02T17:00:00Z") });
    expect(clock(u0, "FIRST_RESPONSE")).toMatchObject({ state: "BREACHED", breachedAt: at("2025-06-02T11:00:00Z") });

    const edit = { severity: "HIGH", firstResponse: { minutes: 180 }, updateInterval: { minutes: 180 }, escalationInterval: { minutes: 600 } };
    await s.admin.ok(SET_TARGET, { i: edit });

    const a1 = await get(s.admin, answered);
    expect(clock(a1, "FIRST_RESPONSE")).toEqual(clock(a0, "FIRST_RESPONSE")); // MET stays MET, same figures
    expect(clock(a1, "CUSTOMER_UPDATE")).toMatchObject({ state: "RUNNING", startedAt: at("2025-06-02T09:10:00Z"), dueAt: at("2025-06-02T12:10:00Z"), targetSeconds: 10_800 });
    expect(clock(a1, "ESCALATION", 1, "L1")).toMatchObject({ state: "RUNNING", startedAt: T0, dueAt: at("2025-06-02T19:00:00Z"), targetSeconds: 36_000 });
    const u1 = await get(s.admin, unanswered);
    // a decided cycle keeps its outcome: the longer target would have been met, the breach stays
    expect(clock(u1, "FIRST_RESPONSE")).toEqual(clock(u0, "FIRST_RESPONSE"));
    expect(clock(u1, "ESCALATION", 1, "L1")).toMatchObject({ state: "RUNNING", dueAt: at("2025-06-02T19:00:00Z") });
    expect(u1.breached).toBe(true);
    // another severity and a closed incident are left alone
    expect((await get(s.admin, critical)).clocks).toEqual(c0.clocks);
    expect(await policyEvents(critical)).toEqual([]);
    expect(await policyEvents(closed)).toEqual([]);

    for (const id of [answered, unanswered]) {
      const events = await policyEvents(id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: "POLICY_CHANGED", actorKind: "SYSTEM", actorName: null, actor: null, at: at("2025-06-02T11:05:00Z") });
      expect(JSON.parse(events[0].data).targets.escalationInterval).toEqual({ minutes: 600 });
    }

    // idempotent: the same values again (now, and later) add no event and move nothing
    await s.admin.ok(SET_TARGET, { i: edit });
    await setClock(s.admin, "2025-06-02T11:06:00Z");
    await s.admin.ok(SET_TARGET, { i: { severity: "HIGH", updateInterval: { minutes: 180 } } });
    for (const id of [answered, unanswered]) expect(await policyEvents(id)).toHaveLength(1);
    expect(clock(await get(s.admin, answered), "CUSTOMER_UPDATE").dueAt).toBe(at("2025-06-02T12:10:00Z"));
  });

  it("setSlaTarget: a running cycle whose new due is already past is BREACHED at the edit (breachedByChange)", async () => {
    await setClock(s.admin, "2025-06-02T12:00:00Z");
    const id = await openSev("HIGH");
    await setClock(s.admin, "2025-06-02T12:05:00Z");
    okData(await cmd.comment(desk, id, "PUBLIC", "answered"));
    await setClock(s.admin, "2025-06-02T12:50:00Z");
    await s.admin.ok(SET_TARGET, { i: { severity: "HIGH", updateInterval: { minutes: 30 } } }); // due 12:35, already past
    const inc = await get(s.admin, id);
    expect(clock(inc, "CUSTOMER_UPDATE")).toMatchObject({
      state: "BREACHED",
      dueAt: at("2025-06-02T12:35:00Z"),
      breachedAt: at("2025-06-02T12:50:00Z"),
      breachedByChange: true,
      remainingSeconds: 0,
    });
    expect(inc.overdue).toBe(true);
    expect(clock(inc, "FIRST_RESPONSE").state).toBe("MET");
    expect((await policyEvents(id)).map((e) => e.at)).toEqual([at("2025-06-02T12:50:00Z")]);
  });

  it("updateCalendar recomputes the open incidents whose severity uses that calendar, once", async () => {
    const allWeek = { name: "All week UTC", timeZone: "UTC", spans: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: "00:00", end: "24:00" })), holidays: [] };
    const cal = (await s.admin.ok(CREATE_CAL, { i: allWeek })).createCalendar;
    await s.admin.ok(SET_TARGET, { i: { severity: "NORMAL", calendarId: cal.id } });
    await setClock(s.admin, "2025-06-03T08:00:00Z"); // Tuesday
    const normal = await openSev("NORMAL", "EMAIL"); // first response 4 h → 12:00Z on the all-week calendar
    const high = await openSev("HIGH");
    const n0 = await get(s.admin, normal);
    const h0 = await get(s.admin, high);
    expect(clock(n0, "FIRST_RESPONSE")).toMatchObject({ dueAt: at("2025-06-03T12:00:00Z"), targetSeconds: 14_400 });
    await setClock(s.admin, "2025-06-03T08:30:00Z");

    const lateShift = { ...allWeek, name: "Late shift UTC", spans: [1, 2, 3, 4, 5].map((day) => ({ day, start: "10:00", end: "24:00" })) };
    expect((await s.admin.ok(UPDATE_CAL, { id: cal.id, i: lateShift })).updateCalendar.name).toBe("Late shift UTC");

    const n1 = await get(s.admin, normal);
    // the cycle keeps its start, re-measured on the edited calendar: counting starts at 10:00
    expect(clock(n1, "FIRST_RESPONSE")).toMatchObject({ state: "RUNNING", startedAt: at("2025-06-03T08:00:00Z"), dueAt: at("2025-06-03T14:00:00Z"), targetSeconds: 14_400, elapsedSeconds: 0 });
    const events = await policyEvents(normal);
    expect(events).toHaveLength(1);
    expect(events[0].at).toBe(at("2025-06-03T08:30:00Z"));
    expect(JSON.parse(events[0].data).targets.calendar.spans[0]).toEqual({ day: 1, start: "10:00", end: "24:00" });
    // a severity on another calendar is not touched
    const dues = (inc: any) => inc.clocks.map((c: any) => [c.kind, c.cycle, c.state, c.startedAt, c.originalDueAt, c.dueAt, c.targetSeconds]);
    expect(dues(await get(s.admin, high))).toEqual(dues(h0));
    const highEvents = (await policyEvents(high)).filter((e) => e.at === at("2025-06-03T08:30:00Z"));
    expect(highEvents).toEqual([]);
    // the target now names the edited calendar
    expect((await targets(s.admin)).NORMAL.calendar.spans[0]).toEqual({ day: 1, start: "10:00", end: "24:00" });

    // the same definition again: nothing to recompute
    await setClock(s.admin, "2025-06-03T08:40:00Z");
    await s.admin.ok(UPDATE_CAL, { id: cal.id, i: lateShift });
    expect(await policyEvents(normal)).toHaveLength(1);
    expect(clock(await get(s.admin, normal), "FIRST_RESPONSE").dueAt).toBe(at("2025-06-03T14:00:00Z"));
  });
});
