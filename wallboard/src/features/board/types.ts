/** Shapes of the board's data, as the Wallboard query and the subscriptions select them. */
export type Severity = "CRITICAL" | "HIGH" | "NORMAL";
export type IncidentStatus = "NEW" | "IN_PROGRESS" | "PENDING_CUSTOMER" | "RESOLVED" | "CLOSED";
export type SupportLevel = "L1" | "L2" | "L3";
export type ClockKind = "FIRST_RESPONSE" | "CUSTOMER_UPDATE" | "ESCALATION" | "RESOLUTION";
export type ClockState = "RUNNING" | "PAUSED" | "MET" | "BREACHED";
export type AlertKind = "AT_RISK" | "BREACHED" | "ESCALATED";

export const SEVERITIES: readonly Severity[] = ["CRITICAL", "HIGH", "NORMAL"];
export const LEVELS: readonly SupportLevel[] = ["L1", "L2", "L3"];

export interface BoardFilter {
  productCodes?: string[] | null;
  levels?: SupportLevel[] | null;
  severities?: Severity[] | null;
}

export interface SlaClock {
  kind: ClockKind;
  cycle: number;
  level: SupportLevel | null;
  state: ClockState;
  /** ISO instant; while PAUSED, the due it would have if it resumed now. */
  dueAt: string;
  /** Working seconds left, rounded up, at the answer's `now`; 0 once breached. */
  remainingSeconds: number;
  /** Not selected by the board (the breach instant is the due, or a later change). */
  breachedAt?: string | null;
  stoppedAt: string | null;
  pausedSeconds?: number;
  atRisk: boolean;
}

export interface UrgentIncident {
  id: string;
  number: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  level: SupportLevel;
  /** Not selected by the board: derived from `clocks` and the server's time. */
  nextDueAt?: string | null;
  overdue?: boolean;
  clocks: SlaClock[];
  product: { code: string };
  requester: { name: string; organization: string | null };
}

export interface QueueStats {
  level: SupportLevel;
  severity: Severity;
  open: number;
  awaitingFirstResponse: number;
  atRisk: number;
  overdue: number;
  oldestOpenedAt: string | null;
  nextDueAt: string | null;
}

/** rate and meetingTarget are null when nothing was decided. */
export interface ComplianceRate {
  target: number;
  met: number;
  breached: number;
  rate: number | null;
  meetingTarget: boolean | null;
}

export interface Compliance {
  windowSeconds: number;
  from: string;
  to: string;
  firstResponse: ComplianceRate;
  updatesAndEscalations: ComplianceRate;
  atRisk: number;
  breachedOpen: number;
}

export interface CompliancePoint {
  from: string;
  to: string;
  firstResponse: ComplianceRate;
  updatesAndEscalations: ComplianceRate;
}

export interface SlaAlert {
  id: string;
  kind: AlertKind;
  clock: ClockKind;
  level: SupportLevel | null;
  cycle: number;
  at: string;
  dueAt: string;
  incident: { id: string; number: string; title: string; severity: Severity };
}

export interface WallboardSnapshot {
  serverTime: string;
  clockRate: number;
  sequence: string;
  queues: QueueStats[];
  compliance: Compliance[];
  urgent: UrgentIncident[];
  recentAlerts: SlaAlert[];
}

export interface IncidentEvent {
  id: string;
  /** A bigint as a string: an identity, never compared as a number. */
  sequence: string;
  type: string;
  at: string;
  incident: UrgentIncident;
}

export interface ClockTick {
  now: string;
  rate: number;
}
