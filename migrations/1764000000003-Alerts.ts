import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * SLA alerts, unique per arming: (incident, clock kind, level, cycle, alert kind, the due
 * instant it was armed for). Whatever the number of replicas, an arming alerts once.
 */
export class Alerts1764000000003 implements MigrationInterface {
  name = "Alerts1764000000003";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sla_alert (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL REFERENCES incident(id),
        kind text NOT NULL CHECK (kind IN ('AT_RISK','BREACHED','ESCALATED')),
        clock text NOT NULL CHECK (clock IN ('FIRST_RESPONSE','CUSTOMER_UPDATE','ESCALATION','RESOLUTION')),
        level text CHECK (level IN ('L1','L2','L3')),
        cycle integer NOT NULL,
        at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        severity text NOT NULL,
        product_code text NOT NULL,
        incident_level text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX sla_alert_arming_key ON sla_alert (incident_id, clock, (COALESCE(level, '-')), cycle, kind, due_at);
      CREATE INDEX sla_alert_recent_idx ON sla_alert (at DESC, id DESC);
      CREATE INDEX sla_alert_incident_idx ON sla_alert (incident_id, at);

      -- Replays read a topic in published order; afterSequence finds an event's row.
      CREATE INDEX outbox_topic_order_idx ON outbox (topic, tx_id, id);
      CREATE INDEX outbox_event_sequence_idx ON outbox (event_sequence) WHERE event_sequence IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP INDEX outbox_event_sequence_idx; DROP INDEX outbox_topic_order_idx; DROP TABLE sla_alert;");
  }
}
