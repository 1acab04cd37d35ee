import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A daily level above the hourly rollup: a 30-day window sums ~30 days of daily rows, the
 * hours of the two partial days at its edges, and the outcomes of the two partial hours.
 * (Hourly alone meant ~40,000 rows for 30 days across every severity, product and level.)
 */
export class DailyRollup1764000000008 implements MigrationInterface {
  name = "DailyRollup1764000000008";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sla_outcome_daily (
        bucket timestamptz NOT NULL,
        measure text NOT NULL,
        severity text NOT NULL,
        product_code text NOT NULL,
        level text NOT NULL,
        met integer NOT NULL DEFAULT 0,
        breached integer NOT NULL DEFAULT 0,
        PRIMARY KEY (bucket, measure, severity, product_code, level)
      );
      INSERT INTO sla_outcome_daily (bucket, measure, severity, product_code, level, met, breached)
      SELECT date_trunc('day', bucket AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', measure, severity, product_code, level, sum(met), sum(breached)
        FROM sla_outcome_hourly GROUP BY 1, 2, 3, 4, 5;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DROP TABLE sla_outcome_daily");
  }
}
