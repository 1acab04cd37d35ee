/**
 * Clocks from history: every cycle of every clock, and the incident's derived
 * state, at one `now`. See engine.ts for the replay that produces them.
 */
import { Replay, type ComplianceOutcome, type SlaClockView } from "./engine.js";
import type { IncidentHistoryEvent } from "./events.js";
import { channelMismatch, type SlaTargets } from "./policy.js";
import type { ContactChannel, IncidentStatus, Severity, SupportLevel } from "./types.js";

/** Everything the API shows of an incident's service levels at one instant. */
export interface DerivedIncident {
  readonly status: IncidentStatus;
  readonly level: SupportLevel;
  readonly severity: Severity;
  readonly channel: ContactChannel;
  /** The channel is not one recommended for the current severity. */
  readonly channelMismatch: boolean;
  readonly productCode: string | null;
  readonly openedAt: number;
  /** Every cycle of every clock, oldest first. */
  readonly clocks: readonly SlaClockView[];
  /** Earliest dueAt among RUNNING cycles; null when none runs. */
  readonly nextDueAt: number | null;
  /** A BREACHED cycle is still open (not stopped). */
  readonly overdue: boolean;
  /** Some cycle ever breached. */
  readonly breached: boolean;
  /** Some RUNNING or PAUSED cycle is at risk. */
  readonly atRisk: boolean;
  readonly firstRespondedAt: number | null;
  /** The last resolution, null while open (after a reopen too). */
  readonly resolvedAt: number | null;
  readonly closedAt: number | null;
  /**
   * The earliest instant at which the product must act (a threshold, a due,
   * an automatic escalation, auto-resolve, auto-close) that is not recorded in
   * the history yet; the watcher acts once now > nextDecisionAt. Null when
   * nothing is left (CLOSED). May lie before `now` when the watcher lags.
   */
  readonly nextDecisionAt: number | null;
  /** Compliance outcomes decided by `now`, one per case and measure. */
  readonly outcomes: readonly ComplianceOutcome[];
  /** The targets in force now (for the current severity). */
  readonly targets: SlaTargets;
}

/**
 * Derives the incident at `now` from its history (oldest first; see
 * IncidentHistoryEvent). Decisions the rules date before `now` are taken
 * whether or not the watcher has recorded them, so the answer never depends on
 * detection lag. Throws when the history has no OPENED event.
 */
export function deriveIncident(history: readonly IncidentHistoryEvent[], now: number): DerivedIncident {
  const r = new Replay({ now, until: NaN, findNextDecision: true, statuses: false }).run(history);
  const s = r.snapshot;
  if (s === null) throw new Error("incident history has no OPENED event at or before now");
  return {
    status: s.status,
    level: s.level,
    severity: s.severity,
    channel: s.channel,
    channelMismatch: channelMismatch(s.targets, s.channel),
    productCode: s.productCode,
    openedAt: s.openedAt,
    clocks: s.clocks,
    nextDueAt: s.nextDueAt,
    overdue: s.overdue,
    breached: s.breached,
    atRisk: s.atRisk,
    firstRespondedAt: s.firstRespondedAt,
    resolvedAt: s.resolvedAt,
    closedAt: s.closedAt,
    nextDecisionAt: r.firstUnrecorded === Infinity ? null : r.firstUnrecorded,
    outcomes: s.outcomes,
    targets: s.targets,
  };
}

/** The clocks alone (every cycle, oldest first) at `now`. */
export function deriveClocks(history: readonly IncidentHistoryEvent[], now: number): readonly SlaClockView[] {
  return deriveIncident(history, now).clocks;
}

/**
 * The status after each event of the history (same length), as the status
 * machine leaves it; decisions the product took in between (auto-resolve,
 * auto-close) are applied before the next event.
 */
export function statusAfterEach(history: readonly IncidentHistoryEvent[]): IncidentStatus[] {
  return new Replay({ now: NaN, until: NaN, findNextDecision: false, statuses: true }).run(history).statuses;
}
