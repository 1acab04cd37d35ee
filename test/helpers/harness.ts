/**
 * Integration harness: real PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set
 * (CI sets both), the embedded default otherwise; real HTTP and WebSocket servers on free
 * ports. A test that needs a real part it cannot have skips only outside CI, and says so.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { startApp, type App } from "../../server/src/app.js";
import { loadConfig, type Config } from "../../server/src/platform/config.js";
import { createLogger } from "../../server/src/platform/logger.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const base: Config = loadConfig();
export const ADMIN_KEY = "test-admin-key-0123456789abcdef";

/** Whether a real part is available; outside CI a missing one skips the test with a note, under CI it fails. */
export function need(part: "postgres" | "redis", available: boolean): boolean {
  if (available) return true;
  if (base.ci) throw new Error(`${part} is required under CI=true (set ${part === "postgres" ? "DATABASE_URL" : "REDIS_URL"})`);
  console.warn(`[skipped] ${part} not configured: tests that need it are skipped (CI runs them)`);
  return false;
}

export const hasPostgres = Boolean(base.databaseUrl);
export const hasRedis = Boolean(base.redisUrl);

/** A new, empty PostgreSQL database for one test file; dropped by `drop()`. */
export async function freshPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = base.databaseUrl!;
  const name = `atalaya_t_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function tempDir(prefix = "atalaya-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestServer {
  app: App;
  url: string;
  admin: Gql;
  close(): Promise<void>;
}

/**
 * Starts the product in this process on a free port: on a fresh PostgreSQL database when
 * available (else embedded PGlite in a temp folder), with Redis when `redis` is given.
 */
export async function startServer(opts: { databaseUrl?: string | null; redisUrl?: string | null; env?: Record<string, string> } = {}): Promise<TestServer> {
  let drop: (() => Promise<void>) | undefined;
  let databaseUrl = opts.databaseUrl ?? undefined;
  if (opts.databaseUrl === undefined && hasPostgres) {
    const db = await freshPostgres();
    databaseUrl = db.url;
    drop = db.drop;
  }
  const dataDir = databaseUrl ? undefined : tempDir();
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    ADMIN_API_KEY: ADMIN_KEY,
    LOG_LEVEL: "warn",
    RELAY_INTERVAL_MS: "50",
    // tests send bursts; the limiter has tests of its own
    RATE_LIMIT: "1000000",
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir }),
    ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
    ...opts.env,
  });
  const app = await startApp(config, createLogger(config.logLevel));
  return {
    app,
    url: app.url,
    admin: new Gql(app.url, ADMIN_KEY),
    async close() {
      await app.close();
      await drop?.();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface GqlResult<T = any> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string; [k: string]: unknown } }>;
}

/** A GraphQL-over-HTTP client with one API key. */
export class Gql {
  constructor(
    readonly url: string,
    readonly key: string | null,
  ) {}

  async request<T = any>(query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>> {
    const res = await fetch(`${this.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(this.key ? { authorization: `Bearer ${this.key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as Omit<GqlResult<T>, "status">;
    return { status: res.status, ...body };
  }

  /** Like request, but fails the test on any error. */
  async ok<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const r = await this.request<T>(query, variables);
    if (r.errors?.length) throw new Error(`GraphQL error: ${JSON.stringify(r.errors)}`);
    return r.data as T;
  }

  as(key: string | null): Gql {
    return new Gql(this.url, key);
  }
}

/** A stock graphql-ws client over a real WebSocket. */
export function wsClient(url: string, key: string): Client {
  return createClient({
    url: `${url.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${key}` },
    retryAttempts: 0,
    lazy: true,
  });
}

/** Collects what a subscription pushes; `until(n)` waits for n items (or fails after `ms`). */
export function collect<T = any>(client: Client, query: string, variables?: Record<string, unknown>) {
  const items: T[] = [];
  const errors: unknown[] = [];
  let wake: (() => void) | undefined;
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (v) => {
        if (v.errors) errors.push(v.errors);
        if (v.data) items.push(v.data as T);
        wake?.();
      },
      error: (e) => {
        errors.push(e);
        wake?.();
      },
      complete: () => undefined,
    },
  );
  return {
    items,
    errors,
    dispose,
    async until(n: number, ms = 5_000): Promise<T[]> {
      const deadline = Date.now() + ms;
      while (items.length < n && errors.length === 0) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${n} pushes within ${ms} ms, got ${items.length}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.min(left, 100));
        });
      }
      if (errors.length) throw new Error(`subscription error: ${JSON.stringify(errors)}`);
      return items;
    },
  };
}

/** Waits until a subscription is live on the server (graphql-ws acknowledges lazily). */
export async function settle(ms = 300): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

export interface Spawned {
  url: string;
  proc: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs the built product (`pnpm build` first) as a separate process on a free port. */
export async function spawnServer(env: Record<string, string>): Promise<Spawned> {
  const main = path.join(ROOT, "server/dist/server/src/main.js");
  if (!fs.existsSync(main)) throw new Error("server/dist is missing: run `pnpm build` before the integration tests");
  const proc = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? "", PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", RELAY_INTERVAL_MS: "50", RATE_LIMIT: "1000000", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${out}`)), 30_000);
    const check = () => {
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)\/graphql"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout!.on("data", check);
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    proc,
    output: () => out,
    stop(signal: NodeJS.Signals = "SIGTERM") {
      return new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve(proc.exitCode);
        proc.once("exit", (code) => resolve(code));
        proc.kill(signal);
      });
    },
  };
}

/** Opens a product and returns a helper to open incidents against it. */
export async function seed(gql: Gql, code = "ERP") {
  await gql.ok(`mutation($c: String!) { createProduct(code: $c, name: "Test product") { id } }`, { c: code });
  return {
    product: code,
    open(extra: Record<string, unknown> = {}) {
      return gql.ok<{ openIncident: { incident: { id: string; number: string } } }>(
        `mutation($input: OpenIncidentInput!) { openIncident(input: $input) { incident { id number status level severity } suggestedArticles { score } } }`,
        {
          input: {
            title: "Printer does not print",
            description: "Since this morning the office printer refuses every job.",
            productCode: code,
            channel: "EMAIL",
            severity: "HIGH",
            requester: { name: "Ana Pérez", email: `ana.${randomBytes(3).toString("hex")}@example.com`, organization: "ACME" },
            ...extra,
          },
        },
      );
    },
  };
}
