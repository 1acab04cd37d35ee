import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The walking skeleton's tables. PostgreSQL 15 SQL (PGlite runs 18): no features newer
 * than 15, timestamptz only, gen_random_uuid() (core since 13, no extension needed).
 */
export class Initial1764000000000 implements MigrationInterface {
  name = "Initial1764000000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE product (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT product_code_key UNIQUE (code)
      );

      CREATE TABLE contact (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        email text,
        phone text,
        organization text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX contact_email_key ON contact (lower(email)) WHERE email IS NOT NULL;

      CREATE TABLE agent (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        email text NOT NULL,
        level text NOT NULL CHECK (level IN ('L1','L2','L3')),
        lead boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX agent_email_key ON agent (lower(email));

      CREATE TABLE api_key (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('ADMIN','LEAD','AGENT','INTEGRATOR','DISPLAY','CUSTOMER')),
        secret_hash text NOT NULL,
        agent_id uuid REFERENCES agent(id),
        contact_id uuid REFERENCES contact(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CONSTRAINT api_key_secret_hash_key UNIQUE (secret_hash)
      );

      CREATE SEQUENCE incident_number_seq;
      CREATE TABLE incident (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number text NOT NULL,
        title text NOT NULL,
        description text NOT NULL,
        severity text NOT NULL CHECK (severity IN ('CRITICAL','HIGH','NORMAL')),
        channel text NOT NULL CHECK (channel IN ('PHONE','EMAIL','WEB')),
        status text NOT NULL CHECK (status IN ('NEW','IN_PROGRESS','PENDING_CUSTOMER','RESOLVED','CLOSED')),
        level text NOT NULL CHECK (level IN ('L1','L2','L3')),
        product_id uuid NOT NULL REFERENCES product(id),
        requester_id uuid NOT NULL REFERENCES contact(id),
        assignee_id uuid REFERENCES agent(id),
        opened_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        first_responded_at timestamptz,
        resolved_at timestamptz,
        closed_at timestamptz,
        next_due_at timestamptz,
        next_decision_at timestamptz,
        overdue boolean NOT NULL DEFAULT false,
        breached boolean NOT NULL DEFAULT false,
        version integer NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT incident_number_key UNIQUE (number)
      );
      CREATE INDEX incident_list_idx ON incident (opened_at DESC, id DESC);
      CREATE INDEX incident_requester_idx ON incident (requester_id, opened_at DESC, id DESC);
      CREATE INDEX incident_open_idx ON incident (level, severity) WHERE status <> 'CLOSED';
      CREATE INDEX incident_next_decision_idx ON incident (next_decision_at) WHERE status <> 'CLOSED' AND next_decision_at IS NOT NULL;

      -- Append-only history. The sequence is taken at insert; tx_id records the writing
      -- transaction so events can be delivered in commit-stable order (ARCHITECTURE.md).
      CREATE SEQUENCE incident_event_seq;
      CREATE TABLE incident_event (
        sequence bigint PRIMARY KEY DEFAULT nextval('incident_event_seq'),
        tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        incident_id uuid NOT NULL REFERENCES incident(id),
        type text NOT NULL,
        at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        actor_kind text NOT NULL CHECK (actor_kind IN ('AGENT','LEAD','ADMIN','INTEGRATOR','CUSTOMER','SYSTEM')),
        actor_agent_id uuid REFERENCES agent(id),
        actor_name text,
        public boolean NOT NULL DEFAULT false,
        data jsonb NOT NULL DEFAULT '{}'::jsonb
      );
      ALTER SEQUENCE incident_event_seq OWNED BY incident_event.sequence;
      CREATE INDEX incident_event_incident_idx ON incident_event (incident_id, sequence);
      CREATE INDEX incident_event_order_idx ON incident_event (tx_id, sequence);

      -- Written in the same transaction as the events; the relay publishes rows of
      -- transactions older than every running one, ordered by (tx_id, id).
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        topic text NOT NULL,
        event_sequence bigint,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      );
      CREATE INDEX outbox_unsent_idx ON outbox (tx_id, id) WHERE sent_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE outbox;
      DROP TABLE incident_event;
      DROP TABLE incident;
      DROP SEQUENCE incident_number_seq;
      DROP TABLE api_key;
      DROP TABLE agent;
      DROP TABLE contact;
      DROP TABLE product;
    `);
  }
}
