/**
 * The only reader of process.env. Everything configurable is parsed and validated
 * here once, at start, with messages a person can act on.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
export type ClockMode = "system" | "simulated";

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  adminApiKey: string | undefined;
  dataDir: string;
  logLevel: LogLevel;
  production: boolean;
  clockMode: ClockMode;
  clockStart: Date | undefined;
  wallboardDir: string;
  relayIntervalMs: number;
  dbPoolSize: number;
  /** Requests per API key per 10-second window (a key's own rateLimit overrides it). */
  rateLimit: number;
  /** Open WebSocket connections per API key, per replica. */
  wsConnectionsPerKey: number;
  /** How long a verified API key is trusted without reading it again (0: read every request). */
  apiKeyCacheMs: number;
  /** The breach watcher sleeps at least this long between looks (ms). */
  watcherFloorMs: number;
  /** …and at most this long (ms). */
  watcherCapMs: number;
  /** Running under CI (CI=true): tests that need PostgreSQL, Redis or Chromium must not skip. */
  ci: boolean;
  /** Notifications (issue 9): SMTP server URL (smtp:// or smtps://); unset: messages are written as .eml files in `mailDir`. */
  smtpUrl: string | undefined;
  /** The From of every notification e-mail ("Name <address>" or an address); its domain names Message-IDs. */
  mailFrom: string;
  /** Where .eml files go when no SMTP server is configured. */
  mailDir: string;
  /** One delivery attempt (SMTP or webhook) gives up after this long (ms). */
  notifyTimeoutMs: number;
  /** The notification planner and dispatcher look for work at least this often (ms). */
  notifyIntervalMs: number;
  /** 32-byte key (64 hex characters or base64) encrypting webhook secrets at rest; unset: a key file in DATA_DIR. */
  webhookSecretsKey: Buffer | undefined;
}

export class ConfigError extends Error {}

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), findRootOffset());

function findRootOffset(): string {
  // compiled: server/dist/server/src/platform; sources: server/src/platform
  return fileURLToPath(import.meta.url).includes(`${path.sep}dist${path.sep}`) ? "../../../../.." : "../../..";
}

const LOG_LEVELS: LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; got "${raw}"`);
  }
  return n;
}

function url(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL: "${redact(raw)}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(" or ")}; got "${redact(raw)}"`);
  }
  return raw;
}

// The address part of MAIL_FROM: deliberately plain, like the API's e-mail check.
const MAIL_ADDRESS = /^[^\s@<>]{1,64}@[^\s@<>]+\.[^\s@<>]{2,}$/;

function mailFrom(env: NodeJS.ProcessEnv): string {
  const raw = (env.MAIL_FROM ?? "").trim();
  if (raw === "") return "Atalaya Service Desk <no-reply@atalaya.localhost>";
  const m = /^(.*)<([^<>]+)>$/.exec(raw);
  const address = (m ? m[2] : raw).trim();
  if (!MAIL_ADDRESS.test(address) || /[\r\n]/.test(raw)) {
    throw new ConfigError(`MAIL_FROM must be an e-mail address or "Name <address>"; got "${raw}"`);
  }
  return raw;
}

function secretsKey(env: NodeJS.ProcessEnv): Buffer | undefined {
  const raw = (env.WEBHOOK_SECRETS_KEY ?? "").trim();
  if (raw === "") return undefined;
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, "hex") : Buffer.from(raw, "base64");
  if (key.length !== 32) {
    throw new ConfigError("WEBHOOK_SECRETS_KEY must be 32 bytes: 64 hex characters or base64 (use e.g. `openssl rand -hex 32`)");
  }
  return key;
}

function redact(raw: string): string {
  return raw.replace(/\/\/([^:@/]*):([^@/]*)@/, "//$1:***@");
}

/** Reads and validates the configuration; `env` defaults to process.env (tests pass their own). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const logLevel = (env.LOG_LEVEL ?? "info") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}; got "${env.LOG_LEVEL}"`);
  }
  const clockMode = (env.CLOCK_MODE ?? "system") as ClockMode;
  if (clockMode !== "system" && clockMode !== "simulated") {
    throw new ConfigError(`CLOCK_MODE must be "system" or "simulated"; got "${env.CLOCK_MODE}"`);
  }
  let clockStart: Date | undefined;
  if (env.CLOCK_START) {
    clockStart = new Date(env.CLOCK_START);
    if (Number.isNaN(clockStart.getTime())) {
      throw new ConfigError(`CLOCK_START must be an ISO-8601 instant such as 2025-06-02T09:00:00Z; got "${env.CLOCK_START}"`);
    }
  }
  if (clockMode === "simulated" && !clockStart) {
    throw new ConfigError("CLOCK_MODE=simulated needs CLOCK_START, the instant the simulated clock starts at (e.g. 2025-06-02T09:00:00Z)");
  }
  const adminApiKey = env.ADMIN_API_KEY || undefined;
  if (adminApiKey !== undefined && adminApiKey.length < 24) {
    throw new ConfigError("ADMIN_API_KEY must be at least 24 characters long (use e.g. `openssl rand -hex 24`)");
  }
  const dataDir = path.resolve(projectRoot, env.DATA_DIR || ".data");
  return {
    port: int(env, "PORT", 4000, 0, 65535),
    host: env.HOST || "0.0.0.0",
    databaseUrl: url(env, "DATABASE_URL", ["postgres:", "postgresql:"]),
    redisUrl: url(env, "REDIS_URL", ["redis:", "rediss:"]),
    adminApiKey,
    dataDir,
    logLevel,
    production: env.NODE_ENV === "production",
    clockMode,
    clockStart,
    wallboardDir: path.resolve(projectRoot, env.WALLBOARD_DIR || "wallboard/dist"),
    relayIntervalMs: int(env, "RELAY_INTERVAL_MS", 250, 10, 60_000),
    dbPoolSize: int(env, "DB_POOL_SIZE", 10, 1, 200),
    rateLimit: int(env, "RATE_LIMIT", 600, 1, 10_000_000),
    wsConnectionsPerKey: int(env, "WS_CONNECTIONS_PER_KEY", 2_000, 1, 1_000_000),
    apiKeyCacheMs: int(env, "API_KEY_CACHE_MS", 5_000, 0, 60_000),
    watcherFloorMs: int(env, "WATCHER_FLOOR_MS", 100, 1, 10_000),
    watcherCapMs: int(env, "WATCHER_CAP_MS", 1_000, 10, 60_000),
    ci: env.CI === "true" || env.CI === "1",
    smtpUrl: url(env, "SMTP_URL", ["smtp:", "smtps:"]),
    mailFrom: mailFrom(env),
    mailDir: env.MAIL_DIR ? path.resolve(projectRoot, env.MAIL_DIR) : path.join(dataDir, "mail"),
    notifyTimeoutMs: int(env, "NOTIFY_TIMEOUT_MS", 10_000, 100, 300_000),
    notifyIntervalMs: int(env, "NOTIFY_INTERVAL_MS", 500, 10, 60_000),
    webhookSecretsKey: secretsKey(env),
  };
}
