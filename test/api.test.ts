import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Gql, seed, startServer, type TestServer } from "./helpers/harness.js";

const INCIDENT_FIELDS = "id number title description severity channel status level openedAt product { code name } requester { id name email organization }";

let s: TestServer;
let ops: Awaited<ReturnType<typeof seed>>;

beforeAll(async () => {
  s = await startServer();
  ops = await seed(s.admin);
});
afterAll(async () => s?.close());

async function keyFor(role: string, extra: Record<string, unknown> = {}): Promise<Gql> {
  const d = await s.admin.ok(`mutation($i: ApiKeyInput!) { createApiKey(input: $i) { secret apiKey { id role } } }`, {
    i: { name: `${role} key`, role, ...extra },
  });
  return s.admin.as(d.createApiKey.secret);
}

describe("open → list → get", () => {
  it("opens an incident with a numbered, NEW, L1 projection and lists and reads it back", async () => {
    const opened = await s.admin.ok(
      `mutation($i: OpenIncidentInput!) { openIncident(input: $i) { incident { ${INCIDENT_FIELDS} } suggestedArticles { score } } }`,
      {
        i: {
          title: "  Invoices export fails  ",
          description: "The CSV export stops at 50 %.",
          productCode: ops.product,
          channel: "WEB",
          severity: "NORMAL",
          requester: { name: "Luis", email: "Luis.Gomez@Example.com", organization: "Gómez SL" },
        },
      },
    );
    const inc = opened.openIncident.incident;
    expect(inc.number).toMatch(/^INC-\d{6}$/);
    expect(inc).toMatchObject({ title: "Invoices export fails", status: "NEW", level: "L1", severity: "NORMAL", channel: "WEB" });
    expect(inc.product).toEqual({ code: "ERP", name: "Test product" });
    expect(opened.openIncident.suggestedArticles).toEqual([]);
    expect(new Date(inc.openedAt).toISOString()).toBe(inc.openedAt);

    const byId = await s.admin.ok(`query($id: ID!) { incident(id: $id) { number requester { email } } }`, { id: inc.id });
    expect(byId.incident).toEqual({ number: inc.number, requester: { email: "Luis.Gomez@Example.com" } });
    const byNumber = await s.admin.ok(`query($n: String!) { incident(number: $n) { id } }`, { n: inc.number });
    expect(byNumber.incident.id).toBe(inc.id);
    const node = await s.admin.ok(`query($id: ID!) { node(id: $id) { id ... on Incident { number } } }`, { id: inc.id });
    expect(node.node).toEqual({ id: inc.id, number: inc.number });

    const list = await s.admin.ok(`{ incidents(first: 10) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`);
    expect(list.incidents.edges.map((e: any) => e.node.id)).toContain(inc.id);
  });

  it("matches a requester to an existing contact by e-mail, case-insensitively", async () => {
    const a = await ops.open({ requester: { name: "Marta", email: "marta@example.com" } });
    const b = await ops.open({ requester: { name: "Marta R.", email: "MARTA@example.COM" } });
    const q = `query($id: ID!) { incident(id: $id) { requester { id name } } }`;
    const ra = (await s.admin.ok(q, { id: a.openIncident.incident.id })).incident.requester;
    const rb = (await s.admin.ok(q, { id: b.openIncident.incident.id })).incident.requester;
    expect(rb.id).toBe(ra.id);
    expect(rb.name).toBe("Marta");
  });

  it("pages newest first with keyset cursors and a stable totalCount", async () => {
    for (let i = 0; i < 5; i++) await ops.open({ title: `paging ${i}` });
    const all = await s.admin.ok(`{ incidents(first: 200) { totalCount edges { node { id openedAt } } } }`);
    const ids = all.incidents.edges.map((e: any) => e.node.id);
    const times = all.incidents.edges.map((e: any) => e.node.openedAt);
    expect([...times].sort().reverse()).toEqual(times);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = await s.admin.ok(`query($a: String) { incidents(first: 2, after: $a) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`, { a: after });
      expect(page.incidents.totalCount).toBe(all.incidents.totalCount);
      seen.push(...page.incidents.edges.map((e: any) => e.node.id));
      if (!page.incidents.pageInfo.hasNextPage) break;
      after = page.incidents.pageInfo.endCursor;
    }
    expect(seen).toEqual(ids);
  });

  it("filters by status, severity, level, product, open and search", async () => {
    const crit = await ops.open({ severity: "CRITICAL", title: "Database corrupted after upgrade" });
    const q = `query($f: IncidentFilter) { incidents(filter: $f, first: 200) { totalCount edges { node { id severity } } } }`;
    const bySeverity = await s.admin.ok(q, { f: { severity: ["CRITICAL"] } });
    expect(bySeverity.incidents.edges.every((e: any) => e.node.severity === "CRITICAL")).toBe(true);
    expect(bySeverity.incidents.edges.map((e: any) => e.node.id)).toContain(crit.openIncident.incident.id);
    const bySearch = await s.admin.ok(q, { f: { search: "corrupted database" } });
    expect(bySearch.incidents.edges.map((e: any) => e.node.id)).toEqual([crit.openIncident.incident.id]);
    const byNumber = await s.admin.ok(q, { f: { search: crit.openIncident.incident.number } });
    expect(byNumber.incidents.edges.map((e: any) => e.node.id)).toEqual([crit.openIncident.incident.id]);
    expect((await s.admin.ok(q, { f: { status: ["CLOSED"] } })).incidents.totalCount).toBe(0);
    expect((await s.admin.ok(q, { f: { level: ["L2"] } })).incidents.totalCount).toBe(0);
    expect((await s.admin.ok(q, { f: { open: false } })).incidents.totalCount).toBe(0);
    const open = await s.admin.ok(q, { f: { open: true, productCode: "ERP" } });
    expect(open.incidents.totalCount).toBe((await s.admin.ok(q, {})).incidents.totalCount);
    expect((await s.admin.ok(q, { f: { productCode: "NOPE" } })).incidents.totalCount).toBe(0);
  });
});

describe("access (ACCESS.md)", () => {
  it("answers UNAUTHENTICATED with HTTP 401 without a key, with an unknown key and with a revoked key", async () => {
    const none = await s.admin.as(null).request(`{ now }`);
    expect(none.status).toBe(401);
    expect(none.errors![0].extensions!.code).toBe("UNAUTHENTICATED");
    const unknown = await s.admin.as("atk_not-a-real-key-000000000000").request(`{ now }`);
    expect(unknown.errors![0].extensions!.code).toBe("UNAUTHENTICATED");

    const d = await s.admin.ok(`mutation { createApiKey(input: { name: "temp", role: INTEGRATOR }) { secret apiKey { id } } }`);
    const temp = s.admin.as(d.createApiKey.secret);
    expect((await temp.ok(`{ now }`)).now).toBeTruthy();
    const revoked = await s.admin.ok(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: d.createApiKey.apiKey.id });
    expect(revoked.revokeApiKey.revokedAt).toBeTruthy();
    const after = await temp.request(`{ now }`);
    expect(after.status).toBe(401);
    expect(after.errors![0].extensions!.code).toBe("UNAUTHENTICATED");
  });

  it("keeps only hashes of secrets and shows a secret once", async () => {
    const list = await s.admin.ok(`{ apiKeys { id name role revokedAt } }`);
    expect(JSON.stringify(list)).not.toMatch(/atk_/);
    const rows = await s.app.services.db.query<{ secret_hash: string }>("SELECT secret_hash FROM api_key");
    for (const r of rows) expect(r.secret_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("answers FORBIDDEN to a known key whose role may not do something", async () => {
    const display = await keyFor("DISPLAY");
    const r = await display.request(`mutation { openIncident(input: { title: "t", description: "d", productCode: "ERP", channel: WEB, severity: HIGH, requester: { name: "x" } }) { incident { id } } }`);
    expect(r.errors![0].extensions!.code).toBe("FORBIDDEN");
    const integrator = await keyFor("INTEGRATOR");
    expect((await integrator.request(`mutation { createProduct(code: "X1", name: "x") { id } }`)).errors![0].extensions!.code).toBe("FORBIDDEN");
    expect((await integrator.request(`{ apiKeys { id } }`)).errors![0].extensions!.code).toBe("FORBIDDEN");
    expect((await display.request(`{ contacts { id } }`)).errors![0].extensions!.code).toBe("FORBIDDEN");
    // an integrator may create contacts and open incidents
    expect((await integrator.ok(`mutation { createContact(input: { name: "Via integrator", email: "integrator.contact@example.com" }) { id } }`)).createContact.id).toBeTruthy();
  });

  it("shows a DISPLAY key the requester's name and organization only", async () => {
    const display = await keyFor("DISPLAY");
    const inc = await ops.open({ requester: { name: "Private Person", email: "private@example.com", phone: "+34 600 000 000", organization: "Org" } });
    const d = await display.ok(`query($id: ID!) { incident(id: $id) { requester { name email phone organization } } }`, { id: inc.openIncident.incident.id });
    expect(d.incident.requester).toEqual({ name: "Private Person", email: null, phone: null, organization: "Org" });
  });

  it("lets a CUSTOMER key see and open only its own incidents; another's does not exist", async () => {
    const c = await s.admin.ok(`mutation { createContact(input: { name: "Cliente", email: "cliente@example.com" }) { id } }`);
    const customer = await keyFor("CUSTOMER", { contactId: c.createContact.id });
    const other = await ops.open();
    const mine = await customer.ok(
      `mutation { openIncident(input: { title: "My own", description: "d", productCode: "ERP", channel: WEB, severity: CRITICAL, requester: { name: "Someone else", email: "else@example.com" } }) { incident { id requester { id } } } }`,
    );
    expect(mine.openIncident.incident.requester.id).toBe(c.createContact.id);
    const list = await customer.ok(`{ incidents(first: 200) { totalCount edges { node { id } } } }`);
    expect(list.incidents.totalCount).toBe(1);
    expect(list.incidents.edges[0].node.id).toBe(mine.openIncident.incident.id);
    const otherId = other.openIncident.incident.id;
    expect((await customer.ok(`query($id: ID!) { incident(id: $id) { id } }`, { id: otherId })).incident).toBeNull();
    expect((await customer.ok(`query($id: ID!) { node(id: $id) { id } }`, { id: otherId })).node).toBeNull();
    expect((await customer.ok(`query($n: String!) { incident(number: $n) { id } }`, { n: other.openIncident.incident.number })).incident).toBeNull();
    expect((await customer.ok(`{ products { code } }`)).products.length).toBeGreaterThan(0);
    expect((await customer.request(`{ agents { id } }`)).errors![0].extensions!.code).toBe("FORBIDDEN");
  });
});

describe("validation: a clear BAD_USER_INPUT, never a 500, nothing written", () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ["empty title", { title: "   " }, /title must not be empty/],
    ["oversized title", { title: "x".repeat(201) }, /title is too long .*at most 200/],
    ["empty description", { description: "" }, /description must not be empty/],
    ["oversized description", { description: "x".repeat(20_001) }, /description is too long .*at most 20000/],
    ["unknown product code", { productCode: "NOPE" }, /unknown product code "NOPE"/],
    ["malformed e-mail", { requester: { name: "A", email: "not-an-email" } }, /not a valid e-mail/],
    ["openedAt in the future", { openedAt: new Date(Date.now() + 3_600_000).toISOString() }, /openedAt .* is in the future/],
    ["openedAt without a zone", { openedAt: "2025-01-01T10:00:00" }, /ISO-8601 instant with a zone/],
    ["no requester", { requester: null }, /requester or requesterId is required/],
    ["malformed requesterId", { requester: null, requesterId: "nope" }, /requesterId is not a valid Contact id/],
  ];
  for (const [name, patch, message] of cases) {
    it(`refuses ${name}`, async () => {
      const before = await s.app.services.db.query<{ n: string }>("SELECT (SELECT count(*) FROM incident) + (SELECT count(*) FROM incident_event) + (SELECT count(*) FROM outbox) AS n");
      const r = await s.admin.request(`mutation($i: OpenIncidentInput!) { openIncident(input: $i) { incident { id } } }`, {
        i: { title: "t", description: "d", productCode: "ERP", channel: "PHONE", severity: "HIGH", requester: { name: "A", email: "a@example.com" }, ...patch },
      });
      expect(r.status).toBeLessThan(500);
      expect(r.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
      expect(r.errors![0].message).toMatch(message);
      const after = await s.app.services.db.query<{ n: string }>("SELECT (SELECT count(*) FROM incident) + (SELECT count(*) FROM incident_event) + (SELECT count(*) FROM outbox) AS n");
      expect(after[0].n).toBe(before[0].n);
    });
  }

  it("refuses a bad cursor, a bad id and an unknown enum value", async () => {
    const r1 = await s.admin.request(`{ incidents(after: "bm90IGEgY3Vyc29y") { totalCount } }`);
    expect(r1.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
    const r2 = await s.admin.request(`{ incident(id: "garbage") { id } }`);
    expect(r2.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
    const r3 = await s.admin.request(`{ incidents(filter: { severity: [URGENT] }) { totalCount } }`);
    expect(r3.errors![0].extensions!.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const r4 = await s.admin.request(`{ incidents(first: 1000) { totalCount } }`);
    expect(r4.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
  });

  it("answers a requesterId that does not exist with NOT_FOUND and writes nothing", async () => {
    const ghost = Buffer.from("Contact:00000000-0000-4000-8000-000000000000").toString("base64url");
    const r = await s.admin.request(`mutation($i: OpenIncidentInput!) { openIncident(input: $i) { incident { id } } }`, {
      i: { title: "t", description: "d", productCode: "ERP", channel: "PHONE", severity: "HIGH", requesterId: ghost },
    });
    expect(r.errors![0].extensions!.code).toBe("NOT_FOUND");
  });

  it("refuses a product code twice with CONFLICT and a malformed one with BAD_USER_INPUT", async () => {
    expect((await s.admin.request(`mutation { createProduct(code: "ERP", name: "again") { id } }`)).errors![0].extensions!.code).toBe("CONFLICT");
    expect((await s.admin.request(`mutation { createProduct(code: "has space", name: "x") { id } }`)).errors![0].extensions!.code).toBe("BAD_USER_INPUT");
  });

  it("answers malformed JSON and oversized bodies with 4xx, not 500", async () => {
    const bad = await fetch(`${s.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${s.admin.key}` }, body: "{nope" });
    expect(bad.status).toBe(400);
    const big = await fetch(`${s.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${s.admin.key}` },
      body: JSON.stringify({ query: "{ now }", variables: { x: "y".repeat(1_100_000) } }),
    });
    expect(big.status).toBe(413);
  });
});

describe("health", () => {
  it("answers /healthz and /readyz", async () => {
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    const ready = await (await fetch(`${s.url}/readyz`)).json();
    expect(ready).toMatchObject({ status: "ready", database: "up" });
  });
});
