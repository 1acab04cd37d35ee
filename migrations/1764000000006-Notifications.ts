import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Notifications (issue 9): webhooks, one row per delivery (e-mail or webhook) unique by its
 * delivery key (event, recipient, channel), and the planner's durable cursor in the outbox's
 * global order (tx_id, id).
 *
 * The cursor starts at the end of the outbox as it is when this migration runs: an existing
 * installation does not mail its whole history on upgrade.
 */
export class Notifications1764000000006 implements MigrationInterface {
  name = "Notifications1764000000006";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url text NOT NULL,
        events text[] NOT NULL,
        -- AES-256-GCM under WEBHOOK_SECRETS_KEY (docs/DECISIONS.md "Notifications"): it must sign, so it is not hashed
        secret_sealed text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL,
        deleted_at timestamptz,
        -- the order they were created in (created_at is the product's clock, which may stand still)
        ord bigserial NOT NULL
      );

      CREATE TABLE notification_cursor (
        consumer text PRIMARY KEY,
        tx_id xid8 NOT NULL,
        outbox_id bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO notification_cursor (consumer, tx_id, outbox_id)
      SELECT 'planner', COALESCE(last.tx_id, '0'::xid8), COALESCE(last.id, 0)
        FROM (SELECT NULL) AS one
        LEFT JOIN LATERAL (SELECT tx_id, id FROM outbox ORDER BY tx_id DESC, id DESC LIMIT 1) AS last ON true;

      CREATE TABLE notification (
        id uuid PRIMARY KEY,
        -- (event, recipient, channel): planning the same event twice inserts nothing
        delivery_key text NOT NULL,
        channel text NOT NULL CHECK (channel IN ('EMAIL','WEBHOOK')),
        kind text NOT NULL,
        event_sequence bigint,
        event_type text NOT NULL,
        incident_id uuid REFERENCES incident(id),
        webhook_id uuid REFERENCES webhook(id),
        recipient text,
        recipient_role text NOT NULL CHECK (recipient_role IN ('REQUESTER','AGENT','LEAD','WEBHOOK')),
        severity text,
        content jsonb NOT NULL,
        digest boolean NOT NULL DEFAULT false,
        digest_id uuid,
        status text NOT NULL CHECK (status IN ('PENDING','DELIVERED','FAILED','DEAD','SKIPPED')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        -- instants on the product's clock
        due_at timestamptz NOT NULL,
        next_attempt_at timestamptz,
        give_up_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        delivered_at timestamptz,
        -- a claim in flight, on the database's wall clock (a crashed sender's claim expires)
        claim_id uuid,
        lease_until timestamptz,
        CONSTRAINT notification_delivery_key UNIQUE (delivery_key)
      );
      CREATE INDEX notification_due_idx ON notification (next_attempt_at, id) WHERE next_attempt_at IS NOT NULL;
      CREATE INDEX notification_webhook_idx ON notification (webhook_id, created_at DESC, id DESC) WHERE webhook_id IS NOT NULL;
      CREATE INDEX notification_incident_idx ON notification (incident_id, created_at, id);
      CREATE INDEX notification_digest_idx ON notification (digest_id) WHERE digest_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP TABLE notification; DROP TABLE notification_cursor; DROP TABLE webhook;");
  }
}
