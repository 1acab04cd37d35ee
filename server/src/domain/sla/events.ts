/**
 * The incident history the SLA engine reads. Each event records what happened
 * and, where clocks depend on it, the targets in force at that moment (so the
 * history alone re-derives every figure, whatever the policy says today).
 * Instants are epoch milliseconds.
 */
import type { SlaTargets } from "./policy.js";
import type { AlertKind, ClockKind, CommentVisibility, ContactChannel, Severity, SupportLevel } from "./types.js";

/** Who wrote a comment: an agent's key, a CUSTOMER key, or a system key (a phone system, an integration). */
export type AuthorKind = "AGENT" | "CUSTOMER" | "SYSTEM";

/** The incident was opened (or imported: `recordedAt` later than `at`). */
export interface OpenedEvent {
  readonly type: "OPENED";
  readonly at: number;
  /** When the product learnt of it; decisions dated before this raise no alert. Defaults to `at`. */
  readonly recordedAt?: number | null;
  readonly severity: Severity;
  /** Always L1 by the rules; accepted for imports. */
  readonly level?: SupportLevel;
  readonly channel: ContactChannel;
  readonly productCode?: string | null;
  /** The targets in force for `severity` when it was opened, calendar included. */
  readonly targets: SlaTargets;
}

/** A comment. A PUBLIC comment not written by a customer is a public communication. */
export interface CommentedEvent {
  readonly type: "COMMENTED";
  readonly at: number;
  readonly visibility: CommentVisibility;
  readonly authorKind: AuthorKind;
  readonly channel?: ContactChannel | null;
}

/** Severity changed; `targets` are the new severity's targets in force. */
export interface SeverityChangedEvent {
  readonly type: "SEVERITY_CHANGED";
  readonly at: number;
  readonly severity: Severity;
  readonly targets: SlaTargets;
}

/** The policy or calendar of the current severity was edited: `targets` are those now in force. */
export interface PolicyChangedEvent {
  readonly type: "POLICY_CHANGED";
  readonly at: number;
  readonly targets: SlaTargets;
}

/** Assigned to an agent (no effect on clocks). */
export interface AssignedEvent {
  readonly type: "ASSIGNED";
  readonly at: number;
  readonly agentId?: string | null;
  readonly agentLevel?: SupportLevel | null;
}

/** waitForCustomer: PENDING_CUSTOMER, pausing update, escalation and resolution cycles. */
export interface PausedEvent {
  readonly type: "PAUSED";
  readonly at: number;
}

/** Resumed by a person (`resumeIncident`) or by the customer's comment. */
export interface ResumedEvent {
  readonly type: "RESUMED";
  readonly at: number;
  readonly by: "PERSON" | "CUSTOMER";
}

/** Escalated by a person, or by the product when an escalation cycle breached. */
export interface EscalatedEvent {
  readonly type: "ESCALATED";
  readonly at: number;
  readonly by: "PERSON" | "SYSTEM";
  readonly toLevel: SupportLevel;
  /** The level left (recorded by the product on its own escalations, optional for a person's). */
  readonly fromLevel?: SupportLevel | null;
  /** The cycle of `fromLevel` that breached (product escalations). */
  readonly cycle?: number | null;
}

/**
 * Resolved: by a person (its summary is a public communication), by the
 * product after the longest customer wait (not a public communication), or by
 * a problem's resolution (its message is a public communication).
 */
export interface ResolvedEvent {
  readonly type: "RESOLVED";
  readonly at: number;
  readonly by: "PERSON" | "SYSTEM" | "PROBLEM";
}

/** Closed by a person or by the product after the auto-close interval. */
export interface ClosedEvent {
  readonly type: "CLOSED";
  readonly at: number;
  readonly by: "PERSON" | "SYSTEM";
}

/** Reopened from RESOLVED: a new case with new update and escalation cycles. */
export interface ReopenedEvent {
  readonly type: "REOPENED";
  readonly at: number;
}

/** Linked to a problem (no effect on clocks). */
export interface LinkedToProblemEvent {
  readonly type: "LINKED_TO_PROBLEM";
  readonly at: number;
  readonly problemId?: string | null;
}

/** What an alert is about. Its identity is (clock, level, cycle, kind, dueAt) within the incident. */
export interface SlaAlertRecord {
  readonly kind: AlertKind;
  readonly clock: ClockKind;
  /** ESCALATION only. */
  readonly level: SupportLevel | null;
  readonly cycle: number;
  /** The due instant the cycle was armed for. */
  readonly dueAt: number;
}

/** A record of an alert the product raised (appended by the watcher from pendingDecisions). */
export interface AlertEvent {
  readonly type: "ALERT";
  readonly at: number;
  readonly alert: SlaAlertRecord;
  /** Dated before the incident was recorded (an import): kept, never notified. */
  readonly silent?: boolean;
}

/** Everything the SLA engine reads from an incident's history, oldest first. */
export type IncidentHistoryEvent =
  | OpenedEvent
  | CommentedEvent
  | SeverityChangedEvent
  | PolicyChangedEvent
  | AssignedEvent
  | PausedEvent
  | ResumedEvent
  | EscalatedEvent
  | ResolvedEvent
  | ClosedEvent
  | ReopenedEvent
  | LinkedToProblemEvent
  | AlertEvent;

/** The `type` of every history event. */
export type IncidentHistoryEventType = IncidentHistoryEvent["type"];

/** True when the event is a public communication (SLA.md "What counts as a public communication"). */
export function isPublicCommunication(e: IncidentHistoryEvent): boolean {
  if (e.type === "COMMENTED") return e.visibility === "PUBLIC" && e.authorKind !== "CUSTOMER";
  if (e.type === "RESOLVED") return e.by !== "SYSTEM";
  return false;
}

/** The identity of an alert within its incident (SLA.md: clock kind, level, cycle, alert kind, armed due), as a string. */
export function alertIdentity(kind: AlertKind, clock: ClockKind, level: SupportLevel | null, cycle: number, dueAt: number): string {
  return `${clock}|${level ?? "-"}|${cycle}|${kind}|${dueAt}`;
}

/** A stable string for an alert's identity within one incident, as the database's unique key should be. */
export function alertKey(a: SlaAlertRecord): string {
  return alertIdentity(a.kind, a.clock, a.level, a.cycle, a.dueAt);
}
