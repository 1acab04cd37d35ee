/**
 * "Nothing committed is lost if Redis is down: the outbox is drained when it comes back"
 * (ARCHITECTURE.md). A private redis-server is killed under a running product and started
 * again on the same port; the graphql-ws subscriber is connected to the product, not to
 * Redis, so it stays connected throughout.
 */
import { describe, expect, it, onTestFinished } from "vitest";
import { hasRedis, need, seed, startServer } from "./helpers/harness.js";
import { eventually, freePort, sleep, startRedis, subscribeEvents, type RedisProcess } from "./helpers/events.js";

interface Ready {
  status: string;
  database: string;
  redis: string;
  outboxBacklog: number | null;
}

describe.skipIf(!need("redis", hasRedis))("Redis outage", () => {
  it("keeps accepting changes while Redis is down, reports not ready, and delivers every event exactly once, in order, when Redis returns", async () => {
    const port = await freePort();
    let redis: RedisProcess = await startRedis(port);
    onTestFinished(() => redis.stop("SIGKILL"));
    const s = await startServer({ redisUrl: redis.url });
    onTestFinished(() => s.close());
    expect(s.app.services.bus.kind).toBe("redis");
    const ops = await seed(s.admin);
    const ready = async () => {
      const res = await fetch(`${s.url}/readyz`);
      return { http: res.status, body: (await res.json()) as Ready };
    };
    await eventually(async () => (await ready()).http === 200, 10_000, "/readyz to answer 200 with Redis up");

    const sub = await subscribeEvents(s.url);
    onTestFinished(() => sub.close());
    const numbers: string[] = [];
    for (let i = 0; i < 3; i++) numbers.push((await ops.open({ title: `before the outage ${i}` })).openIncident.incident.number);
    await sub.until(3, 5_000);

    await redis.stop("SIGKILL");
    await eventually(async () => (await ready()).http === 503, 10_000, "/readyz to answer 503 with Redis down");
    const down = await ready();
    expect(down.body).toMatchObject({ status: "not ready", database: "up", redis: "down" });

    for (let i = 0; i < 10; i++) numbers.push((await ops.open({ title: `during the outage ${i}` })).openIncident.incident.number);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    const during = await ready();
    expect(during.http).toBe(503);
    // kept, not dropped: each opening writes its OPENED event and the knowledge search
    expect(during.body.outboxBacklog).toBe(20);
    expect(sub.items).toHaveLength(3);

    redis = await startRedis(port);
    await sub.until(13, 10_000);
    await sleep(1_000); // late duplicates would arrive now
    const received = sub.items.map((i) => i.incidentEvents);
    expect(received.map((e) => e.incident.number)).toEqual(numbers);
    expect(received.every((e) => e.type === "OPENED")).toBe(true);
    const sequences = received.map((e) => e.sequence);
    expect(new Set(sequences).size).toBe(13);
    const order = await s.app.services.db.query<{ sequence: string }>("SELECT sequence::text AS sequence FROM incident_event WHERE type <> 'KNOWLEDGE_SEARCHED' ORDER BY incident_event.tx_id, incident_event.sequence");
    expect(sequences).toEqual(order.map((r) => r.sequence));
    expect(sub.errors).toEqual([]);

    await eventually(async () => (await ready()).http === 200, 10_000, "/readyz to answer 200 again");
    expect((await ready()).body).toMatchObject({ status: "ready", redis: "up", outboxBacklog: 0 });
  });
});
