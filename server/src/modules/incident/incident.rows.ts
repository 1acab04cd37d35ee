/** Row shapes read by hand-written SQL, shared by the service and the loaders. */
import type { IncidentHistoryEvent } from "../../domain/index.js";

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
  at_risk: boolean;
  channel_mismatch: boolean;
  next_decision_at: Date | null;
  overdue_since: Date | null;
  /** The history in the SLA engine's form (instants as epoch ms). */
  sla_history: IncidentHistoryEvent[];
  version: number;
}

/** What the API shows of an incident (the rest of the projection serves queues and the watcher). */
export const INCIDENT_VIEW_COLUMNS =
  "id, number, title, description, severity, channel, status, level, product_id, requester_id, assignee_id, opened_at, first_responded_at, resolved_at, closed_at, sla_history";
export type IncidentView = Pick<
  IncidentRow,
  "id" | "number" | "title" | "description" | "severity" | "channel" | "status" | "level" | "product_id" | "requester_id" | "assignee_id" | "opened_at" | "first_responded_at" | "resolved_at" | "closed_at" | "sla_history"
>;

export const INCIDENT_COLUMNS =
  "id, number, title, description, severity, channel, status, level, product_id, requester_id, assignee_id, opened_at, recorded_at, first_responded_at, resolved_at, closed_at, next_due_at, overdue, breached, at_risk, channel_mismatch, next_decision_at, overdue_since, sla_history, version";

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
  /** The incident as the event left it (published events); null on a timeline read. */
  incident: { severity: string; level: string; productCode: string; status: string; requesterId: string } | null;
}

export const INCIDENT_EVENTS_TOPIC = "incident-events";
