import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Calendars and SLA targets (seeded with SLA.md's default policy), comments, and the
 * incident projection's SLA columns. `sla_history` is the incident's history in the SLA
 * engine's form, kept beside the projection so reading clocks never replays the event table.
 */
export class Lifecycle1764000000002 implements MigrationInterface {
  name = "Lifecycle1764000000002";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE business_calendar (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        time_zone text NOT NULL,
        spans jsonb NOT NULL,
        holidays jsonb NOT NULL DEFAULT '[]'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO business_calendar (id, name, time_zone, spans) VALUES (
        '00000000-0000-4000-8000-000000000001', '24×7 UTC', 'UTC',
        '[{"day":1,"start":"00:00","end":"24:00"},{"day":2,"start":"00:00","end":"24:00"},{"day":3,"start":"00:00","end":"24:00"},{"day":4,"start":"00:00","end":"24:00"},{"day":5,"start":"00:00","end":"24:00"},{"day":6,"start":"00:00","end":"24:00"},{"day":7,"start":"00:00","end":"24:00"}]'::jsonb
      );

      CREATE TABLE sla_target (
        severity text PRIMARY KEY CHECK (severity IN ('CRITICAL','HIGH','NORMAL')),
        first_response jsonb NOT NULL,
        update_interval jsonb NOT NULL,
        escalation_interval jsonb NOT NULL,
        resolution jsonb,
        calendar_id uuid NOT NULL REFERENCES business_calendar(id),
        at_risk_ratio double precision NOT NULL,
        recommended_channels text[] NOT NULL,
        auto_close_after_seconds integer NOT NULL,
        max_customer_wait_seconds integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO sla_target VALUES
        ('CRITICAL', '{"minutes":30}', '{"minutes":120}', '{"minutes":240}', NULL, '00000000-0000-4000-8000-000000000001', 0.75, ARRAY['PHONE'], 259200, 604800, now()),
        ('HIGH', '{"minutes":120}', '{"minutes":240}', '{"minutes":480}', NULL, '00000000-0000-4000-8000-000000000001', 0.75, ARRAY['PHONE','EMAIL','WEB'], 259200, 604800, now()),
        ('NORMAL', '{"minutes":240}', '{"workingDays":1}', '{"workingDays":2}', NULL, '00000000-0000-4000-8000-000000000001', 0.75, ARRAY['EMAIL','WEB'], 259200, 604800, now());

      CREATE TABLE comment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL REFERENCES incident(id),
        body text NOT NULL,
        visibility text NOT NULL CHECK (visibility IN ('PUBLIC','INTERNAL')),
        channel text CHECK (channel IN ('PHONE','EMAIL','WEB')),
        author_kind text NOT NULL CHECK (author_kind IN ('AGENT','CUSTOMER','SYSTEM')),
        author_agent_id uuid REFERENCES agent(id),
        author_name text,
        created_at timestamptz NOT NULL
      );
      CREATE INDEX comment_incident_idx ON comment (incident_id, created_at, id);

      ALTER TABLE incident
        ADD COLUMN channel_mismatch boolean NOT NULL DEFAULT false,
        ADD COLUMN at_risk boolean NOT NULL DEFAULT false,
        ADD COLUMN sla_history jsonb NOT NULL DEFAULT '[]'::jsonb;
      CREATE INDEX incident_overdue_idx ON incident (overdue) WHERE overdue AND status NOT IN ('RESOLVED','CLOSED');
      CREATE INDEX incident_severity_open_idx ON incident (severity) WHERE status NOT IN ('CLOSED');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX incident_severity_open_idx;
      DROP INDEX incident_overdue_idx;
      ALTER TABLE incident DROP COLUMN channel_mismatch, DROP COLUMN at_risk, DROP COLUMN sla_history;
      DROP TABLE comment;
      DROP TABLE sla_target;
      DROP TABLE business_calendar;
    `);
  }
}
