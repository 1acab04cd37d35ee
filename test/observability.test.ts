/** Rate limits per key (shared across replicas through Redis), WebSocket connections per key, /metrics. */
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { afterAll, describe, expect, it } from "vitest";
import { Gql, freshPostgres, hasPostgres, hasRedis, base, startServer, type TestServer } from "./helpers/harness.js";

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers.reverse()) await s.close();
});

async function limitedKey(s: TestServer, rateLimit: number): Promise<Gql> {
  const d = await s.admin.ok(`mutation($l: Int) { createApiKey(input: { name: "limited", role: INTEGRATOR, rateLimit: $l }) { secret apiKey { rateLimit } } }`, { l: rateLimit });
  expect(d.createApiKey.apiKey.rateLimit).toBe(rateLimit);
  return s.admin.as(d.createApiKey.secret);
}

describe("rate limit per API key", () => {
  it("answers RATE_LIMITED with HTTP 429 and Retry-After past the key's budget, and other keys are unaffected", async () => {
    const s = await startServer();
    servers.push(s);
    const key = await limitedKey(s, 5);
    const answers = [];
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${s.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key.key}` }, body: JSON.stringify({ query: "{ now }" }) });
      answers.push({ status: res.status, retryAfter: res.headers.get("retry-after"), body: (await res.json()) as any });
    }
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(2); // 12 requests span at most two 10-second windows of 5
    expect(Number(limited[0].retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(limited[0].retryAfter)).toBeLessThanOrEqual(10);
    expect(limited[0].body.errors[0].extensions.code).toBe("RATE_LIMITED");
    expect((await s.admin.request(`{ now }`)).status).toBe(200);
  });

  it.runIf(hasPostgres && hasRedis)("shares one budget across replicas through Redis", async () => {
    const db = await freshPostgres();
    try {
      const a = await startServer({ databaseUrl: db.url, redisUrl: base.redisUrl });
      const b = await startServer({ databaseUrl: db.url, redisUrl: base.redisUrl });
      try {
        const key = await limitedKey(a, 6);
        const viaB = new Gql(b.url, key.key);
        const statuses = [];
        for (let i = 0; i < 20; i++) statuses.push((await (i % 2 ? viaB : key).request(`{ now }`)).status);
        // one shared budget: at most two 10-second windows of 6 pass; per-replica budgets would pass all 20
        expect(statuses.filter((x) => x === 429).length).toBeGreaterThanOrEqual(20 - 12);
      } finally {
        await b.close();
        await a.close();
      }
    } finally {
      await db.drop();
    }
  });
});

describe("WebSocket connections per key", () => {
  it("closes a connection beyond the limit with 4429", async () => {
    const s = await startServer({ env: { WS_CONNECTIONS_PER_KEY: "2" } });
    servers.push(s);
    const connect = () =>
      new Promise<{ ok: boolean; code?: number; client: ReturnType<typeof createClient> }>((resolve) => {
        const client = createClient({
          url: `${s.url.replace("http", "ws")}/graphql`,
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${s.admin.key}` },
          lazy: false,
          retryAttempts: 0,
          on: { connected: () => resolve({ ok: true, client }), closed: (e) => resolve({ ok: false, code: (e as { code: number }).code, client }) },
          onNonLazyError: () => undefined,
        });
      });
    const a = await connect();
    const b = await connect();
    const c = await connect();
    expect([a.ok, b.ok, c.ok]).toEqual([true, true, false]);
    expect(c.code).toBe(4429);
    await a.client.dispose();
    await new Promise((r) => setTimeout(r, 200));
    const d = await connect();
    expect(d.ok).toBe(true);
    await Promise.all([b.client.dispose(), d.client.dispose()]);
  });
});

describe("/metrics", () => {
  it("exposes requests by operation, errors by code, outbox backlog, watcher and alerts in Prometheus format", async () => {
    const s = await startServer();
    servers.push(s);
    await s.admin.request(`query Ping { now }`);
    await s.admin.request(`query Bad { incident(id: "nope") { id } }`);
    const text = await (await fetch(`${s.url}/metrics`)).text();
    expect(text).toMatch(/atalaya_graphql_requests_total\{operation="Ping",status="ok"\} 1/);
    expect(text).toMatch(/atalaya_graphql_errors_total\{code="BAD_USER_INPUT"\} 1/);
    expect(text).toMatch(/atalaya_graphql_request_duration_seconds_bucket\{le="0.5",operation="Ping"\} 1/);
    expect(text).toMatch(/atalaya_outbox_backlog \d+/);
    expect(text).toMatch(/atalaya_watcher_leader 1/);
    expect(text).toMatch(/atalaya_subscriptions_open 0/);
    expect(text).not.toMatch(/atk_|test-admin-key/);
  });
});
