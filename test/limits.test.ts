/** Limits: depth, aliases, cost (with variables), tokens; over HTTP and WebSocket; introspection exempt. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getIntrospectionQuery } from "graphql";
import { collect, startServer, wsClient, type TestServer } from "./helpers/harness.js";

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => s?.close());

/** incidentEvents → incident → timeline → edges → node → incident → …: `hops` times round. */
function nested(hops: number): string {
  let q = "id";
  for (let i = 0; i < hops; i++) q = `incident { timeline(first: 1) { edges { node { ${q} } } } }`;
  return `subscription { incidentEvents { ${q} } }`;
}

describe("query limits", () => {
  it("refuses a query deeper than 12 with GRAPHQL_VALIDATION_FAILED (HTTP 400)", async () => {
    let deep = "id";
    for (let i = 0; i < 13; i++) deep = `requester { id } product { code } clocks { kind } timeline(first: 1) { edges { node { incident { ${deep} } } } }`;
    const r = await s.admin.request(`{ incidents(first: 1) { edges { node { ${deep} } } } }`);
    expect(r.status).toBe(400);
    expect(r.errors![0].extensions!.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(r.errors![0].message).toMatch(/depth \d+ exceeds the limit of 12/);
  });

  it("refuses an alias bomb", async () => {
    const aliases = Array.from({ length: 60 }, (_, i) => `a${i}: now`).join(" ");
    const r = await s.admin.request(`{ ${aliases} }`);
    expect(r.errors![0].message).toMatch(/aliases exceed the limit/);
  });

  it("refuses a query whose lists multiply past the cost limit, page sizes given as variables too", async () => {
    const q = `query($a: Int, $b: Int) { incidents(first: $a) { edges { node { timeline(first: $b) { edges { node { id actor { id } incident { id } } } } } } } }`;
    const r = await s.admin.request(q, { a: 200, b: 500 });
    expect(r.status).toBe(400);
    expect(r.errors![0].message).toMatch(/cost exceeds the limit/);
    const ok = await s.admin.request(q, { a: 10, b: 10 });
    expect(ok.errors).toBeUndefined();
  });

  it("refuses a document with too many tokens before validating it", async () => {
    const r = await s.admin.request(`{ ${Array.from({ length: 25_000 }, () => "__typename").join(" ")} }`);
    expect(r.status).toBe(400);
    expect(r.errors![0].extensions!.code).toBe("GRAPHQL_PARSE_FAILED");
  });

  it("answers the full introspection query", async () => {
    const r = await s.admin.request(getIntrospectionQuery());
    expect(r.errors).toBeUndefined();
    expect(r.data.__schema.queryType.name).toBe("Query");
  });

  it("applies the same limits to subscriptions over WebSocket, with a clear error", async () => {
    const client = wsClient(s.url, s.admin.key!);
    const sub = collect(client, nested(4)); // depth 17
    await expect(sub.until(1, 3_000)).rejects.toThrow(/depth \d+ exceeds the limit of 12/);
    const ok = collect(client, nested(2)); // depth 9
    await new Promise((r) => setTimeout(r, 300));
    expect(ok.errors).toEqual([]);
    ok.dispose();
    await client.dispose();
  });
});
