import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * One rollup table with five levels (10 minutes, 1 hour, 4 hours, 1 day, 7 days) instead of
 * an hourly and a daily table. A window's answer reads each level only near its edges, so a
 * 30-day window reads ~4 weekly rows per dimension instead of 30 daily ones, and an edge far
 * from any boundary reads at most half a step of each level below instead of half a day of
 * hours and half an hour of outcomes (the worst case was twice the best before).
 * Buckets are aligned to the Unix epoch (weeks start on Thursdays, which no user sees).
 */
export const ROLLUP_SPANS_SECONDS = [600, 3_600, 14_400, 86_400, 604_800] as const;

/** Every level's rows from the decided outcomes, in bucket order (the order time writes them). */
export const ROLLUP_FROM_OUTCOMES = `
  INSERT INTO sla_outcome_rollup (span, bucket, measure, severity, product_code, level, met, breached)
  SELECT s.span, date_bin(s.span * interval '1 second', o.at, timestamptz 'epoch') AS bucket, o.measure, o.severity, o.product_code, o.level,
         count(*) FILTER (WHERE o.outcome = 'MET'), count(*) FILTER (WHERE o.outcome = 'BREACHED')
    FROM sla_outcome o CROSS JOIN unnest('{${ROLLUP_SPANS_SECONDS.join(",")}}'::int[]) AS s(span)
   GROUP BY 1, 2, 3, 4, 5, 6
   ORDER BY 2, 1, 3, 4, 5, 6`;

export class RollupLevels1764000000012 implements MigrationInterface {
  name = "RollupLevels1764000000012";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sla_outcome_rollup (
        span integer NOT NULL CHECK (span IN (${ROLLUP_SPANS_SECONDS.join(", ")})),
        bucket timestamptz NOT NULL,
        measure text NOT NULL,
        severity text NOT NULL,
        product_code text NOT NULL,
        level text NOT NULL,
        met integer NOT NULL DEFAULT 0,
        breached integer NOT NULL DEFAULT 0,
        PRIMARY KEY (span, bucket, measure, severity, product_code, level)
      )`);
    await q.query(ROLLUP_FROM_OUTCOMES);
    await q.query("DROP TABLE sla_outcome_daily; DROP TABLE sla_outcome_hourly;");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sla_outcome_hourly (
        bucket timestamptz NOT NULL, measure text NOT NULL, severity text NOT NULL, product_code text NOT NULL, level text NOT NULL,
        met integer NOT NULL DEFAULT 0, breached integer NOT NULL DEFAULT 0,
        PRIMARY KEY (bucket, measure, severity, product_code, level)
      );
      CREATE TABLE sla_outcome_daily (LIKE sla_outcome_hourly INCLUDING ALL);
      INSERT INTO sla_outcome_hourly SELECT bucket, measure, severity, product_code, level, met, breached FROM sla_outcome_rollup WHERE span = 3600;
      INSERT INTO sla_outcome_daily SELECT bucket, measure, severity, product_code, level, met, breached FROM sla_outcome_rollup WHERE span = 86400;
      DROP TABLE sla_outcome_rollup;
    `);
  }
}
