/**
 * Builders of incident histories for tests (domain and server): short,
 * readable event constructors with the seed policy's targets.
 */
import type { CalendarDefinition } from "./calendar.js";
import type { SlaClockView } from "./engine.js";
import type { IncidentHistoryEvent } from "./events.js";
import { defaultSlaPolicy, type SlaTargets } from "./policy.js";
import type { ClockKind, ContactChannel, Severity, SupportLevel } from "./types.js";

/** The seed policy on 24×7 UTC. */
export const SEED = defaultSlaPolicy();

/** The seed policy with every severity on `calendar`. */
export function policyOn(calendar: CalendarDefinition) {
  return defaultSlaPolicy(calendar);
}

/** OPENED with the seed targets for `severity` (or the given ones). */
export function opened(at: number, severity: Severity, targets: SlaTargets = SEED[severity], extra: { channel?: ContactChannel; productCode?: string; recordedAt?: number } = {}): IncidentHistoryEvent {
  return { type: "OPENED", at, severity, level: "L1", channel: extra.channel ?? "EMAIL", productCode: extra.productCode ?? "ERP", targets, recordedAt: extra.recordedAt ?? null };
}

/** An agent's public reply (a public communication). */
export const reply = (at: number): IncidentHistoryEvent => ({ type: "COMMENTED", at, visibility: "PUBLIC", authorKind: "AGENT", channel: "EMAIL" });
/** An internal note (never a public communication). */
export const note = (at: number): IncidentHistoryEvent => ({ type: "COMMENTED", at, visibility: "INTERNAL", authorKind: "AGENT", channel: null });
/** The customer's comment (never a public communication). */
export const customer = (at: number): IncidentHistoryEvent => ({ type: "COMMENTED", at, visibility: "PUBLIC", authorKind: "CUSTOMER", channel: "WEB" });
/** waitForCustomer. */
export const paused = (at: number): IncidentHistoryEvent => ({ type: "PAUSED", at });
/** resumeIncident by a person. */
export const resumed = (at: number, by: "PERSON" | "CUSTOMER" = "PERSON"): IncidentHistoryEvent => ({ type: "RESUMED", at, by });
/** A person's escalation. */
export const escalated = (at: number, toLevel: SupportLevel): IncidentHistoryEvent => ({ type: "ESCALATED", at, by: "PERSON", toLevel });
/** Resolved by a person (summary = public communication), the product, or a problem. */
export const resolved = (at: number, by: "PERSON" | "SYSTEM" | "PROBLEM" = "PERSON"): IncidentHistoryEvent => ({ type: "RESOLVED", at, by });
/** Closed. */
export const closed = (at: number, by: "PERSON" | "SYSTEM" = "PERSON"): IncidentHistoryEvent => ({ type: "CLOSED", at, by });
/** Reopened. */
export const reopened = (at: number): IncidentHistoryEvent => ({ type: "REOPENED", at });
/** Severity changed, with the new severity's seed targets (or the given ones). */
export function severityChanged(at: number, severity: Severity, targets: SlaTargets = SEED[severity]): IncidentHistoryEvent {
  return { type: "SEVERITY_CHANGED", at, severity, targets };
}

/** The cycle of `kind` number `cycle` (and `level` for ESCALATION); throws when absent. */
export function cycleOf(clocks: readonly SlaClockView[], kind: ClockKind, cycle = 1, level: SupportLevel | null = kind === "ESCALATION" ? "L1" : null): SlaClockView {
  const c = clocks.find((x) => x.kind === kind && x.cycle === cycle && x.level === level);
  if (!c) throw new Error(`no ${kind} ${level ?? ""} cycle ${cycle} among ${clocks.map((x) => `${x.kind}/${x.level ?? "-"}/${x.cycle}`).join(", ")}`);
  return c;
}
