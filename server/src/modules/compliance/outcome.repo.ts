/**
 * Decided compliance outcomes, stored once per (incident, case, measure), and counted in
 * every rollup level in the same statement, so rollups and outcomes never disagree.
 */
import type { ComplianceOutcome } from "../../domain/index.js";
import type { Sql } from "../../platform/data-source.js";
import { ROLLUP_SPANS } from "./rollup.plan.js";

/** Records outcomes not recorded yet; returns how many were new. */
export async function recordOutcomes(tx: Sql, incidentId: string, outcomes: readonly ComplianceOutcome[], productCode: string): Promise<number> {
  if (outcomes.length === 0) return 0;
  const rows = await tx.query<{ n: string }>(
    `WITH ins AS (
       INSERT INTO sla_outcome (incident_id, case_number, measure, outcome, at, severity, product_code, level)
       SELECT $1, o.case_number, o.measure, o.outcome, timestamptz 'epoch' + o.at * interval '1 millisecond', o.severity, o.product_code, o.level
         FROM jsonb_to_recordset($2::jsonb) AS o(case_number int, measure text, outcome text, at bigint, severity text, product_code text, level text)
       ON CONFLICT DO NOTHING
       RETURNING at, measure, severity, product_code, level, outcome
     ), rollup AS (
       -- one row per level and dimension; in key order, so concurrent decisions lock shared rows in one order
       INSERT INTO sla_outcome_rollup (span, bucket, measure, severity, product_code, level, met, breached)
       SELECT s.span, date_bin(s.span * interval '1 second', ins.at, timestamptz 'epoch'), measure, severity, product_code, level,
              count(*) FILTER (WHERE outcome = 'MET'), count(*) FILTER (WHERE outcome = 'BREACHED')
         FROM ins CROSS JOIN unnest($3::int[]) AS s(span)
        GROUP BY 1, 2, 3, 4, 5, 6
        ORDER BY 1, 2, 3, 4, 5, 6
       ON CONFLICT (span, bucket, measure, severity, product_code, level)
       DO UPDATE SET met = sla_outcome_rollup.met + EXCLUDED.met, breached = sla_outcome_rollup.breached + EXCLUDED.breached
       RETURNING 1
     )
     SELECT count(*)::text AS n FROM ins`,
    [
      incidentId,
      JSON.stringify(
        outcomes.map((o) => ({
          case_number: o.caseNumber,
          measure: o.measure,
          outcome: o.outcome,
          at: o.at,
          severity: o.severity,
          product_code: o.productCode ?? productCode,
          level: o.level,
        })),
      ),
      ROLLUP_SPANS.map((ms) => ms / 1000),
    ],
  );
  return Number(rows[0]?.n ?? 0);
}
