/**
 * Two replicas: two server processes on one PostgreSQL database and one Redis (a private
 * redis-server when available, else REDIS_URL). A change
 * made through one replica reaches the subscribers of the other (outbox → relay → Redis
 * → the other replica's ordered stream → graphql-ws), once.
 */
import { describe, expect, it, onTestFinished } from "vitest";
import pg from "pg";
import { ADMIN_KEY, base, freshPostgres, Gql, hasPostgres, hasRedis, need, seed, spawnServer } from "./helpers/harness.js";
import { privateRedis, sleep, subscribeEvents } from "./helpers/events.js";

const enabled = need("postgres", hasPostgres) && need("redis", hasRedis);

describe.skipIf(!enabled)("two replicas on one PostgreSQL and one Redis", () => {
  it("pushes the OPENED event of an incident opened through replica A to a subscriber of replica B, once", async () => {
    const db = await freshPostgres();
    onTestFinished(() => db.drop());
    // a private redis-server when one can be started: the bus channel is shared by everything on a Redis
    const redis = await privateRedis(base.redisUrl!);
    onTestFinished(() => redis.stop());
    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, ADMIN_API_KEY: ADMIN_KEY };
    // A first: it applies the migrations; B then finds them applied.
    const a = await spawnServer(env);
    onTestFinished(async () => void (await a.stop()));
    const b = await spawnServer(env);
    onTestFinished(async () => void (await b.stop()));
    expect(a.url).not.toBe(b.url);

    const viaA = new Gql(a.url, ADMIN_KEY);
    const ops = await seed(viaA);

    const onB = await subscribeEvents(b.url);
    onTestFinished(() => onB.close());

    const opened = (await ops.open({ title: "Opened on replica A" })).openIncident.incident;
    const pushed = await onB.until(1, 5_000); // the product aims at 2 s; 5 s leaves slack for a loaded machine
    expect(pushed[0].incidentEvents).toEqual({ sequence: expect.stringMatching(/^\d+$/), type: "OPENED", incident: { number: opened.number } });

    // It is the event PostgreSQL holds, and both relays publishing does not push it twice.
    const check = new pg.Client({ connectionString: db.url });
    await check.connect();
    onTestFinished(() => check.end());
    const { rows } = await check.query<{ sequence: string }>(
      "SELECT e.sequence::text AS sequence FROM incident_event e JOIN incident i ON i.id = e.incident_id WHERE i.number = $1 AND e.type = 'OPENED'",
      [opened.number],
    );
    expect(rows.map((r) => r.sequence)).toEqual([pushed[0].incidentEvents.sequence]);
    await sleep(500);
    expect(onB.sequences()).toEqual([rows[0].sequence]);
    expect(onB.errors).toEqual([]);
    expect(a.proc.exitCode).toBeNull();
    expect(b.proc.exitCode).toBeNull();
  });

  it("refuses a key revoked through replica A on replica B at once, although B had verified it moments before", async () => {
    const db = await freshPostgres();
    onTestFinished(() => db.drop());
    const redis = await privateRedis(base.redisUrl!);
    onTestFinished(() => redis.stop());
    // a long cache, so that only the revocation message can explain B's refusal
    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, ADMIN_API_KEY: ADMIN_KEY, API_KEY_CACHE_MS: "60000" };
    const a = await spawnServer(env);
    onTestFinished(async () => void (await a.stop()));
    const b = await spawnServer(env);
    onTestFinished(async () => void (await b.stop()));

    const viaA = new Gql(a.url, ADMIN_KEY);
    const d = await viaA.ok(`mutation { createApiKey(input: { name: "integration", role: INTEGRATOR }) { secret apiKey { id } } }`);
    const onB = new Gql(b.url, d.createApiKey.secret);
    expect((await onB.ok(`{ now }`)).now).toBeTruthy(); // B has it cached now
    await viaA.ok(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: d.createApiKey.apiKey.id });
    const deadline = Date.now() + 2_000;
    let status = 200;
    while (Date.now() < deadline && status !== 401) {
      status = (await onB.request(`{ now }`)).status;
      if (status !== 401) await sleep(20);
    }
    expect(status).toBe(401);
    await expect(new Gql(a.url, d.createApiKey.secret).request(`{ now }`)).resolves.toMatchObject({ status: 401 });
  });
});
