/**
 * One published order that never changes (ARCHITECTURE.md, "Published in one order"):
 * the relay publishes by (transaction id, sequence) and only rows of transactions older
 * than every running one, so a subscriber that resumes with `afterSequence` right after the
 * last event it saw misses nothing and gets nothing twice, even when sequences were taken
 * in another order than the transactions committed in.
 *
 * The interleaved writers are two raw `pg` sessions on the test's own database that write
 * through the product's `appendEvents` (the one SQL path every change takes).
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import pg from "pg";
import { fromGlobalId } from "../server/src/graphql/ids.js";
import { appendEvents } from "../server/src/modules/incident/incident-events.repo.js";
import { READ_BATCH } from "../server/src/platform/outbox-relay.js";
import type { IncidentEventMessage } from "../server/src/modules/incident/incident.rows.js";
import { freshPostgres, hasPostgres, need, seed, startServer, type TestServer } from "./helpers/harness.js";
import { comment, sleep, sqlOver, subscribeEvents, type EventSubscriber } from "./helpers/events.js";

/** Every event in the relay's order, (transaction id, sequence), as PostgreSQL holds them. */
async function relayOrder(s: TestServer): Promise<string[]> {
  const rows = await s.app.services.db.query<{ sequence: string }>("SELECT sequence::text AS sequence FROM incident_event WHERE type <> 'KNOWLEDGE_SEARCHED' ORDER BY incident_event.tx_id, incident_event.sequence");
  return rows.map((r) => r.sequence);
}

/** What the product's projection says the incident looks like (the message's `incident`). */
async function incidentAfter(s: TestServer, incidentId: string): Promise<IncidentEventMessage["incident"]> {
  const [row] = await s.app.services.db.query<IncidentEventMessage["incident"]>(
    `SELECT i.severity, i.level, p.code AS "productCode", i.status, i.requester_id::text AS "requesterId"
       FROM incident i JOIN product p ON p.id = i.product_id WHERE i.id = $1`,
    [incidentId],
  );
  return row;
}

describe.skipIf(!need("postgres", hasPostgres))("interleaved writers on PostgreSQL", () => {
  let s: TestServer;
  let drop: (() => Promise<void>) | undefined;
  let url: string;
  let ops: Awaited<ReturnType<typeof seed>>;

  beforeAll(async () => {
    const db = await freshPostgres();
    drop = db.drop;
    url = db.url;
    s = await startServer({ databaseUrl: db.url });
    ops = await seed(s.admin);
  });
  afterAll(async () => {
    await s?.close();
    await drop?.();
  });

  /** Two raw sessions on the test database, ended (rolling back anything open) after the test. */
  async function writers(): Promise<[pg.Client, pg.Client]> {
    const t1 = new pg.Client({ connectionString: url, application_name: "ordering-t1" });
    const t2 = new pg.Client({ connectionString: url, application_name: "ordering-t2" });
    await t1.connect();
    onTestFinished(() => t1.end());
    await t2.connect();
    onTestFinished(() => t2.end());
    return [t1, t2];
  }

  /** A live subscriber, proven live by receiving the OPENED event of a new incident; returns that incident. */
  async function liveSubscriberAndIncident(): Promise<{ sub: EventSubscriber; incidentId: string; opened: string }> {
    const sub = await subscribeEvents(s.url);
    onTestFinished(() => sub.close());
    const inc = (await ops.open()).openIncident.incident;
    const [first] = await sub.until(1, 5_000);
    expect(first.incidentEvents).toMatchObject({ type: "OPENED", incident: { number: inc.number } });
    return { sub, incidentId: fromGlobalId(inc.id, "Incident"), opened: first.incidentEvents.sequence };
  }

  it("publishes the transaction that wrote first, took the higher sequence and committed first, then the other; resuming after the first event received misses nothing", async () => {
    const { sub, incidentId, opened } = await liveSubscriberAndIncident();
    const [t1, t2] = await writers();
    const after = await incidentAfter(s, incidentId);

    // T1 writes first (as openIncident does: the requester contact before anything else), so it holds the older transaction id.
    await t1.query("BEGIN");
    const [{ xid: xid1 }] = (
      await t1.query<{ xid: string }>("INSERT INTO contact (name, email) VALUES ('First writer', $1) RETURNING pg_current_xact_id()::text AS xid", [`first.${Date.now()}@example.com`])
    ).rows;
    await t2.query("BEGIN");
    const [e2] = await appendEvents(sqlOver(t2), incidentId, [comment("from T2")], after, new Date());
    const [e1] = await appendEvents(sqlOver(t1), incidentId, [comment("from T1")], after, new Date());
    expect(e1.txId).toBe(xid1);
    expect(BigInt(e1.txId)).toBeLessThan(BigInt(e2.txId)); // T1: the older transaction …
    expect(BigInt(e1.sequence)).toBeGreaterThan(BigInt(e2.sequence)); // … with the higher sequence

    await t1.query("COMMIT"); // T1 commits first, while T2 is still open
    await sub.until(2, 5_000);
    expect(sub.sequences()).toEqual([opened, e1.sequence]);
    await sleep(500); // T2 is still open: nothing more may be published
    expect(sub.sequences()).toEqual([opened, e1.sequence]);

    await t2.query("COMMIT");
    await sub.until(3, 5_000);
    expect(sub.sequences()).toEqual([opened, e1.sequence, e2.sequence]);
    const order = await relayOrder(s);
    expect(order.slice(order.indexOf(opened))).toEqual(sub.sequences());

    // A subscriber that saw only e1 (and was cut off) resumes after it: by sequence alone e2 would be skipped, as e2 < e1.
    const resumed = await subscribeEvents(s.url, { after: e1.sequence });
    onTestFinished(() => resumed.close());
    await resumed.until(1, 5_000);
    await sleep(500);
    expect(resumed.sequences()).toEqual([e2.sequence]);
    expect(resumed.items[0].incidentEvents.type).toBe("COMMENTED");
    expect([...sub.errors, ...resumed.errors]).toEqual([]);
  });

  it("holds back a younger transaction that committed first until the older one commits, then publishes both by transaction id; resuming after the first misses nothing", async () => {
    const { sub, incidentId, opened } = await liveSubscriberAndIncident();
    const [t1, t2] = await writers();
    const after = await incidentAfter(s, incidentId);

    await t1.query("BEGIN");
    const [{ xid: xid1 }] = (await t1.query<{ xid: string }>("SELECT pg_current_xact_id()::text AS xid")).rows;
    await t2.query("BEGIN");
    const [e2] = await appendEvents(sqlOver(t2), incidentId, [comment("from T2")], after, new Date());
    const [e1] = await appendEvents(sqlOver(t1), incidentId, [comment("from T1")], after, new Date());
    expect(e1.txId).toBe(xid1);
    expect(BigInt(e1.txId)).toBeLessThan(BigInt(e2.txId));
    expect(BigInt(e1.sequence)).toBeGreaterThan(BigInt(e2.sequence));

    await t2.query("COMMIT"); // the younger transaction commits while the older one is still open
    await sleep(750); // ~15 relay runs at 50 ms
    expect(sub.sequences()).toEqual([opened]);
    const [held] = await s.app.services.db.query<{ sent: boolean }>("SELECT (o.tx_id, o.id) <= (c.tx_id, c.outbox_id) AS sent FROM outbox o, relay_cursor c WHERE o.event_sequence = $1", [e2.sequence]);
    expect(held.sent).toBe(false);

    await t1.query("COMMIT");
    await sub.until(3, 5_000);
    expect(sub.sequences()).toEqual([opened, e1.sequence, e2.sequence]);
    const order = await relayOrder(s);
    expect(order.slice(order.indexOf(opened))).toEqual(sub.sequences());

    const resumed = await subscribeEvents(s.url, { after: e1.sequence });
    onTestFinished(() => resumed.close());
    await resumed.until(1, 5_000);
    await sleep(500);
    expect(resumed.sequences()).toEqual([e2.sequence]);
    expect([...sub.errors, ...resumed.errors]).toEqual([]);
  });
});

describe("resuming with afterSequence after a disconnect", () => {
  let s: TestServer;
  let ops: Awaited<ReturnType<typeof seed>>;

  beforeAll(async () => {
    s = await startServer();
    ops = await seed(s.admin);
  });
  afterAll(async () => s?.close());

  it("replays exactly the events missed while disconnected, in the relay's order, without duplicates, then goes on live", async () => {
    const first = await subscribeEvents(s.url);
    onTestFinished(() => first.close());
    for (let i = 0; i < 3; i++) await ops.open({ title: `before the disconnect ${i}` });
    await first.until(3, 5_000);
    const seen = first.sequences();
    await first.close();

    const missed: string[] = [];
    for (let i = 0; i < 4; i++) missed.push((await ops.open({ title: `while disconnected ${i}` })).openIncident.incident.number);

    const resumed = await subscribeEvents(s.url, { after: seen[seen.length - 1] });
    onTestFinished(() => resumed.close());
    await resumed.until(4, 5_000);
    expect(resumed.items.map((i) => i.incidentEvents.incident.number)).toEqual(missed);

    // the replay hands over to the live stream without a gap or a repeat
    const live = (await ops.open({ title: "after the resume" })).openIncident.incident.number;
    await resumed.until(5, 5_000);
    await sleep(500);
    const numbers = resumed.items.map((i) => i.incidentEvents.incident.number);
    expect(numbers).toEqual([...missed, live]);

    const all = [...seen, ...resumed.sequences()];
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(await relayOrder(s));
    expect(resumed.errors).toEqual([]);
  });
});

describe("the relay's read", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => s?.close());

  it("starts at its cursor: with thousands of rows published, the next run reads the new row only", async () => {
    const db = s.app.services.db;
    await db.execute("INSERT INTO outbox (topic, payload) SELECT 'relay-read-test', jsonb_build_object('n', g) FROM generate_series(1, 3000) g");
    // the relay's own timer may hold the lock: wait until everything is published
    while ((await s.app.services.relay.backlog()).count > 0) {
      await s.app.services.relay.drain();
      await sleep(20);
    }
    await db.execute("INSERT INTO outbox (topic, payload) VALUES ('relay-read-test', '{}')");
    await db.execute("ANALYZE outbox");
    const [row] = await db.query<{ "QUERY PLAN": unknown }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${READ_BATCH}`);
    const plan = row["QUERY PLAN"];
    type Node = { "Relation Name"?: string; "Actual Rows"?: number; "Actual Loops"?: number; "Rows Removed by Filter"?: number; Plans?: Node[] };
    const root = (typeof plan === "string" ? JSON.parse(plan) : plan) as Array<{ Plan: Node }>;
    // outbox rows each scan returned or threw away (the relay itself may have published the new row meanwhile)
    const read = (n: Node): number =>
      (n["Relation Name"] === "outbox" ? (n["Actual Rows"] ?? 0) * (n["Actual Loops"] ?? 1) + (n["Rows Removed by Filter"] ?? 0) : 0) + (n.Plans ?? []).reduce((a, c) => a + read(c), 0);
    expect(read(root[0].Plan), JSON.stringify(root)).toBeLessThanOrEqual(1);
  });
});
