/**
 * ACCESS.md for the incident mutations and views, through the API: which role may give
 * which command, how a CUSTOMER key sees (only) its own incidents, what a DISPLAY key sees,
 * and what the incidentEvents subscription pushes to a CUSTOMER key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, settle, startServer, wsClient, type Gql, type GqlResult, type TestServer } from "./helpers/harness.js";
import { agent, cmd, comments, customer, lifecycle, okData, openFor, refused, roleKey, timeline, type CustomerKey, type StaffAgent } from "./helpers/desk.js";

type Role = "ADMIN" | "LEAD" | "AGENT" | "INTEGRATOR" | "DISPLAY" | "CUSTOMER";
type Status = "NEW" | "IN_PROGRESS" | "PENDING_CUSTOMER" | "RESOLVED";

let s: TestServer;
let l1: StaffAgent;
let lead: StaffAgent;
let integrator: Gql;
let display: Gql;
let mine: CustomerKey; // the requester of every incident below unless said otherwise
let other: CustomerKey;
const keys = {} as Record<Role, Gql>;

beforeAll(async () => {
  s = await startServer();
  await s.admin.ok(`mutation { createProduct(code: "ERP", name: "ERP") { id } }`);
  l1 = await agent(s.admin, "L1", "Ana Agent");
  lead = await agent(s.admin, "L2", "Leo Lead", "LEAD");
  integrator = await roleKey(s.admin, "INTEGRATOR", "Phone system");
  display = await roleKey(s.admin, "DISPLAY", "Wallboard");
  mine = await customer(s.admin, "Marta Mine", "Hotel Mar");
  other = await customer(s.admin, "Otto Other", "Bodega Otto");
  Object.assign(keys, { ADMIN: s.admin, LEAD: lead.gql, AGENT: l1.gql, INTEGRATOR: integrator, DISPLAY: display, CUSTOMER: mine.gql });
});
afterAll(async () => s?.close());

/** A fresh incident of `requester`, driven to `status` by the desk's agent. */
async function incidentIn(status: Status, requester: CustomerKey = mine): Promise<string> {
  const id = okData(await openFor(l1.gql, requester.contactId)).incident.id as string;
  if (status === "NEW") return id;
  okData(await cmd.comment(l1.gql, id, "PUBLIC", "Looking into it"));
  if (status === "PENDING_CUSTOMER") okData(await cmd.wait(l1.gql, id));
  if (status === "RESOLVED") okData(await cmd.resolve(l1.gql, id));
  return id;
}

/** Each incident mutation: the status it needs to succeed and the call. */
const MUTATIONS: Record<string, { needs: Status; run: (g: Gql, id: string) => Promise<GqlResult> }> = {
  "addComment PUBLIC": { needs: "NEW", run: (g, id) => cmd.comment(g, id, "PUBLIC", "a public word") },
  "addComment INTERNAL": { needs: "NEW", run: (g, id) => cmd.comment(g, id, "INTERNAL", "an internal note") },
  assignIncident: { needs: "NEW", run: (g, id) => cmd.assign(g, id, l1.id) },
  escalateIncident: { needs: "NEW", run: (g, id) => cmd.escalate(g, id) },
  waitForCustomer: { needs: "IN_PROGRESS", run: (g, id) => cmd.wait(g, id) },
  resumeIncident: { needs: "PENDING_CUSTOMER", run: (g, id) => cmd.resume(g, id) },
  changeSeverity: { needs: "NEW", run: (g, id) => cmd.severity(g, id, "NORMAL") },
  resolveIncident: { needs: "IN_PROGRESS", run: (g, id) => cmd.resolve(g, id) },
  closeIncident: { needs: "RESOLVED", run: (g, id) => cmd.close(g, id) },
  reopenIncident: { needs: "RESOLVED", run: (g, id) => cmd.reopen(g, id) },
};

/** ACCESS.md's table for the incident mutations (CUSTOMER: on its own incidents). */
const MAY: Record<Role, string[]> = {
  ADMIN: ["openIncident", ...Object.keys(MUTATIONS)],
  LEAD: ["openIncident", ...Object.keys(MUTATIONS)],
  AGENT: ["openIncident", ...Object.keys(MUTATIONS)],
  INTEGRATOR: ["openIncident", "addComment PUBLIC", "addComment INTERNAL"],
  DISPLAY: [],
  CUSTOMER: ["openIncident", "addComment PUBLIC", "reopenIncident"],
};

describe("ACCESS.md: who may give which incident command", () => {
  for (const role of Object.keys(MAY) as Role[]) {
    const may = MAY[role].includes("openIncident");
    it(`${role} ${may ? "may" : "may not (FORBIDDEN)"} openIncident`, async () => {
      const r = await openFor(keys[role], role === "CUSTOMER" ? null : mine.contactId);
      if (!may) {
        refused(r, "FORBIDDEN");
        return;
      }
      const inc = okData(r).incident;
      expect(inc.status).toBe("NEW");
      const requester = (await s.admin.ok(`query($id: ID!) { incident(id: $id) { requester { id } } }`, { id: inc.id })).incident.requester.id;
      expect(requester).toBe(mine.contactId);
    });
  }

  it("a CUSTOMER key opens as its contact, whatever requester the input names", async () => {
    const r = okData(await openFor(mine.gql, null, { requester: { name: "Somebody Else", email: "else@example.com" } }));
    const requester = (await s.admin.ok(`query($id: ID!) { incident(id: $id) { requester { id } } }`, { id: r.incident.id })).incident.requester.id;
    expect(requester).toBe(mine.contactId);
  });

  for (const [name, m] of Object.entries(MUTATIONS)) {
    for (const role of Object.keys(MAY) as Role[]) {
      const may = MAY[role].includes(name);
      const label = role === "CUSTOMER" ? `CUSTOMER on its own incident` : role;
      it(`${label} ${may ? "may" : "may not (FORBIDDEN)"} ${name}`, async () => {
        const id = await incidentIn(m.needs);
        const before = await timeline(s.admin, id);
        const r = await m.run(keys[role], id);
        if (may) {
          expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
          expect((await timeline(s.admin, id)).length).toBeGreaterThan(before.length);
        } else {
          refused(r, "FORBIDDEN");
          expect(await timeline(s.admin, id)).toEqual(before);
        }
      });
    }
  }

  for (const [name, m] of Object.entries(MUTATIONS)) {
    it(`CUSTOMER ${name} on another customer's incident → NOT_FOUND, never FORBIDDEN; nothing written`, async () => {
      const id = await incidentIn(m.needs, other);
      const before = await timeline(s.admin, id);
      const err = refused(await m.run(mine.gql, id), "NOT_FOUND");
      expect(err.message).not.toMatch(/CUSTOMER|may not/i);
      expect(await timeline(s.admin, id)).toEqual(before);
    });
  }

  it("an unknown incident id is NOT_FOUND for a CUSTOMER key too (indistinguishable from another's)", async () => {
    const ghost = Buffer.from("Incident:00000000-0000-4000-8000-000000000000").toString("base64url");
    for (const m of Object.values(MUTATIONS)) refused(await m.run(mine.gql, ghost), "NOT_FOUND");
  });
});

describe("the CUSTOMER view", () => {
  let id: string;
  let otherId: string;

  beforeAll(async () => {
    id = okData(await openFor(l1.gql, mine.contactId)).incident.id;
    okData(await cmd.comment(mine.gql, id, "PUBLIC", "c1: nothing works", "WEB"));
    okData(await cmd.comment(l1.gql, id, "INTERNAL", "n1: the customer's server is down", null));
    okData(await cmd.comment(l1.gql, id, "PUBLIC", "p1: we are on it", "PHONE"));
    okData(await cmd.assign(l1.gql, id, l1.id));
    okData(await cmd.severity(l1.gql, id, "HIGH", "only one site affected"));
    okData(await cmd.wait(l1.gql, id));
    okData(await cmd.comment(mine.gql, id, "PUBLIC", "c2: logs attached", "EMAIL"));
    okData(await cmd.escalate(l1.gql, id, "needs L2"));
    okData(await cmd.comment(lead.gql, id, "INTERNAL", "n2: known bug", null));
    okData(await cmd.comment(lead.gql, id, "PUBLIC", "p2: a fix is coming", "EMAIL"));
    okData(await cmd.resolve(lead.gql, id, "r1: patched"));
    okData(await cmd.reopen(mine.gql, id, "still broken"));
    okData(await cmd.resolve(lead.gql, id, "r2: patched again"));
    okData(await cmd.close(lead.gql, id));
    otherId = await incidentIn("IN_PROGRESS", other);
  });

  it("comments: PUBLIC comments only (the customer's, the desk's and the resolution summaries)", async () => {
    const list = await comments(mine.gql, id);
    expect(list.map((c) => c.body).sort()).toEqual(["c1: nothing works", "c2: logs attached", "p1: we are on it", "p2: a fix is coming", "r1: patched", "r2: patched again"]);
    expect(list.every((c) => c.visibility === "PUBLIC")).toBe(true);
    expect(list.filter((c) => c.byCustomer).map((c) => c.body).sort()).toEqual(["c1: nothing works", "c2: logs attached"]);
    expect((await comments(s.admin, id)).length).toBe(8);
  });

  it("timeline: only public comments and status changes, with data null", async () => {
    const seen = await timeline(mine.gql, id);
    const all = await timeline(s.admin, id);
    const STATUS_CHANGES = ["OPENED", "RESPONDED", "PAUSED", "RESUMED", "RESOLVED", "CLOSED", "REOPENED"];
    const expected = all.filter((e) => STATUS_CHANGES.includes(e.type) || (e.type === "COMMENTED" && JSON.parse(e.data).visibility === "PUBLIC"));
    expect(seen.map((e) => e.sequence)).toEqual(expected.map((e) => e.sequence));
    expect(seen.map((e) => e.type)).toEqual([
      "OPENED",
      "COMMENTED", // c1
      "RESPONDED", // p1
      "PAUSED",
      "COMMENTED", // c2
      "RESUMED", // by c2
      "COMMENTED", // p2
      "RESOLVED",
      "REOPENED",
      "RESOLVED",
      "CLOSED",
    ]);
    expect(seen.every((e) => e.data === null)).toBe(true);
    for (const hidden of ["ASSIGNED", "SEVERITY_CHANGED", "ESCALATED"]) expect(seen.map((e) => e.type)).not.toContain(hidden);
    // paging the customer's view gives the same events
    expect(await timeline(mine.gql, id, 2)).toEqual(seen);
  });

  it("another customer's incident does not exist: incident null, not in the list, node null", async () => {
    expect((await mine.gql.ok(`query($id: ID!) { incident(id: $id) { id } }`, { id: otherId })).incident).toBeNull();
    expect((await mine.gql.ok(`query($id: ID!) { node(id: $id) { id } }`, { id: otherId })).node).toBeNull();
    const list = await mine.gql.ok(`{ incidents(first: 200) { edges { node { id requester { id } } } } }`);
    expect(list.incidents.edges.map((e: any) => e.node.id)).not.toContain(otherId);
    expect(list.incidents.edges.every((e: any) => e.node.requester.id === mine.contactId)).toBe(true);
  });
});

describe("the DISPLAY view", () => {
  it("comments empty; requester name and organization only; timeline without data", async () => {
    const id = okData(await openFor(l1.gql, mine.contactId)).incident.id;
    okData(await cmd.comment(l1.gql, id, "PUBLIC", "p: on it"));
    okData(await cmd.comment(l1.gql, id, "INTERNAL", "n: hmm"));
    const d = await display.ok(`query($id: ID!) { incident(id: $id) { status requester { name email phone organization } comments { id } } }`, { id });
    expect(d.incident).toEqual({ status: "IN_PROGRESS", requester: { name: mine.name, email: null, phone: null, organization: "Hotel Mar" }, comments: [] });
    const events = await timeline(display, id);
    expect(lifecycle(events).map((e) => e.type)).toEqual(["OPENED", "RESPONDED", "COMMENTED"]);
    expect(events.every((e) => e.data === null)).toBe(true);
    const staff = await s.admin.ok(`query($id: ID!) { incident(id: $id) { requester { email phone } } }`, { id });
    expect(staff.incident.requester.email).toMatch(/@client\.example\.com$/);
  });
});

describe("incidentEvents for a CUSTOMER key", () => {
  it("delivers only its own incidents' public events, without data", async () => {
    const customerWs = wsClient(s.url, (mine.gql as any).key);
    const adminWs = wsClient(s.url, (s.admin as any).key);
    const q = `subscription { incidentEvents { sequence type data actorKind incident { id } } }`;
    const seen = collect(customerWs, q);
    const everything = collect(adminWs, q);
    try {
      await settle(500);
      const ownId = okData(await openFor(l1.gql, mine.contactId)).incident.id; //  OPENED ✓
      const otherInc = okData(await openFor(l1.gql, other.contactId)).incident.id; // (another's)
      okData(await cmd.comment(l1.gql, ownId, "INTERNAL", "internal")); //             ✗
      okData(await cmd.assign(l1.gql, ownId, l1.id)); //                               ✗
      okData(await cmd.comment(l1.gql, otherInc, "PUBLIC", "to the other customer")); // (another's)
      okData(await cmd.comment(l1.gql, ownId, "PUBLIC", "to you")); //                 RESPONDED ✓
      okData(await cmd.severity(l1.gql, ownId, "HIGH")); //                            ✗
      okData(await cmd.wait(l1.gql, otherInc)); //                                     (another's)
      okData(await cmd.comment(mine.gql, ownId, "PUBLIC", "thanks")); //               COMMENTED ✓ (last)
      // events of this customer's incidents from earlier tests may still be on their way: look at this test's two
      const ours = () => seen.items.filter((i: any) => [ownId, otherInc].includes(i.incidentEvents.incident.id));
      for (let t = 0; t < 100 && ours().length < 3; t++) await settle(100);
      const items = ours();
      expect(items.length).toBeGreaterThanOrEqual(3);
      // whatever else arrived belongs to this customer (an earlier incident of theirs), never to another
      for (const i of seen.items) expect((await mine.gql.ok(`query($id: ID!) { incident(id: $id) { id } }`, { id: i.incidentEvents.incident.id })).incident).not.toBeNull();
      // the staff stream carries the same last event (one global order): everything before it has arrived
      const lastSeq = items[2].incidentEvents.sequence;
      for (let t = 0; t < 100 && !everything.items.some((i: any) => i.incidentEvents.sequence === lastSeq); t++) await settle(100);
      await settle(500);
      const events = ours().map((i: any) => i.incidentEvents);
      expect(events.map((e: any) => [e.type, e.incident.id])).toEqual([
        ["OPENED", ownId],
        ["RESPONDED", ownId],
        ["COMMENTED", ownId],
      ]);
      expect(events.every((e: any) => e.data === null)).toBe(true);
      // the staff stream did carry the other events
      const all = everything.items.map((i: any) => i.incidentEvents);
      expect(lifecycle(all.filter((e: any) => e.incident.id === otherInc)).map((e: any) => e.type)).toEqual(["OPENED", "RESPONDED", "PAUSED"]);
      expect(lifecycle(all.filter((e: any) => e.incident.id === ownId)).map((e: any) => e.type)).toEqual(["OPENED", "COMMENTED", "ASSIGNED", "RESPONDED", "SEVERITY_CHANGED", "COMMENTED"]);
    } finally {
      seen.dispose();
      everything.dispose();
      await customerWs.dispose();
      await adminWs.dispose();
    }
  });
});
