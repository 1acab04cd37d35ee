/** Row shapes read by hand-written SQL, shared by the service and the loaders. */
export interface IncidentRow {
  id: string;
  number: string;
  title: string;
  description: string;
  severity: "CRITICAL" | "HIGH" | "NORMAL";
  channel: "PHONE" | "EMAIL" | "WEB";
  status: "NEW" | "IN_PROGRESS" | "PENDING_CUSTOMER" | "RESOLVED" | "CLOSED";
  level: "L1" | "L2" | "L3";
  product_id: string;
  requester_id: string;
  assignee_id: string | null;
  opened_at: Date;
  recorded_at: Date;
  first_responded_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  next_due_at: Date | null;
  overdue: boolean;
  breached: boolean;
  version: number;
}

export const INCIDENT_COLUMNS =
  "id, number, title, description, severity, channel, status, level, product_id, requester_id, assignee_id, opened_at, recorded_at, first_responded_at, resolved_at, closed_at, next_due_at, overdue, breached, version";

export type ActorKind = "AGENT" | "LEAD" | "ADMIN" | "INTEGRATOR" | "CUSTOMER" | "SYSTEM";

/** An event as stored and as published (the outbox payload), with the incident as the event left it. */
export interface IncidentEventMessage {
  sequence: string;
  txId: string;
  incidentId: string;
  type: string;
  at: string;
  recordedAt: string;
  actorKind: ActorKind;
  actorAgentId: string | null;
  actorName: string | null;
  public: boolean;
  data: Record<string, unknown>;
  incident: { severity: string; level: string; productCode: string; status: string; requesterId: string };
}

export const INCIDENT_EVENTS_TOPIC = "incident-events";
