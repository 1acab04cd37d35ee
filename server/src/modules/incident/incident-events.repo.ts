/**
 * The one path for every change to an incident: its events and their outbox rows are
 * written in the caller's transaction, next to the projection update, so a rolled-back
 * change leaves nothing and publishes nothing.
 */
import type { Sql } from "../../platform/data-source.js";
import { INCIDENT_EVENTS_TOPIC, type ActorKind, type IncidentEventMessage } from "./incident.rows.js";

export interface NewEvent {
  type: string;
  at: Date;
  actorKind: ActorKind;
  actorAgentId: string | null;
  actorName: string | null;
  public: boolean;
  data: Record<string, unknown>;
}

export async function appendEvents(
  tx: Sql,
  incidentId: string,
  events: readonly NewEvent[],
  incidentAfter: IncidentEventMessage["incident"],
  recordedAt: Date,
): Promise<IncidentEventMessage[]> {
  if (events.length === 0) return [];
  // One statement for the events, one for the outbox, whatever the number of events.
  const inserted = await tx.query<{ sequence: string; tx_id: string; ord: number }>(
    `INSERT INTO incident_event (incident_id, type, at, recorded_at, actor_kind, actor_agent_id, actor_name, public, data)
     SELECT $1, e.type, e.at, $2, e.actor_kind, e.actor_agent_id, e.actor_name, e.public, e.data
       FROM jsonb_to_recordset($3::jsonb)
            AS e(ord int, type text, at timestamptz, actor_kind text, actor_agent_id uuid, actor_name text, public boolean, data jsonb)
      ORDER BY ord
     RETURNING sequence::text AS sequence, tx_id::text AS tx_id`,
    [
      incidentId,
      recordedAt,
      JSON.stringify(
        events.map((e, ord) => ({
          ord,
          type: e.type,
          at: e.at.toISOString(),
          actor_kind: e.actorKind,
          actor_agent_id: e.actorAgentId,
          actor_name: e.actorName,
          public: e.public,
          data: e.data,
        })),
      ),
    ],
  );
  // RETURNING order follows insertion order; sequences were drawn in that order too.
  const sorted = [...inserted].sort((a, b) => (BigInt(a.sequence) < BigInt(b.sequence) ? -1 : 1));
  const messages: IncidentEventMessage[] = events.map((e, i) => ({
    sequence: sorted[i].sequence,
    txId: sorted[i].tx_id,
    incidentId,
    type: e.type,
    at: e.at.toISOString(),
    recordedAt: recordedAt.toISOString(),
    actorKind: e.actorKind,
    actorAgentId: e.actorAgentId,
    actorName: e.actorName,
    public: e.public,
    data: e.data,
    incident: incidentAfter,
  }));
  await tx.query(
    `INSERT INTO outbox (topic, event_sequence, payload)
     SELECT $1, (m->>'sequence')::bigint, m FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(m, ord) ORDER BY ord`,
    [INCIDENT_EVENTS_TOPIC, JSON.stringify(messages)],
  );
  return messages;
}
