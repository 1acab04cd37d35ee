/**
 * SLA.md "Status and pauses", through the API: every cell of the status table (each command
 * in each status, on a fresh incident driven there through the API), the refusals (CONFLICT
 * naming the allowed commands), and the rules around them: customer comments, the resolution
 * summary as a public communication, reopen cycles, the timeline and the comments.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gql, GqlResult, TestServer } from "./helpers/harness.js";
import { clock, get, simulatedServer } from "./helpers/lifecycle.js";
import { agent, cmd, comments, customer, lifecycle, okData, openFor, refused, state, timeline, type CustomerKey, type StaffAgent } from "./helpers/desk.js";

const T0 = "2025-06-02T09:00:00.000Z";

type Status = "NEW" | "IN_PROGRESS" | "PENDING_CUSTOMER" | "RESOLVED" | "CLOSED";
const STATUSES: Status[] = ["NEW", "IN_PROGRESS", "PENDING_CUSTOMER", "RESOLVED", "CLOSED"];

/** SLA.md's table, by the command names the CONFLICT message uses; "—" = refused. */
const TABLE: Record<string, Record<Status, Status | "—">> = {
  publicComment: { NEW: "IN_PROGRESS", IN_PROGRESS: "IN_PROGRESS", PENDING_CUSTOMER: "PENDING_CUSTOMER", RESOLVED: "—", CLOSED: "—" },
  internalNote: { NEW: "NEW", IN_PROGRESS: "IN_PROGRESS", PENDING_CUSTOMER: "PENDING_CUSTOMER", RESOLVED: "RESOLVED", CLOSED: "—" },
  customerComment: { NEW: "NEW", IN_PROGRESS: "IN_PROGRESS", PENDING_CUSTOMER: "IN_PROGRESS", RESOLVED: "RESOLVED", CLOSED: "—" },
  assign: { NEW: "NEW", IN_PROGRESS: "IN_PROGRESS", PENDING_CUSTOMER: "PENDING_CUSTOMER", RESOLVED: "—", CLOSED: "—" },
  escalate: { NEW: "NEW", IN_PROGRESS: "IN_PROGRESS", PENDING_CUSTOMER: "—", RESOLVED: "—", CLOSED: "—" },
  waitForCustomer: { NEW: "—", IN_PROGRESS: "PENDING_CUSTOMER", PENDING_CUSTOMER: "—", RESOLVED: "—", CLOSED: "—" },
  resume: { NEW: "—", IN_PROGRESS: "—", PENDING_CUSTOMER: "IN_PROGRESS", RESOLVED: "—", CLOSED: "—" },
  changeSeverity: { NEW: "NEW", IN_PROGRESS: "IN_PROGRESS", PENDING_CUSTOMER: "PENDING_CUSTOMER", RESOLVED: "—", CLOSED: "—" },
  resolve: { NEW: "RESOLVED", IN_PROGRESS: "RESOLVED", PENDING_CUSTOMER: "RESOLVED", RESOLVED: "—", CLOSED: "—" },
  close: { NEW: "—", IN_PROGRESS: "—", PENDING_CUSTOMER: "—", RESOLVED: "CLOSED", CLOSED: "—" },
  reopen: { NEW: "—", IN_PROGRESS: "—", PENDING_CUSTOMER: "—", RESOLVED: "IN_PROGRESS", CLOSED: "—" },
  // "link to a problem" is in the table (and in the allowed lists) but is not an incident mutation here.
  linkToProblem: { NEW: "NEW", IN_PROGRESS: "IN_PROGRESS", PENDING_CUSTOMER: "PENDING_CUSTOMER", RESOLVED: "RESOLVED", CLOSED: "—" },
};
const allowedIn = (status: Status) => Object.keys(TABLE).filter((c) => TABLE[c][status] !== "—");

let s: TestServer;
let l1: StaffAgent; // the desk's L1 agent: issues every command
let l1b: StaffAgent; // another L1 agent, the one assigned
let l2: StaffAgent;
let l3: StaffAgent;
let cust: CustomerKey;

beforeAll(async () => {
  s = await simulatedServer(T0);
  l1 = await agent(s.admin, "L1", "Lucía Front");
  l1b = await agent(s.admin, "L1", "Bruno Front");
  l2 = await agent(s.admin, "L2", "Lena Second");
  l3 = await agent(s.admin, "L3", "Tomás Third");
  cust = await customer(s.admin, "Carmen Cliente", "Hotel Sol");
});
afterAll(async () => s?.close());

async function advance(seconds: number): Promise<string> {
  return (await s.admin.ok(`mutation($s: Int!) { advanceClock(seconds: $s) }`, { s: seconds })).advanceClock;
}

/** A fresh CRITICAL incident of the customer, driven to `status` through the API by the L1 agent. */
async function driveTo(status: Status): Promise<string> {
  const id = okData(await openFor(l1.gql, cust.contactId)).incident.id as string;
  if (status === "NEW") return id;
  okData(await cmd.comment(l1.gql, id, "PUBLIC", "We are looking into it"));
  if (status === "PENDING_CUSTOMER") okData(await cmd.wait(l1.gql, id));
  if (status === "RESOLVED" || status === "CLOSED") okData(await cmd.resolve(l1.gql, id));
  if (status === "CLOSED") okData(await cmd.close(l1.gql, id));
  expect((await state(s.admin, id)).status).toBe(status);
  return id;
}

/** Each command of the table as its API call; the customer's comment through its CUSTOMER key. */
const COMMANDS: Record<string, (id: string) => Promise<GqlResult>> = {
  publicComment: (id) => cmd.comment(l1.gql, id, "PUBLIC", "An update for you"),
  internalNote: (id) => cmd.comment(l1.gql, id, "INTERNAL", "Checked the logs", null),
  customerComment: (id) => cmd.comment(cust.gql, id, "PUBLIC", "Any news?", "WEB"),
  assign: (id) => cmd.assign(l1.gql, id, l1b.id),
  escalate: (id) => cmd.escalate(l1.gql, id),
  waitForCustomer: (id) => cmd.wait(l1.gql, id),
  resume: (id) => cmd.resume(l1.gql, id),
  changeSeverity: (id) => cmd.severity(l1.gql, id, "HIGH"),
  resolve: (id) => cmd.resolve(l1.gql, id),
  close: (id) => cmd.close(l1.gql, id),
  reopen: (id) => cmd.reopen(l1.gql, id),
};

/** Asserts a CONFLICT whose message and extensions name exactly the commands allowed in `status`. */
function expectConflictNamingAllowed(r: GqlResult, status: Status): void {
  const err = refused(r, "CONFLICT");
  const allowed = allowedIn(status);
  expect(err.message).toContain(status);
  const listed = /Allowed now: (.*?)\.?$/.exec(err.message);
  expect(listed, err.message).not.toBeNull();
  expect(listed![1] === "none" ? [] : listed![1].split(/,\s*/).sort()).toEqual([...allowed].sort());
  expect([...((err.extensions?.allowed as string[]) ?? [])].sort()).toEqual([...allowed].sort());
}

describe("SLA.md status table: every command in every status", () => {
  for (const command of Object.keys(COMMANDS)) {
    for (const status of STATUSES) {
      const expected = TABLE[command][status];
      const name = expected === "—" ? `${command} in ${status} is refused with CONFLICT naming the allowed commands` : `${command} in ${status} → ${expected}`;
      it(name, async () => {
        const id = await driveTo(status);
        const before = await state(s.admin, id);
        const r = await COMMANDS[command](id);
        const after = await state(s.admin, id);
        if (expected === "—") {
          expectConflictNamingAllowed(r, status);
          expect(after).toEqual(before); // nothing changed
          return;
        }
        const payload = okData(r);
        expect(payload.status).toBe(expected);
        expect(after.status).toBe(expected);
        if (command === "assign") expect(after.assignee).toEqual({ id: l1b.id });
        if (command === "escalate") expect(after.level).toBe("L2");
        if (command === "changeSeverity") expect(after.severity).toBe("HIGH");
        if (command === "resolve") expect(after.resolvedAt).not.toBeNull();
        if (command === "close") expect(after.closedAt).not.toBeNull();
        if (command === "reopen") expect(after.resolvedAt).toBeNull();
      });
    }
  }
});

describe("refusals and rules around the table", () => {
  for (const status of ["NEW", "IN_PROGRESS", "PENDING_CUSTOMER"] as const) {
    it(`assign in ${status}: only an agent of the incident's level; another level → CONFLICT`, async () => {
      const id = await driveTo(status);
      for (const other of [l2, l3]) {
        const err = refused(await cmd.assign(l1.gql, id, other.id), "CONFLICT");
        expect(err.message).toMatch(/level L1/);
      }
      expect((await state(s.admin, id)).assignee).toBeNull();
      expect(okData(await cmd.assign(l1.gql, id, l1b.id)).assignee).toEqual({ id: l1b.id });
    });
  }

  it("assign after an escalation: the new level's agents only (the escalation unassigns)", async () => {
    const id = await driveTo("IN_PROGRESS");
    okData(await cmd.assign(l1.gql, id, l1b.id));
    const up = okData(await cmd.escalate(l1.gql, id));
    expect(up).toMatchObject({ level: "L2", assignee: null });
    expect(refused(await cmd.assign(l2.gql, id, l1b.id), "CONFLICT").message).toMatch(/level L2/);
    expect(okData(await cmd.assign(l2.gql, id, l2.id)).assignee).toEqual({ id: l2.id });
  });

  it("escalate past L3 → CONFLICT (L1 → L2 → L3, then refused, level stays L3)", async () => {
    const id = await driveTo("IN_PROGRESS");
    expect(okData(await cmd.escalate(l1.gql, id)).level).toBe("L2");
    expect(okData(await cmd.escalate(l2.gql, id)).level).toBe("L3");
    const err = refused(await cmd.escalate(l3.gql, id), "CONFLICT");
    expect(err.message).toMatch(/L3/);
    expect((await state(s.admin, id)).level).toBe("L3");
  });

  it("changeSeverity to the severity it already has → CONFLICT", async () => {
    const id = await driveTo("NEW");
    refused(await cmd.severity(l1.gql, id, "CRITICAL"), "CONFLICT");
  });

  it("customer comment in PENDING_CUSTOMER resumes → IN_PROGRESS, and the paused cycles run again", async () => {
    const id = await driveTo("PENDING_CUSTOMER");
    const paused = await get(s.admin, id);
    expect(clock(paused, "CUSTOMER_UPDATE").state).toBe("PAUSED");
    expect(clock(paused, "ESCALATION", 1, "L1").state).toBe("PAUSED");
    expect(okData(await cmd.comment(cust.gql, id, "PUBLIC", "Here are the screenshots")).status).toBe("IN_PROGRESS");
    const resumed = await get(s.admin, id);
    expect(resumed.status).toBe("IN_PROGRESS");
    expect(clock(resumed, "CUSTOMER_UPDATE").state).toBe("RUNNING");
    expect(clock(resumed, "ESCALATION", 1, "L1").state).toBe("RUNNING");
    const types = (await timeline(s.admin, id)).slice(-2);
    expect(types.map((e) => [e.type, e.actorKind, e.actorName])).toEqual([
      ["COMMENTED", "CUSTOMER", cust.name],
      ["RESUMED", "CUSTOMER", cust.name],
    ]);
  });

  it("a public comment while PENDING_CUSTOMER is an update: the paused update cycle ends MET and the next one starts paused", async () => {
    const id = await driveTo("PENDING_CUSTOMER");
    const r = okData(await cmd.comment(l1.gql, id, "PUBLIC", "Still waiting for your screenshots"));
    expect(r.status).toBe("PENDING_CUSTOMER");
    const inc = await get(s.admin, id);
    expect(clock(inc, "CUSTOMER_UPDATE", 1).state).toBe("MET");
    expect(clock(inc, "CUSTOMER_UPDATE", 2).state).toBe("PAUSED");
  });

  it("customer comment in RESOLVED is recorded, no reopen", async () => {
    const id = await driveTo("RESOLVED");
    const before = await state(s.admin, id);
    const r = okData(await cmd.comment(cust.gql, id, "PUBLIC", "Thanks, it works again"));
    expect(r.status).toBe("RESOLVED");
    const after = await state(s.admin, id);
    expect(after).toEqual(before);
    const list = await comments(s.admin, id);
    expect(list.find((c) => c.body === "Thanks, it works again")).toMatchObject({ byCustomer: true, author: null, visibility: "PUBLIC" });
    const events = await timeline(s.admin, id);
    expect(events.map((e) => e.type)).not.toContain("REOPENED");
    expect(events[events.length - 1]).toMatchObject({ type: "COMMENTED", actorKind: "CUSTOMER" });
  });

  it("a customer comment never counts as the first response: status stays NEW, FIRST_RESPONSE still RUNNING", async () => {
    const id = await driveTo("NEW");
    await advance(60);
    const r = okData(await cmd.comment(cust.gql, id, "PUBLIC", "Hello? Anyone?", "WEB"));
    expect(r.status).toBe("NEW");
    expect(r.firstRespondedAt).toBeNull();
    const inc = await get(s.admin, id);
    expect(inc.status).toBe("NEW");
    expect(inc.firstRespondedAt).toBeNull();
    expect(clock(inc, "FIRST_RESPONSE")).toMatchObject({ state: "RUNNING", stoppedAt: null });
    expect(inc.clocks.filter((c: any) => c.kind === "CUSTOMER_UPDATE")).toEqual([]);
    const events = lifecycle(await timeline(s.admin, id));
    expect(events.map((e) => e.type)).toEqual(["OPENED", "COMMENTED"]);
  });

  it("resolve's summary is a public communication: first response MET at the resolution instant when there was none", async () => {
    const id = await driveTo("NEW");
    const opened = await get(s.admin, id);
    const resolvedAt = await advance(600);
    const r = okData(await cmd.resolve(l1.gql, id, "Restarted the posting service; please retry"));
    expect(r).toMatchObject({ status: "RESOLVED", firstRespondedAt: resolvedAt, resolvedAt });
    const inc = await get(s.admin, id);
    expect(clock(inc, "FIRST_RESPONSE")).toMatchObject({ state: "MET", stoppedAt: resolvedAt, marginSeconds: 1800 - 600 });
    expect(clock(inc, "ESCALATION", 1, "L1")).toMatchObject({ state: "MET", stoppedAt: resolvedAt });
    expect(clock(opened, "FIRST_RESPONSE").state).toBe("RUNNING");
    // the summary is sent to the customer: kept as a PUBLIC comment by the resolving agent
    const summary = (await comments(s.admin, id)).find((c) => c.body === "Restarted the posting service; please retry");
    expect(summary).toMatchObject({ visibility: "PUBLIC", byCustomer: false, author: { id: l1.id } });
    // and it is visible to the customer
    expect((await comments(cust.gql, id)).map((c) => c.body)).toContain("Restarted the posting service; please retry");
  });

  it("resolve after a first response: the summary ends the running update cycle (MET) and every open cycle stops", async () => {
    const id = await driveTo("IN_PROGRESS");
    const at = await advance(300);
    okData(await cmd.resolve(l1.gql, id));
    const inc = await get(s.admin, id);
    expect(inc.clocks.every((c: any) => c.stoppedAt !== null)).toBe(true);
    expect(clock(inc, "CUSTOMER_UPDATE", 1)).toMatchObject({ state: "MET", stoppedAt: at });
    expect(inc.nextDueAt).toBeNull();
  });

  it("reopen starts new update and escalation cycles at the reopen; the first response keeps its outcome (MET)", async () => {
    const opened = await advance(60);
    const id = await driveTo("NEW");
    const repliedAt = await advance(300);
    okData(await cmd.comment(l1.gql, id, "PUBLIC", "On it"));
    const resolvedAt = await advance(900);
    okData(await cmd.resolve(l1.gql, id));
    const reopenedAt = await advance(1200);
    const r = okData(await cmd.reopen(cust.gql, id, "still failing"));
    expect(r).toMatchObject({ status: "IN_PROGRESS", level: "L1", resolvedAt: null, firstRespondedAt: repliedAt });
    const inc = await get(s.admin, id);
    expect(inc.clocks.filter((c: any) => c.kind === "FIRST_RESPONSE")).toHaveLength(1);
    expect(clock(inc, "FIRST_RESPONSE")).toMatchObject({ state: "MET", startedAt: opened, stoppedAt: repliedAt, marginSeconds: 1500 });
    expect(clock(inc, "CUSTOMER_UPDATE", 1)).toMatchObject({ state: "MET", stoppedAt: resolvedAt });
    expect(clock(inc, "CUSTOMER_UPDATE", 2)).toMatchObject({
      state: "RUNNING",
      startedAt: reopenedAt,
      dueAt: new Date(Date.parse(reopenedAt) + 2 * 3600_000).toISOString(),
      elapsedSeconds: 0,
    });
    expect(clock(inc, "ESCALATION", 1, "L1")).toMatchObject({ state: "MET", stoppedAt: resolvedAt });
    expect(clock(inc, "ESCALATION", 2, "L1")).toMatchObject({
      state: "RUNNING",
      startedAt: reopenedAt,
      dueAt: new Date(Date.parse(reopenedAt) + 4 * 3600_000).toISOString(),
      elapsedSeconds: 0,
      pausedSeconds: 0,
    });
    expect(inc.nextDueAt).toBe(new Date(Date.parse(reopenedAt) + 2 * 3600_000).toISOString());
  });

  it("reopen keeps the level and a BREACHED first response stays BREACHED; the new escalation cycle is at that level", async () => {
    const id = await driveTo("NEW");
    const opened = (await get(s.admin, id)).clocks[0].startedAt;
    await advance(31 * 60); // CRITICAL first response: 30 minutes
    const late = await get(s.admin, id);
    const due = new Date(Date.parse(opened) + 30 * 60_000).toISOString();
    expect(clock(late, "FIRST_RESPONSE")).toMatchObject({ state: "BREACHED", breachedAt: due });
    okData(await cmd.escalate(l1.gql, id));
    const resolvedAt = await advance(60);
    okData(await cmd.resolve(l2.gql, id));
    const reopenedAt = await advance(60);
    const r = okData(await cmd.reopen(l2.gql, id));
    expect(r).toMatchObject({ status: "IN_PROGRESS", level: "L2" });
    const inc = await get(s.admin, id);
    expect(clock(inc, "FIRST_RESPONSE")).toMatchObject({ state: "BREACHED", breachedAt: due, stoppedAt: resolvedAt });
    expect(clock(inc, "ESCALATION", 1, "L2")).toMatchObject({ state: "MET", stoppedAt: resolvedAt });
    expect(clock(inc, "ESCALATION", 2, "L2")).toMatchObject({ state: "RUNNING", startedAt: reopenedAt });
    expect(inc.clocks.filter((c: any) => c.kind === "ESCALATION" && c.level === "L1")).toHaveLength(1);
  });
});

describe("timeline and comments", () => {
  let id: string;
  let adminName: string;

  beforeAll(async () => {
    adminName = (await s.admin.ok(`{ apiKeys { name role } }`)).apiKeys.find((k: any) => k.role === "ADMIN").name;
    id = okData(await openFor(l1.gql, cust.contactId)).incident.id; //                      OPENED
    okData(await cmd.comment(cust.gql, id, "PUBLIC", "c1: it is down for everyone", "WEB")); // COMMENTED (customer)
    okData(await cmd.comment(l1.gql, id, "INTERNAL", "n1: looks like the queue", null)); //   COMMENTED (internal)
    okData(await cmd.comment(l1.gql, id, "PUBLIC", "p1: we are on it", "PHONE")); //           RESPONDED
    okData(await cmd.assign(l1.gql, id, l1.id)); //                                             ASSIGNED
    okData(await cmd.severity(l1.gql, id, "HIGH", "only invoicing is affected")); //           SEVERITY_CHANGED
    okData(await cmd.wait(l1.gql, id)); //                                                      PAUSED
    okData(await cmd.comment(cust.gql, id, "PUBLIC", "c2: here is the log", "EMAIL")); //     COMMENTED + RESUMED (customer)
    okData(await cmd.wait(l1.gql, id)); //                                                      PAUSED
    okData(await cmd.resume(l1.gql, id)); //                                                    RESUMED
    okData(await cmd.escalate(l1.gql, id, "needs a database fix")); //                         ESCALATED
    okData(await cmd.assign(l2.gql, id, l2.id)); //                                             ASSIGNED
    okData(await cmd.comment(l2.gql, id, "PUBLIC", "p2: fix in progress", "EMAIL")); //        COMMENTED (an update)
    okData(await cmd.resolve(l2.gql, id, "r1: index rebuilt")); //                             RESOLVED
    okData(await cmd.reopen(cust.gql, id, "it failed again")); //                              REOPENED
    okData(await cmd.resolve(l2.gql, id, "r2: index rebuilt and monitored")); //               RESOLVED
    okData(await cmd.close(s.admin, id)); //                                                    CLOSED
  });

  it("timeline lists every event oldest first with its type and actor", async () => {
    const all = await timeline(s.admin, id);
    const events = lifecycle(all);
    const A = (a: StaffAgent) => ({ id: a.id, name: a.name, level: a.level });
    expect(events.map((e) => [e.type, e.actorKind, e.actorName, e.actor])).toEqual([
      ["OPENED", "AGENT", l1.name, A(l1)],
      ["COMMENTED", "CUSTOMER", cust.name, null],
      ["COMMENTED", "AGENT", l1.name, A(l1)],
      ["RESPONDED", "AGENT", l1.name, A(l1)],
      ["ASSIGNED", "AGENT", l1.name, A(l1)],
      ["SEVERITY_CHANGED", "AGENT", l1.name, A(l1)],
      ["PAUSED", "AGENT", l1.name, A(l1)],
      ["COMMENTED", "CUSTOMER", cust.name, null],
      ["RESUMED", "CUSTOMER", cust.name, null],
      ["PAUSED", "AGENT", l1.name, A(l1)],
      ["RESUMED", "AGENT", l1.name, A(l1)],
      ["ESCALATED", "AGENT", l1.name, A(l1)],
      ["ASSIGNED", "AGENT", l2.name, A(l2)],
      ["COMMENTED", "AGENT", l2.name, A(l2)],
      ["RESOLVED", "AGENT", l2.name, A(l2)],
      ["REOPENED", "CUSTOMER", cust.name, null],
      ["RESOLVED", "AGENT", l2.name, A(l2)],
      ["CLOSED", "ADMIN", adminName, null],
    ]);
    const seqs = all.map((e) => BigInt(e.sequence));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i] > seqs[i - 1]).toBe(true);
    for (let i = 1; i < all.length; i++) expect(Date.parse(all[i].at)).toBeGreaterThanOrEqual(Date.parse(all[i - 1].at));
    // details for staff: the reason, the levels, the severities
    const data = (type: string) => JSON.parse(events.find((e) => e.type === type)!.data);
    expect(data("SEVERITY_CHANGED")).toMatchObject({ severity: "HIGH", from: "CRITICAL", reason: "only invoicing is affected" });
    expect(data("ESCALATED")).toMatchObject({ toLevel: "L2", reason: "needs a database fix" });
    expect(data("ASSIGNED")).toMatchObject({ agentId: expect.any(String) });
    expect(data("REOPENED")).toMatchObject({ reason: "it failed again" });
  });

  it("timeline pages with first/after: the pages, oldest first, add up to the whole timeline", async () => {
    const whole = await timeline(s.admin, id);
    for (const size of [1, 4, 7]) {
      expect(await timeline(s.admin, id, size)).toEqual(whole);
    }
    const q = `query($id: ID!, $f: Int, $a: String) { incident(id: $id) { timeline(first: $f, after: $a) { edges { cursor node { sequence } } pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } } }`;
    const p1 = (await s.admin.ok(q, { id, f: 5 })).incident.timeline;
    expect(p1.edges.map((e: any) => e.node.sequence)).toEqual(whole.slice(0, 5).map((e) => e.sequence));
    expect(p1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, startCursor: p1.edges[0].cursor, endCursor: p1.edges[4].cursor });
    const p2 = (await s.admin.ok(q, { id, f: 5, a: p1.pageInfo.endCursor })).incident.timeline;
    expect(p2.edges.map((e: any) => e.node.sequence)).toEqual(whole.slice(5, 10).map((e) => e.sequence));
    expect(p2.pageInfo.hasPreviousPage).toBe(true);
    const last = (await s.admin.ok(q, { id, f: 100, a: p2.edges[4].cursor })).incident.timeline;
    expect(last.edges).toHaveLength(whole.length - 10);
    expect(last.pageInfo.hasNextPage).toBe(false);
    const bad = await s.admin.request(q, { id, f: 5, a: "not-a-cursor!" });
    expect(bad.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("timeline is oldest first by sequence value, across a change in the number of digits (9999 → 10000)", async () => {
    await s.app.services.db.query("SELECT setval('incident_event_seq', GREATEST((SELECT last_value FROM incident_event_seq), 9997))");
    const x = okData(await openFor(l1.gql, cust.contactId)).incident.id;
    for (let i = 0; i < 4; i++) okData(await cmd.comment(l1.gql, x, "INTERNAL", `note ${i}`, null));
    const events = await timeline(s.admin, x);
    expect(lifecycle(events).map((e) => e.type)).toEqual(["OPENED", "COMMENTED", "COMMENTED", "COMMENTED", "COMMENTED"]);
    const seqs = events.map((e) => BigInt(e.sequence));
    expect(seqs.some((q) => q < 10_000n) && seqs.some((q) => q >= 10_000n)).toBe(true);
    expect([...seqs].sort((p, q) => (p < q ? -1 : 1))).toEqual(seqs);
    expect(await timeline(s.admin, x, 2)).toEqual(events);
  });

  it("comments: every comment with byCustomer and author (null for the customer), the resolution summaries as PUBLIC", async () => {
    const list = await comments(s.admin, id);
    const byBody = Object.fromEntries(list.map((c) => [c.body, c]));
    const A = (a: StaffAgent) => ({ id: a.id, name: a.name, level: a.level });
    expect(list).toHaveLength(7);
    expect(byBody["c1: it is down for everyone"]).toMatchObject({ visibility: "PUBLIC", channel: "WEB", byCustomer: true, author: null });
    expect(byBody["n1: looks like the queue"]).toMatchObject({ visibility: "INTERNAL", byCustomer: false, author: A(l1) });
    expect(byBody["p1: we are on it"]).toMatchObject({ visibility: "PUBLIC", channel: "PHONE", byCustomer: false, author: A(l1) });
    expect(byBody["c2: here is the log"]).toMatchObject({ visibility: "PUBLIC", channel: "EMAIL", byCustomer: true, author: null });
    expect(byBody["p2: fix in progress"]).toMatchObject({ visibility: "PUBLIC", byCustomer: false, author: A(l2) });
    expect(byBody["r1: index rebuilt"]).toMatchObject({ visibility: "PUBLIC", byCustomer: false, author: A(l2) });
    expect(byBody["r2: index rebuilt and monitored"]).toMatchObject({ visibility: "PUBLIC", byCustomer: false, author: A(l2) });
    for (const c of list) expect(new Date(c.createdAt).toISOString()).toBe(c.createdAt);
  });
});
