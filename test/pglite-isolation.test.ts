/**
 * The embedded database has one session; pglite-pool.ts gives each checked-out client
 * exclusive use of it from connect to release, so transactions are isolated as on
 * PostgreSQL (typeorm-pglite 0.3.4 let one request commit another's rolled-back rows).
 * Always embedded, whatever DATABASE_URL says.
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db } from "../server/src/platform/data-source.js";
import { tempDir } from "./helpers/harness.js";
import { deferred, sleep } from "./helpers/events.js";

let db: Db;
let dir: string;

beforeAll(async () => {
  dir = tempDir("atalaya-pglite-");
  db = await Db.connect({ databaseUrl: undefined, dataDir: dir, dbPoolSize: 1 });
  await db.migrate();
});
afterAll(async () => {
  await db?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const codes = async () => (await db.query<{ code: string }>("SELECT code FROM product ORDER BY code")).map((r) => r.code);

describe("embedded PGlite: one session, isolated transactions", () => {
  it("runs a transaction started while another is open only after that one ended, so a rolled-back row is never seen nor committed", async () => {
    expect(db.embedded).toBe(true);
    const log: string[] = [];
    const aInserted = deferred();
    const bRequested = deferred();

    const a = db.transaction(async (tx) => {
      log.push("A begins");
      await tx.execute("INSERT INTO product (code, name) VALUES ('ISO-A', 'written by A, rolled back')");
      expect((await tx.query("SELECT 1 FROM product WHERE code = 'ISO-A'")).length).toBe(1); // A sees its own row
      log.push("A inserted");
      aInserted.resolve();
      await bRequested.promise;
      // B has been started and is queued behind A: give it every chance to run if it could
      await sleep(200);
      log.push("A throws");
      throw new Error("A rolls back");
    });

    await aInserted.promise;
    let bSawA: number | undefined;
    const b = db.transaction(async (tx) => {
      log.push("B begins");
      bSawA = (await tx.query("SELECT 1 FROM product WHERE code = 'ISO-A'")).length;
      await tx.execute("INSERT INTO product (code, name) VALUES ('ISO-B', 'written by B, committed')");
      log.push("B commits");
    });
    log.push("B requested");
    bRequested.resolve();

    await expect(a).rejects.toThrow("A rolls back");
    await b;
    expect(log).toEqual(["A begins", "A inserted", "B requested", "A throws", "B begins", "B commits"]);
    expect(bSawA).toBe(0);
    const after = await codes();
    expect(after).toContain("ISO-B");
    expect(after).not.toContain("ISO-A");
  });

  it("survives a failing statement inside a transaction: the transaction rolls back whole and the next one works", async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.execute("INSERT INTO product (code, name) VALUES ('FAIL-1', 'before the failure')");
        await tx.query("SELECT * FROM no_such_table");
      }),
    ).rejects.toThrow(/no_such_table/);
    // a constraint violation too (the code is unique)
    await expect(
      db.transaction(async (tx) => {
        await tx.execute("INSERT INTO product (code, name) VALUES ('DUP', 'one')");
        await tx.execute("INSERT INTO product (code, name) VALUES ('DUP', 'two')");
      }),
    ).rejects.toThrow(/product_code_key|duplicate key/);
    // and outside a transaction
    await expect(db.query("SELEC 1")).rejects.toThrow();

    const next = await db.transaction(async (tx) => {
      await tx.execute("INSERT INTO product (code, name) VALUES ('AFTER-FAIL', 'next transaction')");
      return tx.query<{ code: string }>("SELECT code FROM product WHERE code = 'AFTER-FAIL'");
    });
    expect(next).toEqual([{ code: "AFTER-FAIL" }]);
    const after = await codes();
    expect(after).toContain("AFTER-FAIL");
    expect(after).not.toContain("FAIL-1");
    expect(after).not.toContain("DUP");
    expect(await db.ping()).toBe(true);
  });

  it("answers many concurrent queries outside transactions, each with its own result, also while a transaction is open", async () => {
    const release = deferred();
    const opened = deferred();
    const tx = db.transaction(async (t) => {
      await t.execute("INSERT INTO product (code, name) VALUES ('CONC-TX', 'inside')");
      opened.resolve();
      await release.promise;
    });
    await opened.promise;
    const queries = Array.from({ length: 40 }, (_, i) =>
      i % 4 === 0
        ? db.execute("INSERT INTO product (code, name) VALUES ($1, 'concurrent')", [`CONC-${i}`]).then((n) => ({ i, n }))
        : db.query<{ i: number }>("SELECT $1::int AS i", [i]).then((rows) => ({ i: rows[0].i, n: 1 })),
    );
    await sleep(100);
    release.resolve();
    const results = await Promise.all(queries);
    await tx;
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => ({ i, n: 1 })));
    const after = await codes();
    expect(after).toContain("CONC-TX");
    expect(after.filter((c) => /^CONC-\d+$/.test(c))).toHaveLength(10);
  });
});
