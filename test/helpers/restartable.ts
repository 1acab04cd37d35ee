/**
 * A server that can be stopped and started again on the same port and the same data (for
 * the wallboard's "the server went away and came back" tests): PostgreSQL when
 * DATABASE_URL is set (a fresh database, reused across restarts), embedded PGlite in a
 * temporary DATA_DIR otherwise; Redis when REDIS_URL is set.
 */
import fs from "node:fs";
import { startApp, type App } from "../../server/src/app.js";
import { loadConfig } from "../../server/src/platform/config.js";
import { createLogger } from "../../server/src/platform/logger.js";
import { ADMIN_KEY, base, freshPostgres, Gql, hasPostgres, tempDir } from "./harness.js";

export interface RestartableServer {
  url: string;
  port: number;
  admin: Gql;
  app(): App | null;
  /** Closes the app; the data stays. */
  stop(): Promise<void>;
  /** Starts a new app on the same port and data. */
  start(): Promise<void>;
  /** Stops and deletes the data. */
  dispose(): Promise<void>;
}

export async function restartableServer(env: Record<string, string> = {}): Promise<RestartableServer> {
  let drop: (() => Promise<void>) | undefined;
  let databaseUrl: string | undefined;
  if (hasPostgres) {
    const db = await freshPostgres();
    databaseUrl = db.url;
    drop = db.drop;
  }
  const dataDir = databaseUrl ? undefined : tempDir("atalaya-wallboard-");
  let port = 0;
  let app: App | null = null;
  const boot = async () => {
    const config = loadConfig({
      PORT: String(port),
      HOST: "127.0.0.1",
      ADMIN_API_KEY: ADMIN_KEY,
      LOG_LEVEL: "warn",
      RELAY_INTERVAL_MS: "50",
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir }),
      ...(base.redisUrl ? { REDIS_URL: base.redisUrl } : {}),
      ...env,
    });
    app = await startApp(config, createLogger(config.logLevel));
    port = app.port;
  };
  await boot();
  const url = app!.url;
  return {
    url,
    port,
    admin: new Gql(url, ADMIN_KEY),
    app: () => app,
    async stop() {
      const a = app;
      app = null;
      await a?.close();
    },
    async start() {
      if (app) return;
      await boot();
    },
    async dispose() {
      await this.stop();
      await drop?.();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
