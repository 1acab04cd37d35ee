/**
 * Helpers for the event-stream tests (replicas, ordering, rollback, Redis outage): a live
 * `incidentEvents` subscriber, a private redis-server on a free port, a `Sql` over a raw
 * `pg` client (to drive the product's own `appendEvents` from hand-made transactions),
 * deferreds and polling.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import net, { type AddressInfo } from "node:net";
import type pg from "pg";
import type { Client } from "graphql-ws";
import type { Sql } from "../../server/src/platform/data-source.js";
import type { NewEvent } from "../../server/src/modules/incident/incident-events.repo.js";
import { ADMIN_KEY, collect, settle, wsClient } from "./harness.js";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The lifecycle's event types: the knowledge base's KNOWLEDGE_SEARCHED (one per opening) is left out. */
export const LIFECYCLE_TYPES = ["OPENED", "RESPONDED", "COMMENTED", "SEVERITY_CHANGED", "POLICY_CHANGED", "ASSIGNED", "ESCALATED", "PAUSED", "RESUMED", "RESOLVED", "CLOSED", "REOPENED", "AT_RISK", "BREACHED", "ESCALATION_ALERT", "LINKED_TO_PROBLEM"];

/** Lifecycle events, optionally resuming right after `$after`. */
export const INCIDENT_EVENTS = `subscription($after: String, $types: [String!]) { incidentEvents(afterSequence: $after, types: $types) { sequence type incident { number } } }`;

export interface PushedEvent {
  incidentEvents: { sequence: string; type: string; incident: { number: string } };
}

export type EventSubscriber = Awaited<ReturnType<typeof subscribeEvents>>;

/**
 * Subscribes to `incidentEvents` on `url` (a fresh graphql-ws connection with the admin key)
 * and resolves once the connection is acknowledged and the subscription had time to reach
 * the server. `close()` is idempotent.
 */
export async function subscribeEvents(url: string, opts: { after?: string; key?: string } = {}) {
  const client: Client = wsClient(url, opts.key ?? ADMIN_KEY);
  let closed = false;
  const connected = new Promise<void>((resolve) => {
    const off = client.on("connected", () => {
      off();
      resolve();
    });
  });
  const sub = collect<PushedEvent>(client, INCIDENT_EVENTS, { after: opts.after ?? null, types: LIFECYCLE_TYPES });
  const close = async () => {
    if (closed) return;
    closed = true;
    sub.dispose();
    await client.dispose();
  };
  try {
    await within(connected, 10_000, "the graphql-ws connection was not acknowledged");
  } catch (err) {
    await close();
    throw err;
  }
  await settle(400);
  return {
    client,
    items: sub.items,
    errors: sub.errors,
    until: sub.until,
    /** Sequences received so far, in the order they were pushed. */
    sequences: () => sub.items.map((i) => i.incidentEvents.sequence),
    close,
  };
}

/** Resolves with `p`, or rejects with `message` after `ms`. */
export async function within<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${message} (within ${ms} ms)`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` until it returns true (or throws with `what` after `ms`). */
export async function eventually(check: () => boolean | Promise<boolean>, ms: number, what: string, every = 50): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(every);
  }
}

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** The product's `Sql` surface over a raw `pg` client (whatever transaction it is in). */
export function sqlOver(client: pg.ClientBase): Sql {
  return {
    async query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]) {
      return (await client.query(text, params as unknown[] | undefined)).rows as T[];
    },
    async execute(text: string, params?: readonly unknown[]) {
      return (await client.query(text, params as unknown[] | undefined)).rowCount ?? 0;
    },
    manager: undefined as never,
  };
}

/** A public comment event, as an agent-less integrator would add it. */
export function comment(text: string, at = new Date()): NewEvent {
  return { type: "COMMENTED", at, actorKind: "INTEGRATOR", actorAgentId: null, actorName: "test writer", public: true, data: { text } };
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Answers whether a Redis on `port` answers PING. */
async function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    let answer = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (d) => {
      answer += d.toString();
      if (answer.includes("\r\n")) done(answer.startsWith("+PONG"));
    });
  });
}

export interface RedisProcess {
  port: number;
  url: string;
  proc: ChildProcess;
  output(): string;
  /** Stops it (SIGTERM by default) and resolves when it exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts a private, non-persistent `redis-server` on `port` and waits until it answers PING. */
export async function startRedis(port: number): Promise<RedisProcess> {
  const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    else {
      proc.once("exit", () => resolve());
      proc.once("error", () => resolve());
    }
  });
  let failure: Error | undefined;
  proc.once("error", (err) => (failure = new Error(`redis-server could not start (is it on PATH?): ${err.message}`)));
  proc.once("exit", (code, signal) => (failure ??= new Error(`redis-server on port ${port} exited (${code ?? signal}):\n${out}`)));
  const handle: RedisProcess = {
    port,
    url: `redis://127.0.0.1:${port}`,
    proc,
    output: () => out,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
  try {
    await eventually(
      async () => {
        if (failure) throw failure;
        return pings(port);
      },
      10_000,
      `redis-server on port ${port} to answer PING`,
    );
  } catch (err) {
    await handle.stop("SIGKILL");
    throw err;
  }
  return handle;
}

/** Whether `redis-server` can be started here (the outage tests need it, CI may only have REDIS_URL). */
export function haveRedisServer(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * A Redis for one test: a private redis-server on a free port when one can be started, else
 * the configured REDIS_URL. Private, because the product's bus channel is one fixed name
 * ("atalaya:bus"): anything else publishing on a shared Redis at the same time (another test
 * run, a developer's server) reaches this test's subscribers.
 */
export async function privateRedis(sharedUrl: string): Promise<{ url: string; stop(): Promise<void> }> {
  if (!haveRedisServer()) return { url: sharedUrl, stop: async () => undefined };
  const redis = await startRedis(await freePort());
  return { url: redis.url, stop: () => redis.stop("SIGKILL") };
}
