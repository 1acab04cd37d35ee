/**
 * The contract's enums as string unions (same spelling as contract.graphql), so
 * values cross the GraphQL boundary without mapping.
 */

/** Incident severity, set by front-line support. */
export type Severity = "CRITICAL" | "HIGH" | "NORMAL";
/** The channel an incident came in on, or a comment was made through. */
export type ContactChannel = "PHONE" | "EMAIL" | "WEB";
/** Support level; escalation moves L1 → L2 → L3. */
export type SupportLevel = "L1" | "L2" | "L3";
/** The four SLA clocks. */
export type ClockKind = "FIRST_RESPONSE" | "CUSTOMER_UPDATE" | "ESCALATION" | "RESOLUTION";
/** The state of one clock cycle. */
export type ClockState = "RUNNING" | "PAUSED" | "MET" | "BREACHED";
/** Alerts the product raises by itself. */
export type AlertKind = "AT_RISK" | "BREACHED" | "ESCALATED";
/** Incident statuses. */
export type IncidentStatus = "NEW" | "IN_PROGRESS" | "PENDING_CUSTOMER" | "RESOLVED" | "CLOSED";
/** Comment visibility. */
export type CommentVisibility = "PUBLIC" | "INTERNAL";

/** Every severity, most severe first. */
export const SEVERITIES: readonly Severity[] = ["CRITICAL", "HIGH", "NORMAL"];
/** Every support level, lowest first. */
export const SUPPORT_LEVELS: readonly SupportLevel[] = ["L1", "L2", "L3"];
/** Every clock kind, in the order cycles are listed when they start together. */
export const CLOCK_KINDS: readonly ClockKind[] = ["FIRST_RESPONSE", "CUSTOMER_UPDATE", "ESCALATION", "RESOLUTION"];

/**
 * The level above `level`, or null at the top (L3), where escalation is refused
 * for a person and re-cycled for the product.
 */
export function nextLevel(level: SupportLevel): SupportLevel | null {
  return level === "L1" ? "L2" : level === "L2" ? "L3" : null;
}
