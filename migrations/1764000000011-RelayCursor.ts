import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The relay remembers how far it has published with one cursor row instead of marking every
 * published outbox row: the published stream is append-only in (tx_id, id) order, so
 * "published" is exactly "at or before the cursor", and a batch costs one row update.
 */
export class RelayCursor1764000000011 implements MigrationInterface {
  name = "RelayCursor1764000000011";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE relay_cursor (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        tx_id xid8 NOT NULL,
        outbox_id bigint NOT NULL,
        moved_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO relay_cursor (tx_id, outbox_id)
      SELECT COALESCE((SELECT tx_id FROM outbox WHERE sent_at IS NOT NULL ORDER BY tx_id DESC, id DESC LIMIT 1), '0'::xid8),
             COALESCE((SELECT id FROM outbox WHERE sent_at IS NOT NULL ORDER BY tx_id DESC, id DESC LIMIT 1), 0);
      CREATE INDEX outbox_order_idx ON outbox (tx_id, id);
      DROP INDEX outbox_unsent_idx;
      ALTER TABLE outbox DROP COLUMN sent_at;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE outbox ADD COLUMN sent_at timestamptz;
      UPDATE outbox SET sent_at = now() WHERE (tx_id, id) <= (SELECT tx_id, outbox_id FROM relay_cursor);
      CREATE INDEX outbox_unsent_idx ON outbox (tx_id, id) WHERE sent_at IS NULL;
      DROP INDEX outbox_order_idx;
      DROP TABLE relay_cursor;
    `);
  }
}
