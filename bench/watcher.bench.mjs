// Breach-watcher benchmark (issue 5 item 6): 100,000 open incidents whose first-response
// dues fall uniformly over 10 minutes (~170 a second), the real clock, one server in this
// process (the poller). Measures, for every decision, the lag from its due instant to the
// commit of the transaction that recorded it, and the watcher's statements per second.
//
// Build first:  cd /work/main && pnpm --filter @atalaya/server build
// Run:          node bench/watcher.bench.mjs            (or: pnpm bench watcher)
//   DATABASE_URL=postgres://…   on PostgreSQL (a fresh database is created and dropped), else embedded PGlite
//   REDIS_URL=redis://…         the relay publishes through Redis (else in-process)
//   WATCHER_BENCH_INCIDENTS=10000 WATCHER_BENCH_SECONDS=60   a shorter run (default 100000 over 600 s)
//   WATCHER_BENCH_LEAD_SECONDS=…  time allowed for seeding and start before the first due
// Goal: p99 lag ≤ 300 ms with the default floor (WATCHER_FLOOR_MS=100) and cap (1 s).
//
// How it is measured (in this process, around the product's own objects, nothing changed):
// - commit instant: `Db.transaction` is wrapped; when a transaction that ran decisions
//   resolves (COMMIT returned), every incident `decideDue` changed in it gets Date.now().
//   Lag = that instant − the incident's due (its seeded next_decision_at, which is also the
//   BREACHED alert's `at`). The alert rows' created_at (now() = transaction START) is read
//   back as a cross-check: created_at − at is a lower bound of the same lag.
// - statements: TypeORM's PostgresQueryRunner.query is wrapped (it carries every statement
//   the product sends, START TRANSACTION / SET TRANSACTION / COMMIT included), classified by
//   verb and table; the relay's and the watcher's are told apart by their text. On
//   PostgreSQL, pg_stat_database.xact_commit of the bench database is read too (transactions,
//   not statements: an autocommit statement is one, a decision batch is one).
import { AsyncLocalStorage } from "node:async_hooks";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { cpus, loadavg } from "node:os";
import { backendPids, countStatements, cpuDelta, cpuSnapshot, freshStore, loadServer, percentile, policyOf, seedIncidents, sleep } from "./lib/atalaya.mjs";

const N = Number(process.env.WATCHER_BENCH_INCIDENTS ?? 100_000);
const SPREAD_MS = Number(process.env.WATCHER_BENCH_SECONDS ?? 600) * 1000;
const GOAL_P99_MS = 300;
const MIN = 60_000;
const HOUR = 60 * MIN;

const server = await loadServer("watcher");
const { domain } = server;
const store = await freshStore("atalaya_bench_w");
console.log(
  `watcher: node ${process.version}, ${store.kind === "postgresql" ? `PostgreSQL (database ${store.name})` : `embedded PGlite (${store.name})`}, ` +
    `relay via ${process.env.REDIS_URL ? "Redis" : "in-process bus"}; ${N.toLocaleString("en-US")} incidents, dues over ${SPREAD_MS / 1000} s ` +
    `(${((N / SPREAD_MS) * 1000).toFixed(0)}/s)`,
);

const env = {
  PORT: "0",
  HOST: "127.0.0.1",
  LOG_LEVEL: "warn",
  ADMIN_API_KEY: "bench-admin-key-0123456789abcdef",
  ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  ...(process.env.WATCHER_FLOOR_MS ? { WATCHER_FLOOR_MS: process.env.WATCHER_FLOOR_MS } : {}),
  ...(process.env.WATCHER_CAP_MS ? { WATCHER_CAP_MS: process.env.WATCHER_CAP_MS } : {}),
  ...store.env,
};
console.log(`machine: ${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(2)).join(" / ")} (1 / 5 / 15 min) at the start`);
const config = server.loadConfig(env);
let app;
let exitCode = 0;
try {
  // ── seed ────────────────────────────────────────────────────────────────────────────
  const seedDb = await server.Db.connect(config);
  await seedDb.migrate();
  const [product] = await seedDb.query(`INSERT INTO product (code, name) VALUES ('ERP', 'ERP') RETURNING id`);
  const [contact] = await seedDb.query(`INSERT INTO contact (name, email) VALUES ('Bench requester', 'bench@example.com') RETURNING id`);
  const targets = (await policyOf(server, seedDb)).HIGH;
  // HIGH: first response 2 h, at risk at 1 h 30 min. Each incident is an import whose first
  // response falls due at S + i × spread / N; its at-risk threshold (30 min before) is
  // already past when it is recorded (silent), so the one decision owed in the window is
  // the first-response BREACHED at its due (next: escalation at risk, 6 h later).
  const lead = Number(process.env.WATCHER_BENCH_LEAD_SECONDS ?? Math.max(30, Math.ceil(N / 1500) + 20)) * 1000;
  const seedStart = Date.now();
  const S = seedStart + lead;
  const dueOf = (i) => S + Math.floor((i * SPREAD_MS) / N);
  let lastPrint = 0;
  const seeded = await seedIncidents(
    seedDb,
    domain,
    N,
    (i) => {
      const now = Date.now();
      const openedAt = dueOf(i) - 2 * HOUR;
      const opened = { type: "OPENED", at: openedAt, recordedAt: now, severity: "HIGH", level: "L1", channel: "EMAIL", productCode: "ERP", targets };
      const history = [opened, ...domain.pendingDecisions([opened], now).map((d) => d.event)];
      return { title: `Watcher bench ${i}`, channel: "EMAIL", openedAt, recordedAt: now, history, now, productId: product.id, requesterId: contact.id };
    },
    {
      chunk: 1000,
      onChunk: (n) => {
        if (Date.now() - lastPrint > 5000) {
          lastPrint = Date.now();
          process.stdout.write(`  seeded ${n.toLocaleString("en-US")} in ${((Date.now() - seedStart) / 1000).toFixed(1)} s\n`);
        }
      },
    },
  );
  const due = new Map(seeded.map((r, i) => [r.id, dueOf(i)]));
  for (const [i, r] of seeded.entries()) {
    if (r.next !== dueOf(i)) throw new Error(`incident ${i}: next decision ${r.next} is not its first-response due ${dueOf(i)}`);
  }
  if (store.kind === "postgresql") {
    await seedDb.query("VACUUM ANALYZE incident");
    await seedDb.query("CHECKPOINT");
  } else await seedDb.query("ANALYZE incident");
  await seedDb.close();
  const seedSeconds = (Date.now() - seedStart) / 1000;
  console.log(`seeded ${N.toLocaleString("en-US")} incidents in ${seedSeconds.toFixed(1)} s (${Math.round(N / seedSeconds).toLocaleString("en-US")}/s, histories derived by the compiled domain)`);

  // ── start the server, instrument it ───────────────────────────────────────────────────
  app = await server.startApp(config, server.createLogger(config.logLevel));
  const { db, incidents, watcher } = app.services;
  if (Date.now() > S - 2000) {
    throw new Error(`seeding and start took ${((Date.now() - seedStart) / 1000).toFixed(0)} s, past the first due: raise WATCHER_BENCH_LEAD_SECONDS (now ${lead / 1000})`);
  }
  const statements = countStatements(db);
  // Who sent each statement: a transaction's statements belong to the watcher when it took
  // the decision lock, to the relay when it tried the relay's lock; autocommit statements
  // by their text (the poller's min(next_decision_at) and its session check).
  const als = new AsyncLocalStorage();
  const owners = { watcher: 0, relay: 0, other: 0 };
  const { LOCKS } = await import(new URL("../server/dist/server/src/platform/locks.js", import.meta.url).href);
  statements.onStatement = (key, ms, _text, params) => {
    const tx = als.getStore();
    if (tx) {
      tx.n++;
      tx.sqlMs += ms;
      if (/advisory_xact_lock/.test(key) && Number(params?.[0]) === LOCKS.decisions) tx.owner = "watcher";
      else if (/advisory_xact_lock/.test(key) && Number(params?.[0]) === LOCKS.relay) tx.owner ??= "relay";
    } else owners[/min\(next_decision_at\)|^SELECT 1$/.test(key) ? "watcher" : "other"]++;
  };
  const commitLag = []; // ms, per decided incident
  const decidedIds = [];
  const batches = []; // { size, ms, sqlMs, decideMs }
  const originalDecideDue = incidents.decideDue.bind(incidents);
  incidents.decideDue = async (tx, id, until) => {
    const started = performance.now();
    const changed = await originalDecideDue(tx, id, until);
    const batch = als.getStore();
    if (batch) {
      batch.decideMs += performance.now() - started;
      if (changed) batch.ids.push(id);
    }
    return changed;
  };
  const originalTransaction = db.transaction.bind(db);
  db.transaction = (work, isolation) => {
    const batch = { owner: null, n: 0, sqlMs: 0, decideMs: 0, ids: [] };
    return als.run(batch, async () => {
      const started = performance.now();
      const result = await originalTransaction(work, isolation);
      const committed = Date.now(); // COMMIT has returned
      owners[batch.owner ?? "other"] += batch.n;
      if (batch.ids.length > 0) {
        for (const id of batch.ids) {
        commitLag.push(committed - due.get(id));
        decidedIds.push(id);
      }
        batches.push({ size: batch.ids.length, ms: performance.now() - started, sqlMs: batch.sqlMs, decideMs: batch.decideMs });
      }
      return result;
    });
  };

  // ── the window ─────────────────────────────────────────────────────────────────────────
  const pg = store.kind === "postgresql" ? new (await import("pg")).default.Client({ connectionString: store.url }) : null;
  await pg?.connect();
  const xacts = async () => (pg ? Number((await pg.query("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")).rows[0].xact_commit) : null);
  await sleep(S - Date.now() - 500);
  statements.reset();
  Object.assign(owners, { watcher: 0, relay: 0, other: 0 });
  const xact0 = await xacts();
  const cpu0 = process.cpuUsage();
  const pids = pg ? await backendPids(async (q) => (await pg.query(q)).rows) : [];
  const pgCpu0 = cpuSnapshot(store.url, pids);
  const elu0 = performance.eventLoopUtilization();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const windowStart = Date.now();
  const end = S + SPREAD_MS;
  let lastReport = windowStart;
  while (commitLag.length < N && Date.now() < end + 60_000) {
    await sleep(1000);
    if (Date.now() - lastReport >= 30_000) {
      lastReport = Date.now();
      const recent = commitLag.slice(-5000).sort((a, b) => a - b);
      console.log(
        `  +${((Date.now() - S) / 1000).toFixed(0)} s: ${commitLag.length.toLocaleString("en-US")} decided; last 5,000: p50 ${percentile(recent, 50)} ms, p99 ${percentile(recent, 99)} ms`,
      );
    }
  }
  const windowMs = Date.now() - windowStart;
  await watcher.stop(); // nothing decides while the figures are read (the batch in flight commits first)
  delay.disable();
  const elu = performance.eventLoopUtilization(elu0);
  const cpu = process.cpuUsage(cpu0);
  const pgCpu = cpuDelta(pgCpu0, cpuSnapshot(store.url, pids));
  const xact1 = await xacts();
  const counted = new Map(statements.stats);
  const totalStatements = statements.total;
  const byOwner = { ...owners };
  statements.restore();

  // ── cross-check from the database ──────────────────────────────────────────────────────
  const [check] = await db.query(
    `SELECT count(*)::int AS alerts,
            count(DISTINCT incident_id)::int AS incidents,
            count(*) FILTER (WHERE kind <> 'BREACHED' OR clock <> 'FIRST_RESPONSE' OR at <> due_at)::int AS other,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM created_at - at) * 1000) AS start_p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM created_at - at) * 1000) AS start_p99
       FROM sla_alert`,
  );
  const wrongStamp = (
    await db.query(
      `SELECT count(*)::int AS n FROM sla_alert a JOIN incident i ON i.id = a.incident_id
        WHERE a.at <> i.opened_at + interval '2 hours'`,
    )
  )[0].n;
  await pg?.end();

  // ── report ─────────────────────────────────────────────────────────────────────────────
  const lags = [...commitLag].sort((a, b) => a - b);
  const p50 = percentile(lags, 50);
  const p90 = percentile(lags, 90);
  const p99 = percentile(lags, 99);
  const max = lags[lags.length - 1];
  const seconds = windowMs / 1000;
  const watcherStatements = byOwner.watcher;
  const sizes = batches.map((b) => b.size);
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);
  const decided = lags.length;
  const perIncidentMs = sum(batches.map((b) => b.ms)) / decided;
  const perIncidentSqlMs = sum(batches.map((b) => b.sqlMs)) / decided;
  const perIncidentDecideMs = sum(batches.map((b) => b.decideMs)) / decided;

  console.log(`\nwindow ${seconds.toFixed(1)} s, ${decided.toLocaleString("en-US")} of ${N.toLocaleString("en-US")} decisions committed; ${batches.length} decision transactions`);
  console.log(
    `batch size: mean ${(sum(sizes) / sizes.length).toFixed(1)}, p50 ${percentile([...sizes].sort((a, b) => a - b), 50)}, max ${Math.max(...sizes)}; ` +
      `transaction ${(sum(batches.map((b) => b.ms)) / batches.length).toFixed(1)} ms mean`,
  );
  console.log(
    `per decided incident: ${perIncidentMs.toFixed(2)} ms of decision transaction, of which ${perIncidentSqlMs.toFixed(2)} ms awaiting SQL ` +
      `(every statement of the batch, BEGIN…COMMIT) and ${(perIncidentMs - perIncidentSqlMs).toFixed(2)} ms in Node (decideDue: ${perIncidentDecideMs.toFixed(2)} ms, its SQL included)`,
  );
  console.log(
    `CPU: this process ${((cpu.user + cpu.system) / 1e6 / seconds * 100).toFixed(0)} % of a core (event loop ${(elu.utilization * 100).toFixed(0)} % busy, delay p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms)` +
      (pgCpu === null ? "" : `; this database's PostgreSQL backends ${((pgCpu / seconds) * 100).toFixed(0)} % of a core`),
  );
  console.log(`\nstatements over the window (${totalStatements.toLocaleString("en-US")}, ${(totalStatements / seconds).toFixed(0)}/s):`);
  console.log(`  by sender: watcher ${byOwner.watcher}, relay ${byOwner.relay}, other ${byOwner.other}`);
  for (const [k, v] of [...counted.entries()].sort((a, b) => b[1].n - a[1].n)) {
    console.log(`  ${String(v.n).padStart(8)}  ${(v.n / seconds).toFixed(1).padStart(7)}/s  ${(v.n / decided).toFixed(2).padStart(6)}/decision  ${(v.ms / v.n).toFixed(2).padStart(6)} ms avg  ${k}`);
  }
  if (xact0 !== null) console.log(`pg_stat_database.xact_commit: ${(xact1 - xact0).toLocaleString("en-US")} transactions (${((xact1 - xact0) / seconds).toFixed(0)}/s, every autocommit statement counts as one)`);
  console.log(
    `cross-check (sla_alert): ${check.alerts} alerts for ${check.incidents} incidents, ${check.other} not a first-response BREACHED at its due, ${wrongStamp} stamped off the rule; ` +
      `created_at (transaction start) − at: p50 ${Number(check.start_p50).toFixed(0)} ms, p99 ${Number(check.start_p99).toFixed(0)} ms`,
  );

  const rows = [
    ["decisions committed", `${decided} / ${N}`, `${N} / ${N}`, decided === N && check.alerts === N && check.incidents === N],
    ["incidents decided twice", `${decidedIds.length - new Set(decidedIds).size}`, "0", decidedIds.length === new Set(decidedIds).size && check.alerts === decided],
    ["stamped at the rule's instant", `${check.alerts - check.other - wrongStamp} / ${check.alerts}`, "all", check.other === 0 && wrongStamp === 0],
    ["lag due → commit p50", `${p50} ms`, "", true],
    ["lag due → commit p90", `${p90} ms`, "", true],
    ["lag due → commit p99", `${p99} ms`, `≤ ${GOAL_P99_MS} ms`, p99 <= GOAL_P99_MS],
    ["lag due → commit max", `${max} ms`, "", true],
    ["watcher statements/s", `${(watcherStatements / seconds).toFixed(0)} (${(watcherStatements / decided).toFixed(2)} per decision)`, "", true],
    ["all product statements/s", `${(totalStatements / seconds).toFixed(0)}`, "", true],
  ];
  console.log(`\n${"figure".padEnd(32)} ${"measured".padEnd(28)} ${"goal".padEnd(12)} ok`);
  for (const [name, value, goal, ok] of rows) console.log(`${name.padEnd(32)} ${String(value).padEnd(28)} ${goal.padEnd(12)} ${goal ? (ok ? "yes" : "NO") : ""}`);
  if (!rows.every((r) => r[3])) exitCode = 1;
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  console.log(`machine: ${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(2)).join(" / ")} (1 / 5 / 15 min) at the end`);
  await app?.close().catch(() => undefined);
  await store.drop().catch((err) => console.error(`could not drop ${store.name}: ${err.message}`));
}
process.exit(exitCode);
