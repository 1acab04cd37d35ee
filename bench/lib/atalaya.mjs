// Shared by the database benchmarks (watcher, incidents-list): the compiled server, a fresh
// store (a new PostgreSQL database when DATABASE_URL is set, else an embedded PGlite
// folder), bulk seeding of incidents whose SLA history is computed by the compiled domain,
// and a statement counter over the product's own query runner.
//
// Not a benchmark itself (bench/run.mjs runs only *.bench.mjs).
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const distUrl = (p) => new URL(`../../server/dist/server/src/${p}`, import.meta.url);

/** The compiled server's modules (build first: pnpm --filter @atalaya/server build). */
export async function loadServer(name) {
  // as `pnpm start` runs it: graphql-js checks every instanceof twice outside production
  process.env.NODE_ENV ??= "production";
  if (!existsSync(fileURLToPath(distUrl("app.js")))) {
    console.error(`${name}: build the server first (cd /work/main && pnpm --filter @atalaya/server build)`);
    process.exit(1);
  }
  const [app, config, logger, dataSource, domain, policy] = await Promise.all([
    import(distUrl("app.js").href),
    import(distUrl("platform/config.js").href),
    import(distUrl("platform/logger.js").href),
    import(distUrl("platform/data-source.js").href),
    import(distUrl("domain/index.js").href),
    import(distUrl("modules/sla-policy/sla-policy.service.js").href),
  ]);
  return {
    startApp: app.startApp,
    loadConfig: config.loadConfig,
    createLogger: logger.createLogger,
    Db: dataSource.Db,
    domain,
    SlaPolicyService: policy.SlaPolicyService,
  };
}

/** A new, empty store: a fresh PostgreSQL database (DATABASE_URL) or a temp PGlite folder. */
export async function freshStore(prefix) {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const pg = (await import("pg")).default;
    const name = `${prefix}_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return {
      kind: "postgresql",
      name,
      url: url.toString(),
      env: { DATABASE_URL: url.toString() },
      async drop() {
        const c = new pg.Client({ connectionString: adminUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { kind: "embedded", name: dir, url: null, env: { DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Inserts incidents in bulk (`INSERT … SELECT FROM jsonb_to_recordset`, `chunk` a statement).
 * `make(i)` gives one incident: { severity, channel, openedAt, recordedAt, history, now,
 * productId, requesterId, assigneeId?, title }. `history` is its SLA history; the
 * projection (status, level, clocks' flags, next_due_at, next_decision_at) is derived from it
 * at `now` by the compiled domain, as the service does. Returns [{ id, next }] in order.
 */
export async function seedIncidents(db, domain, count, make, { chunk = 1000, onChunk } = {}) {
  const out = [];
  for (let from = 0; from < count; from += chunk) {
    const rows = [];
    for (let i = from; i < Math.min(count, from + chunk); i++) {
      const x = make(i);
      const d = domain.deriveIncident(x.history, x.now);
      rows.push({
        ord: i,
        number: `INC-${String(i + 1).padStart(6, "0")}`,
        title: x.title,
        description: x.description ?? "Seeded by a benchmark.",
        severity: d.severity,
        channel: x.channel,
        status: d.status,
        level: d.level,
        product_id: x.productId,
        requester_id: x.requesterId,
        assignee_id: x.assigneeId ?? null,
        opened_at: new Date(x.openedAt).toISOString(),
        recorded_at: new Date(x.recordedAt).toISOString(),
        first_responded_at: d.firstRespondedAt === null ? null : new Date(d.firstRespondedAt).toISOString(),
        next_due_at: d.nextDueAt === null ? null : new Date(d.nextDueAt).toISOString(),
        next_decision_at: d.nextDecisionAt === null ? null : new Date(d.nextDecisionAt).toISOString(),
        overdue: d.overdue,
        breached: d.breached,
        at_risk: d.atRisk,
        channel_mismatch: d.channelMismatch,
        sla_history: x.history,
      });
    }
    const inserted = await db.query(
      `INSERT INTO incident (number, title, description, severity, channel, status, level, product_id, requester_id, assignee_id, opened_at, recorded_at,
                             first_responded_at, next_due_at, next_decision_at, overdue, breached, at_risk, channel_mismatch, sla_history)
       SELECT r.number, r.title, r.description, r.severity, r.channel, r.status, r.level, r.product_id, r.requester_id, r.assignee_id, r.opened_at, r.recorded_at,
              r.first_responded_at, r.next_due_at, r.next_decision_at, r.overdue, r.breached, r.at_risk, r.channel_mismatch, r.sla_history
         FROM jsonb_to_recordset($1::jsonb) AS r(ord int, number text, title text, description text, severity text, channel text, status text, level text,
              product_id uuid, requester_id uuid, assignee_id uuid, opened_at timestamptz, recorded_at timestamptz, first_responded_at timestamptz,
              next_due_at timestamptz, next_decision_at timestamptz, overdue boolean, breached boolean, at_risk boolean, channel_mismatch boolean, sla_history jsonb)
        ORDER BY r.ord
       RETURNING id, next_decision_at`,
      [JSON.stringify(rows)],
    );
    for (const r of inserted) out.push({ id: r.id, next: r.next_decision_at ? r.next_decision_at.getTime() : null });
    onChunk?.(Math.min(count, from + chunk));
  }
  await db.query(`SELECT setval('incident_number_seq', $1)`, [count]);
  return out;
}

/** The targets in force per severity, as the service records them in OPENED events. */
export async function policyOf(server, db) {
  return new server.SlaPolicyService(db, async () => 0).policy();
}

/** A coarse name for a statement: its verb and main table (or its text, when short). */
export function classify(sql) {
  const s = sql.replace(/\s+/g, " ").trim();
  if (/^(START TRANSACTION|SET TRANSACTION|COMMIT|ROLLBACK)/i.test(s)) return s.replace(/ ISOLATION LEVEL .*/i, " ISOLATION LEVEL …");
  if (/pg_advisory|pg_try_advisory/i.test(s)) return s.replace(/\(\$\d+\).*/, "(…)");
  const m = /^(SELECT|INSERT INTO|UPDATE|DELETE FROM|WITH)\b/i.exec(s);
  const verb = m ? m[1].toUpperCase() : s.split(" ")[0];
  const table = /\b(?:FROM|INTO|UPDATE)\s+([a-z_]+)/i.exec(s)?.[1] ?? "";
  if (verb === "SELECT" && /min\(next_decision_at\)/i.test(s)) return "SELECT min(next_decision_at) FROM incident";
  if (verb === "SELECT" && /FOR UPDATE/i.test(s)) return `SELECT … FROM ${table} … FOR UPDATE${/SKIP LOCKED/i.test(s) ? " SKIP LOCKED" : ""}`;
  if (verb === "SELECT" && /ORDER BY next_decision_at/i.test(s)) return "SELECT due incidents (ORDER BY next_decision_at LIMIT batch)";
  if (s.length <= 40) return s;
  return `${verb} ${table}`.trim();
}

/**
 * Counts (and times) every statement the product sends through its TypeORM query runners
 * (BEGIN/SET/COMMIT included: TypeORM sends them as statements too), by `classify`;
 * only those sent while `filter()` holds (it runs in the sender's async context).
 */
export function countStatements(db, filter = () => true) {
  const probe = db.dataSource.createQueryRunner();
  const proto = Object.getPrototypeOf(probe);
  void probe.release();
  const original = proto.query;
  const stats = new Map();
  let total = 0;
  let onStatement = null;
  proto.query = async function (query, parameters, structured) {
    if (!filter()) return original.call(this, query, parameters, structured);
    total++;
    const started = performance.now();
    try {
      return await original.call(this, query, parameters, structured);
    } finally {
      const ms = performance.now() - started;
      const key = classify(query);
      const s = stats.get(key) ?? { n: 0, ms: 0 };
      s.n++;
      s.ms += ms;
      stats.set(key, s);
      onStatement?.(key, ms, query, parameters);
    }
  };
  return {
    get total() {
      return total;
    },
    stats,
    reset() {
      total = 0;
      stats.clear();
    },
    set onStatement(fn) {
      onStatement = fn;
    },
    restore() {
      proto.query = original;
    },
  };
}

/**
 * CPU seconds (user + system) per process id, read from /proc, for the given PostgreSQL
 * backends (a local server only; null otherwise). Take one snapshot before and one after and
 * pass both to `cpuDelta`: backends that came or went in between are left out, so other
 * databases' short-lived sessions on a shared server do not count.
 */
export function cpuSnapshot(url, pids) {
  if (!url || !/@(127\.0\.0\.1|localhost)[:/]/.test(url)) return null;
  const out = new Map();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / 100); // utime, stime (clock ticks)
    } catch {
      // not on this machine, or gone
    }
  }
  return out.size > 0 ? out : null;
}

export function cpuDelta(before, after) {
  if (!before || !after) return null;
  let s = 0;
  for (const [pid, v] of after) if (before.has(pid)) s += v - before.get(pid);
  return s;
}

/** The process ids of every session on the current database (the product's pool, the bench's own clients). */
export async function backendPids(query) {
  return (await query("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")).map((r) => r.pid);
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Deterministic PRNG (mulberry32): every run of a benchmark measures the same data. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
