// Issue 10 item 6: the API against bare baselines, each measured in the same run.
//  1. `incidents(first: 50)` with clocks over HTTP: requests/s of Atalaya ÷ a bare node:http + pg
//     server returning the same JSON (one SQL statement, clocks derived by the same compiled
//     domain code; goal ≥ 0.6) and p50 latency ratio (goal ≤ 2×). 5,000 seeded incidents. The
//     load generator is a separate Node process: C concurrent keep-alive fetch loops for T s.
//  2. 1,000 graphql-ws subscribers (in a separate process) on incidentEvents: p99 time until the
//     last subscriber has each event, from the mutation's commit (its HTTP answer), ÷ a raw `ws`
//     broadcast of the same bytes from a bare server process to 1,000 raw sockets (goal ≤ 1.5×);
//     server CPU per delivery ÷ raw (goal ≤ 3×; Atalaya's CPU for the same mutations with nobody
//     subscribed is subtracted); RSS added per 1,000 subscribers (goal ≤ 60 MB).
//  3. mutation commit → subscriber receipt p99 (every event × every subscriber).
// PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set (printed); the HTTP baseline needs
// PostgreSQL (part 1 is skipped on the embedded store). Build first: pnpm build.
//   API_BENCH_INCIDENTS=5000 API_BENCH_SECONDS=10 API_BENCH_CONCURRENCY=16 API_BENCH_SUBSCRIBERS=1000 API_BENCH_EVENTS=100
//   API_BENCH_ONLY=subscribers (parts 2 and 3 alone) or http (part 1 alone)  API_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p" (the server's node flags)
import { fork } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "../server/dist/server/src");
const role = process.argv[2];
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const ADMIN = "bench-admin-key-0123456789abcdef";

const QUERY = `query($first: Int) { incidents(first: $first) { totalCount edges { cursor node {
  id number title status severity level openedAt nextDueAt
  product { code name } requester { name organization }
  clocks { kind cycle level state startedAt dueAt elapsedSeconds remainingSeconds atRisk }
} } } }`;

// ───────────────────────────── child roles ─────────────────────────────
if (role === "baseline-http") {
  // a bare node:http + pg server answering the same JSON as Atalaya for incidents(first: 50)
  const pg = (await import("pg")).default;
  const domain = await import(path.join(dist, "domain/index.js"));
  const pool = new pg.Pool({ connectionString: process.argv[3], max: 10 });
  const SQL = `SELECT i.id, i.number, i.title, i.status, i.severity, i.level, i.opened_at, i.sla_history,
                      p.code AS product_code, p.name AS product_name, c.name AS requester_name, c.organization AS requester_organization,
                      (SELECT count(*) FROM incident) AS total
                 FROM incident i JOIN product p ON p.id = i.product_id JOIN contact c ON c.id = i.requester_id
                ORDER BY i.opened_at DESC, i.id DESC LIMIT $1`;
  const iso = (ms) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
  const b64 = (s) => Buffer.from(s, "utf8").toString("base64url");
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const first = body.variables?.first ?? 50;
      const { rows } = await pool.query(SQL, [first]);
      const t = Date.now();
      const edges = rows.map((r) => {
        let at = t;
        for (const e of r.sla_history) if (e.at > at) at = e.at;
        const d = domain.deriveIncident(r.sla_history, at);
        return {
          cursor: b64(JSON.stringify([r.opened_at.toISOString(), r.id])),
          node: {
            id: b64(`Incident:${r.id}`),
            number: r.number,
            title: r.title,
            status: r.status,
            severity: r.severity,
            level: r.level,
            openedAt: r.opened_at.toISOString(),
            nextDueAt: iso(d.nextDueAt),
            product: { code: r.product_code, name: r.product_name },
            requester: { name: r.requester_name, organization: r.requester_organization },
            clocks: d.clocks.map((c) => ({ kind: c.kind, cycle: c.cycle, level: c.level ?? null, state: c.state, startedAt: iso(c.startedAt), dueAt: iso(c.dueAt), elapsedSeconds: c.elapsedSeconds, remainingSeconds: c.remainingSeconds, atRisk: c.atRisk })),
          },
        };
      });
      const out = JSON.stringify({ data: { incidents: { totalCount: Number(rows[0]?.total ?? 0), edges } } });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(out);
    });
  });
  server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
} else if (role === "load") {
  // C concurrent keep-alive fetch loops for `seconds`: { count, p50, p99 }
  const [url, auth, seconds, concurrency] = [process.argv[3], process.argv[4], Number(process.argv[5]), Number(process.argv[6])];
  const body = JSON.stringify({ query: QUERY, variables: { first: 50 } });
  const headers = { "content-type": "application/json", ...(auth !== "-" ? { authorization: auth } : {}) };
  const one = async () => {
    const r = await fetch(url, { method: "POST", headers, body });
    const text = await r.text();
    if (r.status !== 200 || text.includes('"errors"')) throw new Error(`${r.status} ${text.slice(0, 200)}`);
  };
  const run = async (ms, lat) => {
    const end = now() + ms;
    let count = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (now() < end) {
          const t0 = now();
          await one();
          lat?.push(now() - t0);
          count++;
        }
      }),
    );
    return count;
  };
  await run(2_000); // warm-up
  const lat = [];
  const t0 = now();
  const count = await run(seconds * 1000, lat);
  const elapsed = (now() - t0) / 1000;
  process.send({ count, rps: count / elapsed, p50: pct(lat, 50), p99: pct(lat, 99) });
  process.exit(0);
} else if (role === "raw-ws") {
  // a bare ws server: POST /broadcast sends the body's bytes to every socket
  const { WebSocketServer } = await import("ws");
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const data = Buffer.concat(chunks).toString("utf8");
      const t0 = now();
      for (const c of wss.clients) c.send(data);
      res.end(JSON.stringify({ t0 }));
    });
  });
  const wss = new WebSocketServer({ server, path: "/raw" });
  server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
} else if (role === "subscribers") {
  // n clients (graphql-ws or raw ws); receipt times by event sequence, reported on request
  const [mode, url, n] = [process.argv[3], process.argv[4], Number(process.argv[5])];
  const WebSocket = (await import("ws")).default;
  const receipts = new Map();
  const note = (seq) => {
    const t = now();
    let xs = receipts.get(seq);
    if (!xs) receipts.set(seq, (xs = []));
    xs.push(t);
  };
  const clients = [];
  if (mode === "graphql-ws") {
    const { createClient } = await import("graphql-ws");
    let acked = 0;
    for (let i = 0; i < n; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, n - i) }, () => {
          const c = createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${ADMIN}` }, retryAttempts: 0, lazy: false, on: { connected: () => acked++ } });
          clients.push(c);
          c.subscribe({ query: `subscription($id: ID) { incidentEvents(incidentId: $id) { sequence type incident { id number status } } }`, variables: { id: process.argv[6] } }, { next: (v) => v.data?.incidentEvents?.type === "COMMENTED" && note(v.data.incidentEvents.sequence), error: (e) => console.error("subscription error", e?.message ?? JSON.stringify(e)), complete: () => undefined });
          return new Promise((r) => c.on("connected", r));
        }),
      );
    }
    process.send({ ready: acked });
  } else {
    for (let i = 0; i < n; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, n - i) }, () => {
          const ws = new WebSocket(url);
          clients.push(ws);
          ws.on("message", (data) => note(JSON.parse(data.toString()).payload.data.incidentEvents.sequence));
          return new Promise((r) => ws.on("open", r));
        }),
      );
    }
    process.send({ ready: clients.length });
  }
  process.on("message", async (m) => {
    if (m === "report") process.send({ receipts: Object.fromEntries(receipts) });
    if (m === "close") {
      for (const c of clients) (c.dispose ? c.dispose() : c.close());
      await sleep(300);
      process.exit(0);
    }
  });
} else {
  await main();
}

// ───────────────────────────── orchestration ─────────────────────────────
function child(args, env = {}) {
  const p = fork(fileURLToPath(import.meta.url), args, { stdio: ["ignore", "inherit", "inherit", "ipc"], env: { ...process.env, ...env } });
  const next = () => new Promise((resolve, reject) => {
    const onMsg = (m) => {
      p.off("exit", onExit);
      resolve(m);
    };
    const onExit = (c) => {
      p.off("message", onMsg);
      reject(new Error(`${args[0]} exited with ${c}`));
    };
    p.once("message", onMsg);
    p.once("exit", onExit);
  });
  return { p, next };
}
function cpuMs(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) * (1000 / 100); // utime + stime, USER_HZ = 100
}
function sysMs(pid) {
  return Number(fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")[12]) * 10; // stime alone
}
function rssMb(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;
}

async function main() {
  if (!fs.existsSync(path.join(dist, "main.js"))) {
    console.error("build first: cd /work/main && pnpm build");
    process.exit(2);
  }
  const { loadServer, freshStore, seedIncidents, policyOf } = await import("./lib/atalaya.mjs");
  const { spawn } = await import("node:child_process");
  const N = Number(process.env.API_BENCH_INCIDENTS ?? 5_000);
  const SECONDS = Number(process.env.API_BENCH_SECONDS ?? 10);
  const C = Number(process.env.API_BENCH_CONCURRENCY ?? 16);
  const SUBS = Number(process.env.API_BENCH_SUBSCRIBERS ?? 1_000);
  const EVENTS = Number(process.env.API_BENCH_EVENTS ?? 100); // the p99 of 40 was their maximum
  const ONLY = process.env.API_BENCH_ONLY;
  const server = await loadServer("api");
  const store = await freshStore("atalaya_bench_api");
  const redis = process.env.REDIS_URL;
  console.log(
    `api: node ${process.version}, ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB, load ${os.loadavg().map((x) => x.toFixed(2)).join(" / ")}; ` +
      `store: ${store.kind === "postgresql" ? `PostgreSQL (${store.name})` : `embedded PGlite (${store.name})`}; bus: ${redis ? "Redis" : "in-process"}`,
  );
  const results = [];
  const row = (what, value, goal, ok) => results.push({ what, value, goal, ok });
  let atalaya;
  try {
    // ── seed 5,000 incidents (the product's own domain derives each projection) ──
    const config = server.loadConfig({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn", ADMIN_API_KEY: ADMIN, ...store.env });
    const db = await server.Db.connect(config);
    await db.migrate();
    const products = await db.query(`INSERT INTO product (code, name) SELECT 'P' || g, 'Product ' || g FROM generate_series(1, 5) g RETURNING id, code`);
    const contacts = await db.query(`INSERT INTO contact (name, email, organization) SELECT 'Requester ' || g, 'r' || g || '@example.com', 'Org ' || (g % 40) FROM generate_series(1, 500) g RETURNING id`);
    const policy = await policyOf(server, db);
    const t = Date.now();
    const sev = ["CRITICAL", "HIGH", "NORMAL", "NORMAL", "HIGH"];
    const ch = { CRITICAL: "PHONE", HIGH: "EMAIL", NORMAL: "WEB" };
    await seedIncidents(db, server.domain, N, (i) => {
      const severity = sev[i % sev.length];
      const openedAt = t - 8 * 3600_000 + i * Math.floor((8 * 3600_000) / N);
      let history = [{ type: "OPENED", at: openedAt, recordedAt: openedAt, severity, level: "L1", channel: ch[severity], productCode: products[i % 5].code, targets: policy[severity] }];
      if (i % 3 !== 0) {
        const replyAt = Math.min(t - 1000, openedAt + ((i * 7919) % 40) * 60_000);
        history = server.domain.applyPendingDecisions(history, replyAt);
        history.push({ type: "COMMENTED", at: replyAt, visibility: "PUBLIC", authorKind: "AGENT", channel: "EMAIL" });
      }
      history = server.domain.applyPendingDecisions(history, t);
      return { title: `Incident ${i}: the invoice run stops`, channel: ch[severity], openedAt, recordedAt: openedAt, history, now: t, productId: products[i % 5].id, requesterId: contacts[i % 500].id };
    });
    await db.query(store.kind === "postgresql" ? "VACUUM ANALYZE" : "ANALYZE");
    await db.close();
    console.log(`seeded ${N} incidents in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    // ── Atalaya in its own process ──
    const proc = spawn(process.execPath, [...(process.env.API_BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? []), path.join(dist, "main.js")], {
      env: { PATH: process.env.PATH, NODE_ENV: "production", PORT: "0", HOST: "127.0.0.1", ADMIN_API_KEY: ADMIN, LOG_LEVEL: "info", RATE_LIMIT: "10000000", WS_CONNECTIONS_PER_KEY: "100000", ...(redis ? { REDIS_URL: redis } : {}), ...store.env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    atalaya = proc;
    let out = "";
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start in 60 s: ${out}`)), 60_000);
      const onData = (d) => {
        out += d;
        const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)\/graphql"/.exec(out);
        if (m) {
          clearTimeout(timer);
          proc.stdout.off("data", onData);
          proc.stdout.resume();
          resolve(m[1]);
        }
      };
      proc.stdout.on("data", onData);
      proc.on("exit", (c) => reject(new Error(`server exited ${c}: ${out}`)));
    });
    const gql = async (query, variables) => {
      const r = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN}` }, body: JSON.stringify({ query, variables }) });
      const b = await r.json();
      if (b.errors) throw new Error(JSON.stringify(b.errors));
      return b.data;
    };

    // ── 1. incidents(first: 50) over HTTP vs bare node:http + pg ──
    if (ONLY === "subscribers") {
      console.log("part 1 skipped (API_BENCH_ONLY=subscribers)");
    } else if (store.kind === "postgresql") {
      const base = child(["baseline-http", store.url]);
      const { port } = await base.next();
      const baseUrl = `http://127.0.0.1:${port}/graphql`;
      // the same JSON? (time-dependent clock figures aside)
      const strip = (d) => JSON.stringify(d, (k, v) => (["elapsedSeconds", "remainingSeconds", "atRisk", "state", "nextDueAt", "dueAt"].includes(k) ? undefined : v));
      const a = await (await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN}` }, body: JSON.stringify({ query: QUERY, variables: { first: 50 } }) })).json();
      const b = await (await fetch(baseUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: QUERY, variables: { first: 50 } }) })).json();
      const same = strip(a) === strip(b);
      console.log(`baseline answers the same JSON (clock figures that move with time aside): ${same ? "yes" : "NO"}; ${JSON.stringify(a).length} bytes`);
      if (!same) console.log(`  atalaya:  ${strip(a).slice(0, 400)}\n  baseline: ${strip(b).slice(0, 400)}`);
      const load = async (target, auth) => {
        const l = child(["load", target, auth, String(SECONDS), String(C)]);
        return l.next();
      };
      // alternate, twice each, and keep the better run of each (the machine is shared)
      const runs = { atalaya: [], base: [] };
      for (let i = 0; i < 2; i++) {
        runs.atalaya.push(await load(`${url}/graphql`, `Bearer ${ADMIN}`));
        runs.base.push(await load(baseUrl, "-"));
      }
      const best = (xs) => xs.reduce((m, x) => (x.rps > m.rps ? x : m));
      const A = best(runs.atalaya);
      const B = best(runs.base);
      console.log(`incidents(first: 50), ${C} concurrent keep-alive fetches for ${SECONDS} s (separate process):`);
      for (const [name, xs] of Object.entries(runs)) for (const x of xs) console.log(`  ${name.padEnd(8)} ${x.rps.toFixed(0)} req/s, p50 ${x.p50.toFixed(1)} ms, p99 ${x.p99.toFixed(1)} ms`);
      row(`incidents(first: 50) req/s: Atalaya ${A.rps.toFixed(0)} ÷ bare node:http+pg ${B.rps.toFixed(0)}`, (A.rps / B.rps).toFixed(2), "≥ 0.6", A.rps / B.rps >= 0.6);
      row(`incidents(first: 50) p50: Atalaya ${A.p50.toFixed(1)} ms ÷ bare ${B.p50.toFixed(1)} ms`, (A.p50 / B.p50).toFixed(2), "≤ 2×", A.p50 / B.p50 <= 2);
      base.p.kill();
    } else {
      console.log("part 1 skipped: the bare node:http + pg baseline needs PostgreSQL (set DATABASE_URL)");
    }

    // ── 2 and 3. 1,000 graphql-ws subscribers vs raw ws ──
    if (ONLY === "http") throw Object.assign(new Error("parts 2 and 3 skipped (API_BENCH_ONLY=http)"), { skip: true });
    const target = (await gql(`{ incidents(first: 1) { edges { node { id } } } }`)).incidents.edges[0].node.id;
    const comment = () => gql(`mutation($id: ID!) { addComment(input: { incidentId: $id, body: "bench", visibility: INTERNAL }) { id } }`, { id: target });
    const burst = async () => {
      const commits = [];
      for (let i = 0; i < EVENTS; i++) {
        await comment();
        commits.push(now());
        await sleep(250);
      }
      return commits;
    };
    // the same mutations with nobody subscribed: what the writes cost the server
    await burst();
    const cpuIdle0 = cpuMs(proc.pid);
    const sysIdle0 = sysMs(proc.pid);
    await burst();
    await sleep(1_000);
    const cpuWritesOnly = cpuMs(proc.pid) - cpuIdle0;
    const sysWritesOnly = sysMs(proc.pid) - sysIdle0;
    const rss0 = rssMb(proc.pid);

    const subs = child(["subscribers", "graphql-ws", `${url.replace(/^http/, "ws")}/graphql`, String(SUBS), target]);
    const ready = await subs.next();
    await sleep(3_000);
    const rss1 = rssMb(proc.pid);
    console.log(`graphql-ws: ${ready.ready} subscribers connected; server RSS ${rss0.toFixed(0)} → ${rss1.toFixed(0)} MB`);
    const cpu0 = cpuMs(proc.pid);
    const sys0 = sysMs(proc.pid);
    const seqBefore = (await gql(`{ wallboard { sequence } }`)).wallboard.sequence;
    const commits = await burst();
    await sleep(3_000);
    const cpuWithSubs = cpuMs(proc.pid) - cpu0; // the idle seconds cost ~0
    const sysWithSubs = sysMs(proc.pid) - sys0;
    subs.p.send("report");
    const { receipts } = await subs.next();
    console.log(`received sequences: ${Object.keys(receipts).length} (after ${seqBefore}): ${Object.keys(receipts).slice(0, 3).join(", ")}`);
    const seqs = Object.keys(receipts)
      .filter((s) => s !== "undefined" && BigInt(s) > BigInt(seqBefore))
      .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const lastLatency = [];
    const firstLatency = [];
    const all = [];
    let deliveries = 0;
    seqs.forEach((s, i) => {
      const t0 = commits[i];
      const xs = receipts[s];
      deliveries += xs.length;
      if (t0 === undefined) return;
      lastLatency.push(Math.max(...xs) - t0);
      firstLatency.push(Math.min(...xs) - t0);
      for (const x of xs) all.push(x - t0);
    });
    // a captured push, for the raw broadcast of the same bytes
    const sample = JSON.stringify({ id: "00000000-0000-4000-8000-000000000000", type: "next", payload: { data: { incidentEvents: { sequence: seqs[0] ?? "1", type: "COMMENTED", incident: { id: target, number: "INC-000001", status: "IN_PROGRESS" } } } } });
    subs.p.send("close");
    await new Promise((r) => subs.p.once("exit", r));
    console.log(`graphql-ws: ${seqs.length} events × ${ready.ready} subscribers = ${deliveries} deliveries (expected ${EVENTS * ready.ready})`);

    const raw = child(["raw-ws"]);
    const { port: rawPort } = await raw.next();
    const rawSubs = child(["subscribers", "raw", `ws://127.0.0.1:${rawPort}/raw`, String(SUBS)]);
    await rawSubs.next();
    await sleep(2_000);
    const rcpu0 = cpuMs(raw.p.pid);
    const rsys0 = sysMs(raw.p.pid);
    const rawT0 = [];
    for (let i = 0; i < EVENTS; i++) {
      const bytes = sample.replace(/"sequence":"\d+"/, `"sequence":"${900000 + i}"`);
      const r = await (await fetch(`http://127.0.0.1:${rawPort}/broadcast`, { method: "POST", body: bytes })).json();
      rawT0.push(r.t0);
      await sleep(250);
    }
    await sleep(2_000);
    const rawCpu = cpuMs(raw.p.pid) - rcpu0;
    const rawSys = sysMs(raw.p.pid) - rsys0;
    rawSubs.p.send("report");
    const rawRec = (await rawSubs.next()).receipts;
    const rawLast = [];
    let rawDeliveries = 0;
    for (let i = 0; i < EVENTS; i++) {
      const xs = rawRec[String(900000 + i)] ?? [];
      rawDeliveries += xs.length;
      if (xs.length) rawLast.push(Math.max(...xs) - rawT0[i]);
    }
    rawSubs.p.send("close");
    raw.p.kill();

    const p99 = pct(lastLatency, 99);
    const rawP99 = pct(rawLast, 99);
    const perDelivery = Math.max(0, cpuWithSubs - cpuWritesOnly) / Math.max(1, deliveries);
    const rawPerDelivery = rawCpu / Math.max(1, rawDeliveries);
    console.log(`until the last of ${SUBS} subscribers has an event: graphql-ws p50 ${pct(lastLatency, 50).toFixed(1)} / p99 ${p99.toFixed(1)} ms; raw ws p50 ${pct(rawLast, 50).toFixed(1)} / p99 ${rawP99.toFixed(1)} ms`);
    console.log(`until the first subscriber has it: graphql-ws p50 ${pct(firstLatency, 50).toFixed(1)} / p90 ${pct(firstLatency, 90).toFixed(1)} / p99 ${pct(firstLatency, 99).toFixed(1)} ms; last, p90 ${pct(lastLatency, 90).toFixed(1)} ms; slowest five (first/last): ${lastLatency.map((l, i) => [l, firstLatency[i]]).sort((a, b) => b[0] - a[0]).slice(0, 5).map(([l, f]) => `${f.toFixed(0)}/${l.toFixed(0)}`).join(" ")}`);
    console.log(`server CPU: ${cpuWithSubs} ms with subscribers (${sysWithSubs} ms of it in the kernel), ${cpuWritesOnly} ms for the same writes alone (${sysWritesOnly} kernel); raw ws ${rawCpu} ms (${rawSys} kernel) for ${rawDeliveries} deliveries`);
    row(`p99 until the last of ${SUBS} subscribers has an event: graphql-ws ${p99.toFixed(1)} ms ÷ raw ws ${rawP99.toFixed(1)} ms`, (p99 / rawP99).toFixed(2), "≤ 1.5×", p99 / rawP99 <= 1.5);
    row(`server CPU per delivery: ${(perDelivery * 1000).toFixed(1)} µs ÷ raw ws ${(rawPerDelivery * 1000).toFixed(1)} µs`, (perDelivery / rawPerDelivery).toFixed(2), "≤ 3×", perDelivery / rawPerDelivery <= 3);
    row(`RSS added per 1,000 subscribers`, `${(((rss1 - rss0) * 1000) / SUBS).toFixed(1)} MB`, "≤ 60 MB", ((rss1 - rss0) * 1000) / SUBS <= 60);
    row(`mutation commit → subscriber receipt (${all.length} receipts)`, `p50 ${pct(all, 50).toFixed(1)} ms, p99 ${pct(all, 99).toFixed(1)} ms`, "(reported)", true);
  } catch (err) {
    if (!err.skip) throw err;
    console.log(err.message);
  } finally {
    atalaya?.kill("SIGTERM");
    await sleep(1_000);
    await store.drop().catch(() => undefined);
  }
  console.log("\n| measure | value | goal | met |\n|---|---|---|---|");
  for (const r of results) console.log(`| ${r.what} | ${r.value} | ${r.goal} | ${r.ok ? "yes" : "NO"} |`);
  process.exit(0);
}
