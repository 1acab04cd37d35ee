/**
 * A `pg`-compatible pool over one embedded PGlite database, for TypeORM's `driver` option.
 *
 * PGlite has exactly one database session. Handing it to several query runners at once
 * (what typeorm-pglite 0.3.4 does) interleaves their transactions: one request committed
 * another's rolled-back rows. Here each checked-out client has exclusive use of the
 * session from connect to release (a FIFO lock), so transactions are isolated exactly as
 * they are on PostgreSQL. The price: inside a transaction, code must query through the
 * transaction's own runner, or it waits for the lock forever.
 */
import { EventEmitter } from "node:events";
import { PGlite, types, type Results } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { unaccent } from "@electric-sql/pglite/contrib/unaccent";

type Callback = (err: Error | null, result?: unknown) => void;

interface PgLikeResult {
  rows: unknown[];
  rowCount: number;
  command: string;
  fields: unknown[];
}

class FifoLock {
  private held = false;
  private readonly waiters: Array<() => void> = [];

  async acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}

function toPgResult(sql: string, r: Results<unknown>): PgLikeResult {
  const command = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? "";
  return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length, command, fields: r.fields };
}

class PGliteClient extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  query(sql: string | { text: string; values?: unknown[] }, params?: unknown[] | Callback, cb?: Callback): Promise<PgLikeResult> {
    const text = typeof sql === "string" ? sql : sql.text;
    let values = typeof sql === "string" ? undefined : sql.values;
    let callback = cb;
    if (typeof params === "function") callback = params;
    else if (params) values = params;
    const run =
      values && values.length > 0
        ? this.db.query(text, values as unknown[]).then((r) => toPgResult(text, r))
        : // exec runs several statements (migrations); TypeORM wants the last result
          this.db.exec(text).then((rs) => toPgResult(text, rs[rs.length - 1] ?? { rows: [], fields: [] }));
    return run.then(
      (result) => {
        callback?.(null, result);
        return result;
      },
      (error: Error) => {
        if (callback) {
          callback(error);
          return undefined as unknown as PgLikeResult;
        }
        throw error;
      },
    );
  }
}

export interface PGliteDriverModule {
  Pool: new () => EventEmitter;
  /** The underlying database, for closing it. */
  database: Promise<PGlite>;
}

/** Creates the `pg`-like module TypeORM's PostgresDriver loads instead of `pg`. */
export function createPGliteDriver(dataDir: string): PGliteDriverModule {
  const database = PGlite.create(dataDir, {
    // int8 as a string, exactly like `pg`: sequences and counts never lose precision
    parsers: { [types.INT8]: (value: string) => value },
    // the knowledge base's search (migration 1764000000005 creates them, as on PostgreSQL)
    extensions: { unaccent, pg_trgm },
  });
  const lock = new FifoLock();

  class Pool extends EventEmitter {
    connect(callback?: (err: Error | null, client?: PGliteClient, release?: (err?: Error) => void) => void): Promise<PGliteClient> {
      const checkout = (async () => {
        const db = await database;
        await lock.acquire();
        return new PGliteClient(db);
      })();
      checkout.then(
        (client) => {
          let released = false;
          callback?.(null, client, () => {
            if (released) return;
            released = true;
            lock.release();
          });
        },
        (err: Error) => callback?.(err),
      );
      return checkout;
    }

    end(callback?: (err: Error | null) => void): void {
      database
        .then((db) => db.close())
        .then(
          () => callback?.(null),
          (err: Error) => callback?.(err),
        );
    }
  }

  return { Pool, database };
}
