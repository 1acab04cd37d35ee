/**
 * SLA alerts as rows whose identity is SLA.md's (incident, clock kind, level, cycle, alert
 * kind, armed due instant), unique in the database: an arming alerts once, whichever
 * replica or path records it. New alerts go to the outbox in the same transaction.
 */
import type { IncidentHistoryEvent } from "../../domain/index.js";
import type { Sql } from "../../platform/data-source.js";

export const SLA_ALERTS_TOPIC = "sla-alerts";

/** An alert as stored, published and shown (instants as ISO strings). */
export interface AlertMessage {
  id: string;
  incidentId: string;
  kind: "AT_RISK" | "BREACHED" | "ESCALATED";
  clock: "FIRST_RESPONSE" | "CUSTOMER_UPDATE" | "ESCALATION" | "RESOLUTION";
  level: "L1" | "L2" | "L3" | null;
  cycle: number;
  at: string;
  dueAt: string;
  /** The incident when the alert was raised, for board filters. */
  severity: string;
  productCode: string;
  incidentLevel: string;
}

export const ALERT_COLUMNS =
  "id, incident_id AS \"incidentId\", kind, clock, level, cycle, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS at, to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS \"dueAt\", severity, product_code AS \"productCode\", incident_level AS \"incidentLevel\"";

/**
 * Records the non-silent ALERT events among `events` and queues the new ones for
 * publication. A silent alert (dated before an import was recorded) stays in the history
 * only: recorded with its instant, alerting no one.
 */
export async function recordAlerts(
  tx: Sql,
  incidentId: string,
  events: readonly IncidentHistoryEvent[],
  incident: { severity: string; level: string; productCode: string },
): Promise<AlertMessage[]> {
  const alerts = events.filter((e): e is Extract<IncidentHistoryEvent, { type: "ALERT" }> => e.type === "ALERT" && !e.silent);
  if (alerts.length === 0) return [];
  const rows = await tx.query<AlertMessage>(
    `INSERT INTO sla_alert (incident_id, kind, clock, level, cycle, at, due_at, severity, product_code, incident_level)
     SELECT $1, a.kind, a.clock, a.level, a.cycle, timestamptz 'epoch' + a.at * interval '1 millisecond', timestamptz 'epoch' + a.due * interval '1 millisecond', $3, $4, $5
       FROM jsonb_to_recordset($2::jsonb) AS a(ord int, kind text, clock text, level text, cycle int, at bigint, due bigint)
      ORDER BY a.ord
     ON CONFLICT DO NOTHING
     RETURNING ${ALERT_COLUMNS}`,
    [
      incidentId,
      JSON.stringify(alerts.map((e, ord) => ({ ord, kind: e.alert.kind, clock: e.alert.clock, level: e.alert.level, cycle: e.alert.cycle, at: e.at, due: e.alert.dueAt }))),
      incident.severity,
      incident.productCode,
      incident.level,
    ],
  );
  if (rows.length === 0) return rows;
  rows.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  await tx.query(
    `INSERT INTO outbox (topic, payload) SELECT $1, m FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(m, ord) ORDER BY ord`,
    [SLA_ALERTS_TOPIC, JSON.stringify(rows)],
  );
  return rows;
}
