/** Shapes of the wallboard's incident data, as the Board query and Events subscription select them. */
export type Severity = "CRITICAL" | "HIGH" | "NORMAL";
export type IncidentStatus = "NEW" | "IN_PROGRESS" | "PENDING_CUSTOMER" | "RESOLVED" | "CLOSED";
export type SupportLevel = "L1" | "L2" | "L3";

export interface IncidentSummary {
  id: string;
  number: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  level: SupportLevel;
  /** ISO-8601 UTC with milliseconds. */
  openedAt: string;
  product: { code: string; name: string };
  requester: { name: string; organization: string | null };
}

export interface IncidentEvent {
  id: string;
  /** A bigint as a string: an identity, never compared as a number. */
  sequence: string;
  type: string;
  at: string;
  incident: IncidentSummary;
}

export interface BoardData {
  now: string;
  incidents: { totalCount: number; edges: { node: IncidentSummary }[] };
}

export interface EventsData {
  incidentEvents: IncidentEvent;
}

export interface EventsVariables {
  after: string | null;
}
