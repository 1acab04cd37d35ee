/**
 * The database: PostgreSQL through `pg` when DATABASE_URL is set, else embedded PGlite in
 * DATA_DIR. Both run the same committed migrations (never `synchronize`) and the same SQL.
 *
 * Services talk to `Db` / `Sql`, a deliberately small surface over TypeORM's query
 * runners: hand-written SQL with positional parameters, and transactions that hand the
 * callback its own `Sql` (so code inside a transaction cannot reach past it, which on
 * PGlite would wait forever for the session it already holds).
 */
import { pgTypes } from "./pg-types.js";
import fs from "node:fs";
import { DataSource, type EntityManager, type QueryRunner } from "typeorm";
import type { Config } from "./config.js";
import { createPGliteDriver } from "./pglite-pool.js";
import { migrations } from "../../../migrations/index.js";
import { entities } from "../modules/entities.js";

export interface Sql {
  /** Runs one statement; returns its rows. */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs one statement; returns how many rows it changed. */
  execute(text: string, params?: readonly unknown[]): Promise<number>;
  /** TypeORM's manager bound to the same connection, for repository-style CRUD. */
  readonly manager: EntityManager;
}

export type Isolation = "READ COMMITTED" | "REPEATABLE READ" | "SERIALIZABLE";

function sqlOf(runner: QueryRunner): Sql {
  return {
    async query<T>(text: string, params?: readonly unknown[]) {
      const result = await runner.query(text, params as unknown[] | undefined, true);
      return (result.records ?? []) as T[];
    },
    async execute(text: string, params?: readonly unknown[]) {
      const result = await runner.query(text, params as unknown[] | undefined, true);
      return result.affected ?? 0;
    },
    manager: runner.manager,
  };
}

export class Db implements Sql {
  readonly embedded: boolean;

  private constructor(
    readonly dataSource: DataSource,
    embedded: boolean,
    private readonly closeHook: () => Promise<void>,
  ) {
    this.embedded = embedded;
  }

  /** Connects (creating the embedded data folder if needed). Does not migrate. */
  static async connect(config: Pick<Config, "databaseUrl" | "dataDir" | "dbPoolSize">, applicationName = "atalaya"): Promise<Db> {
    if (config.databaseUrl) {
      const ds = new DataSource({
        type: "postgres",
        url: config.databaseUrl,
        entities,
        migrations,
        migrationsRun: false,
        synchronize: false,
        poolSize: config.dbPoolSize,
        applicationName,
        extra: { max: config.dbPoolSize, types: pgTypes },
      });
      await ds.initialize();
      return new Db(ds, false, async () => ds.destroy());
    }
    fs.mkdirSync(config.dataDir, { recursive: true });
    const driver = createPGliteDriver(config.dataDir);
    const ds = new DataSource({
      type: "postgres",
      driver,
      entities,
      migrations,
      migrationsRun: false,
      synchronize: false,
    });
    await ds.initialize();
    return new Db(ds, true, async () => {
      await ds.destroy();
    });
  }

  /** Runs the committed migrations that have not run yet; returns their names. */
  async migrate(): Promise<string[]> {
    const done = await this.dataSource.runMigrations({ transaction: "each" });
    return done.map((m) => m.name);
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await sqlOf(runner).query<T>(text, params);
    } finally {
      await runner.release();
    }
  }

  async execute(text: string, params?: readonly unknown[]): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await sqlOf(runner).execute(text, params);
    } finally {
      await runner.release();
    }
  }

  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  async transaction<T>(work: (tx: Sql) => Promise<T>, isolation: Isolation = "READ COMMITTED"): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      // READ COMMITTED is the default: one BEGIN instead of BEGIN + SET TRANSACTION
      if (isolation === "READ COMMITTED") await runner.startTransaction();
      else await runner.startTransaction(isolation);
      try {
        const result = await work(sqlOf(runner));
        await runner.commitTransaction();
        return result;
      } catch (err) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw err;
      }
    } finally {
      await runner.release();
    }
  }

  /** Holds one connection for `work` (no transaction): session-level state such as advisory locks. */
  async withConnection<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      return await work(sqlOf(runner));
    } finally {
      await runner.release();
    }
  }

  async ping(): Promise<boolean> {
    try {
      await this.query("SELECT 1");
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.closeHook();
  }
}
