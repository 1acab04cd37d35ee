import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Compliance is kept, not recomputed: each case's outcome per measure is decided once, at
 * one instant, under one severity, product and level (SLA.md), stored once, and counted in
 * hourly rollups in the same transaction. A 30-day rate sums a few hundred rollup rows plus
 * the outcomes of the two partial hours at the window's edges; `sla_outcome` itself stays
 * the oracle the tests compare against.
 */
export class Compliance1764000000004 implements MigrationInterface {
  name = "Compliance1764000000004";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sla_outcome (
        incident_id uuid NOT NULL REFERENCES incident(id),
        case_number integer NOT NULL,
        measure text NOT NULL CHECK (measure IN ('FIRST_RESPONSE','UPDATES_AND_ESCALATIONS')),
        outcome text NOT NULL CHECK (outcome IN ('MET','BREACHED')),
        at timestamptz NOT NULL,
        severity text NOT NULL,
        product_code text NOT NULL,
        level text NOT NULL,
        PRIMARY KEY (incident_id, case_number, measure)
      );
      CREATE INDEX sla_outcome_at_idx ON sla_outcome (at);

      -- bucket: the hour [bucket, bucket + 1 h) the outcome's instant falls in
      CREATE TABLE sla_outcome_hourly (
        bucket timestamptz NOT NULL,
        measure text NOT NULL,
        severity text NOT NULL,
        product_code text NOT NULL,
        level text NOT NULL,
        met integer NOT NULL DEFAULT 0,
        breached integer NOT NULL DEFAULT 0,
        PRIMARY KEY (bucket, measure, severity, product_code, level)
      );

      ALTER TABLE incident ADD COLUMN overdue_since timestamptz;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE incident DROP COLUMN overdue_since; DROP TABLE sla_outcome_hourly; DROP TABLE sla_outcome;");
  }
}
