/**
 * Breach-watcher backlog (issue 5): the watcher was down for an hour. With the real clock
 * that cannot be waited for, so the hour is made by moving the incidents' past back: the
 * incidents are opened through the API, the server is stopped, every instant the database
 * holds for them (the SLA history in `sla_history`, `opened_at`, `recorded_at`,
 * `next_due_at`, `next_decision_at`, the stored events) is moved one hour earlier, and the
 * server is started again on the same database (PostgreSQL, or the embedded default's
 * data folder). To the restarted server this is exactly a store whose watcher last ran an
 * hour ago: incidents recorded an hour ago whose decisions fell due while nobody polled.
 *
 * It must drain that backlog at once, in order, each decision stamped at the instant the
 * rules give during the past hour (never at the instant it noticed), the automatic
 * escalation at the L1 due, each exactly once, and alert on them (they are dated after the
 * incidents were recorded, so they are not an import's silent past).
 */
import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { startApp, type App } from "../server/src/app.js";
import type { IncidentHistoryEvent } from "../server/src/domain/index.js";
import { loadConfig } from "../server/src/platform/config.js";
import { Db } from "../server/src/platform/data-source.js";
import { createLogger } from "../server/src/platform/logger.js";
import { ADMIN_KEY, base, freshPostgres, Gql, hasPostgres, tempDir } from "./helpers/harness.js";
import { sleep } from "./helpers/events.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const iso = (ms: number) => new Date(ms).toISOString();

/** Where the data lives across the restart: a PostgreSQL database, or the embedded default's folder. */
interface Store {
  env: Record<string, string>;
  drop(): Promise<void>;
}

async function newStore(): Promise<Store> {
  if (hasPostgres) {
    const db = await freshPostgres();
    return { env: { DATABASE_URL: db.url }, drop: db.drop };
  }
  const dir = tempDir("atalaya-backlog-");
  return { env: { DATA_DIR: dir }, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function configOf(store: Store) {
  return loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    ADMIN_API_KEY: ADMIN_KEY,
    LOG_LEVEL: "warn",
    RELAY_INTERVAL_MS: "50",
    ...(base.redisUrl ? { REDIS_URL: base.redisUrl } : {}),
    ...store.env,
  });
}

async function boot(store: Store): Promise<{ app: App; gql: Gql }> {
  const config = configOf(store);
  const app = await startApp(config, createLogger(config.logLevel));
  return { app, gql: new Gql(app.url, ADMIN_KEY) };
}

/** Every instant in an SLA history event, moved by `delta` ms (the default 24×7 UTC calendar has no dated holidays to move). */
function shiftEvent(e: IncidentHistoryEvent, delta: number): IncidentHistoryEvent {
  const out: any = { ...e, at: e.at + delta };
  if (e.type === "OPENED" && typeof e.recordedAt === "number") out.recordedAt = e.recordedAt + delta;
  if (e.type === "ALERT") out.alert = { ...e.alert, dueAt: e.alert.dueAt + delta };
  return out;
}

/** With the server stopped: the store as it would be had its watcher last run `delta` ms ago. */
async function movePastBack(store: Store, delta: number): Promise<void> {
  const db = await Db.connect(configOf(store)); // no migrations, no watcher: only a connection
  try {
    await db.transaction(async (tx) => {
      const rows = await tx.query<{ id: string; sla_history: IncidentHistoryEvent[] }>("SELECT id, sla_history FROM incident");
      for (const r of rows) {
        await tx.query(
          `UPDATE incident SET sla_history = $2::jsonb,
                  opened_at = opened_at - $3 * interval '1 millisecond', recorded_at = recorded_at - $3 * interval '1 millisecond',
                  first_responded_at = first_responded_at - $3 * interval '1 millisecond',
                  next_due_at = next_due_at - $3 * interval '1 millisecond', next_decision_at = next_decision_at - $3 * interval '1 millisecond'
            WHERE id = $1`,
          [r.id, JSON.stringify(r.sla_history.map((e) => shiftEvent(e, -delta))), delta],
        );
      }
      await tx.query(`UPDATE incident_event SET at = at - $1 * interval '1 millisecond', recorded_at = recorded_at - $1 * interval '1 millisecond'`, [delta]);
    });
  } finally {
    await db.close();
  }
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const OPEN = `mutation($i: OpenIncidentInput!) { openIncident(input: $i) { incident { id openedAt alerts { kind } } } }`;
const DETAIL = `query($id: ID!) { incident(id: $id) {
  level status
  alerts { kind clock level cycle at dueAt }
  clocks { kind level cycle state startedAt dueAt breachedAt stoppedAt }
  timeline(first: 100) { edges { node { type at actorKind } } } } }`;

describe(`breach watcher backlog after an hour down (${hasPostgres ? "PostgreSQL" : "embedded"})`, () => {
  it("drains the backlog at once, in order, each decision stamped at its rule instant during the past hour, exactly once", { timeout: 90_000 }, async () => {
    const store = await newStore();
    cleanups.push(() => store.drop());
    let first: { app: App; gql: Gql } | null = await boot(store);
    cleanups.push(async () => void (await first?.app.close()));
    const gql = first.gql;
    await gql.ok(`mutation { createProduct(code: "ERP", name: "ERP") { id } }`);

    // CRITICAL on 24×7 UTC: first response 30 min (at risk 22.5 min), escalation every 4 h (at risk 3 h).
    // T is "now"; after the move every instant is one hour earlier (primed below), and the
    // store's last poll was at about T − 1 h. Planned so no two incidents' decisions
    // interleave: the drain's global order is then the order of the instants.
    const T = Date.now();
    const plan = [
      // opened 10 min ago → O′ = T − 70 min: FR AT_RISK T − 47.5 min, BREACHED T − 40 min
      { label: "first-response", openedAt: T - 10 * MIN },
      // opened now → O′ = R − 1 h: FR AT_RISK R − 37.5 min, BREACHED R − 30 min
      { label: "fresh", openedAt: null },
      // opened 2 h 25 min ago → O′ = T − 3 h 25 min: escalation L1 AT_RISK at T − 25 min (its first response: silent, before it was recorded)
      { label: "escalation-at-risk", openedAt: T - 145 * MIN },
      // opened 3 h 20 min ago → O′ = T − 4 h 20 min: escalation L1 BREACHED at T − 20 min, the product escalates to L2 stamped then
      { label: "escalated", openedAt: T - 200 * MIN },
    ] as const;
    const ids: Record<string, string> = {};
    const opened: Record<string, number> = {};
    for (const p of plan) {
      const d = await gql.ok(OPEN, {
        i: { title: p.label, description: "d", productCode: "ERP", channel: "PHONE", severity: "CRITICAL", requester: { name: "a" }, ...(p.openedAt ? { openedAt: iso(p.openedAt) } : {}) },
      });
      expect(d.openIncident.incident.alerts).toEqual([]);
      ids[p.label] = d.openIncident.incident.id;
      opened[p.label] = Date.parse(d.openIncident.incident.openedAt) - HOUR; // O′, after the move
    }

    // The watcher goes down; an hour passes.
    await first.app.close();
    first = null;
    await movePastBack(store, HOUR);
    const probe = await Db.connect(configOf(store));
    const [{ seq }] = await probe.query<{ seq: string }>("SELECT COALESCE(max(sequence), 0)::text AS seq FROM incident_event");
    // by label (each incident's title): its database id and when it was recorded, after the move
    const rows = await probe.query<{ id: string; title: string; r: string }>("SELECT id, title, (extract(epoch FROM recorded_at) * 1000)::bigint::text AS r FROM incident");
    const recorded = Object.fromEntries(rows.map((x) => [x.title, Number(x.r)]));
    const label = Object.fromEntries(rows.map((x) => [x.id, x.title]));
    await probe.close();

    const restartedAt = Date.now();
    const second = await boot(store);
    cleanups.push(() => second.app.close());
    const db = second.app.services.db;

    const O = opened;
    const R = recorded.fresh;
    // label, event type, instant: every decision the hour down owes, as the rules date them.
    const owed: Array<[string, string, number]> = [
      ["first-response", "AT_RISK", O["first-response"] + 22.5 * MIN],
      ["first-response", "BREACHED", O["first-response"] + 30 * MIN],
      ["fresh", "AT_RISK", O.fresh + 22.5 * MIN],
      ["fresh", "BREACHED", O.fresh + 30 * MIN],
      ["escalation-at-risk", "AT_RISK", O["escalation-at-risk"] + 3 * HOUR],
      ["escalated", "BREACHED", O.escalated + 4 * HOUR],
      ["escalated", "ESCALATED", O.escalated + 4 * HOUR],
      ["escalated", "ESCALATION_ALERT", O.escalated + 4 * HOUR],
    ];
    // all of them during the past hour, after the store last polled, and after each incident was recorded
    for (const [label, , at] of owed) {
      expect(at).toBeGreaterThan(recorded[label]);
      expect(at).toBeLessThan(restartedAt);
      expect(at).toBeGreaterThan(restartedAt - HOUR);
    }
    expect(O.fresh).toBe(R);

    // the drain: one look after the restart, well under the cap
    const drained = Date.now();
    for (;;) {
      const [{ n }] = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM sla_alert");
      if (Number(n) >= 7) break;
      if (Date.now() - drained > 20_000) throw new Error(`the backlog was not drained within 20 s (${n} alerts)`);
      await sleep(50);
    }
    await sleep(1_500); // more polls: nothing is taken twice

    const events = await db.query<{ incident_id: string; type: string; at: Date; actor_kind: string }>(
      "SELECT incident_id, type, at, actor_kind FROM incident_event WHERE sequence > $1::bigint ORDER BY sequence",
      [seq],
    );
    // exactly the owed decisions, by the product, stamped at the rules' instants, once each …
    expect(events.map((e) => [label[e.incident_id], e.type, e.at.getTime()]).sort()).toEqual([...owed].sort());
    expect(new Set(events.map((e) => e.actor_kind))).toEqual(new Set(["SYSTEM"]));
    // … and in order: the incidents taken by their earliest decision, each one's decisions in order
    const ats = events.map((e) => e.at.getTime());
    expect(ats).toEqual([...ats].sort((x, y) => x - y));

    // The alerts: every one raised (none is an import's silent past), at the rule's instant, once,
    // and noticed only after the restart.
    const alerts = await db.query<{ incident_id: string; kind: string; clock: string; level: string | null; at: Date; due_at: Date; created_at: Date }>(
      "SELECT incident_id, kind, clock, level, at, due_at, created_at FROM sla_alert ORDER BY at, kind",
    );
    expect(alerts.map((a) => [label[a.incident_id], a.kind, a.clock, a.level, a.at.getTime(), a.due_at.getTime()])).toEqual([
      ["first-response", "AT_RISK", "FIRST_RESPONSE", null, O["first-response"] + 22.5 * MIN, O["first-response"] + 30 * MIN],
      ["first-response", "BREACHED", "FIRST_RESPONSE", null, O["first-response"] + 30 * MIN, O["first-response"] + 30 * MIN],
      ["fresh", "AT_RISK", "FIRST_RESPONSE", null, O.fresh + 22.5 * MIN, O.fresh + 30 * MIN],
      ["fresh", "BREACHED", "FIRST_RESPONSE", null, O.fresh + 30 * MIN, O.fresh + 30 * MIN],
      ["escalation-at-risk", "AT_RISK", "ESCALATION", "L1", O["escalation-at-risk"] + 3 * HOUR, O["escalation-at-risk"] + 4 * HOUR],
      ["escalated", "BREACHED", "ESCALATION", "L1", O.escalated + 4 * HOUR, O.escalated + 4 * HOUR],
      ["escalated", "ESCALATED", "ESCALATION", "L1", O.escalated + 4 * HOUR, O.escalated + 4 * HOUR],
    ]);
    for (const a of alerts) expect(a.created_at.getTime()).toBeGreaterThanOrEqual(restartedAt - 1_000);

    // Through the API: the escalated incident is at L2 since the L1 due, by the product.
    const esc = (await second.gql.ok(DETAIL, { id: ids.escalated })).incident;
    expect(esc.level).toBe("L2");
    const l1 = esc.clocks.find((c: any) => c.kind === "ESCALATION" && c.level === "L1");
    const l2 = esc.clocks.find((c: any) => c.kind === "ESCALATION" && c.level === "L2");
    expect(l1).toMatchObject({ state: "BREACHED", breachedAt: iso(O.escalated + 4 * HOUR), stoppedAt: iso(O.escalated + 4 * HOUR) });
    expect(l2).toMatchObject({ state: "RUNNING", cycle: 1, startedAt: iso(O.escalated + 4 * HOUR), dueAt: iso(O.escalated + 8 * HOUR) });
    expect(esc.timeline.edges.map((e: any) => e.node).filter((n: any) => n.type === "ESCALATED")).toEqual([
      { type: "ESCALATED", at: iso(O.escalated + 4 * HOUR), actorKind: "SYSTEM" },
    ]);
    const fr = (await second.gql.ok(DETAIL, { id: ids["first-response"] })).incident;
    expect(fr.clocks.find((c: any) => c.kind === "FIRST_RESPONSE")).toMatchObject({ state: "BREACHED", breachedAt: iso(O["first-response"] + 30 * MIN) });
    expect(fr.level).toBe("L1");

    // Nothing else is owed now: each incident's next decision is in the future.
    const next = await db.query<{ next: Date }>("SELECT next_decision_at AS next FROM incident");
    for (const r of next) expect(r.next.getTime()).toBeGreaterThan(Date.now());
  });
});
