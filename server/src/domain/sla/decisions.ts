/**
 * Decisions the product takes by itself, for the breach watcher: what must be
 * appended to an incident's history up to an instant, and when next to look.
 */
import { Replay, type SlaDecision } from "./engine.js";
import type { IncidentHistoryEvent } from "./events.js";

/**
 * Every decision the rules date strictly before `until` that the history does
 * not record yet, in order, each as the event to append: ALERT (AT_RISK,
 * BREACHED, ESCALATED), ESCALATED by SYSTEM (with the next level's cycle, whose
 * own decisions follow when they fall before `until`), RESOLVED by SYSTEM
 * (longest customer wait) and CLOSED by SYSTEM (auto-close). A breached L3
 * cycle yields its BREACHED alert; the new L3 cycle needs no event. Decisions
 * dated before the incident was recorded come with `silent: true`.
 *
 * Appending the returned events (in order) and asking again from the same
 * history gives the rest: pendingDecisions(h, t2) equals pendingDecisions(h,
 * t1) followed by pendingDecisions(h + those, t2).
 */
export function pendingDecisions(history: readonly IncidentHistoryEvent[], until: number): SlaDecision[] {
  return new Replay({ now: NaN, until, findNextDecision: false, statuses: false }).run(history).decisions;
}

/**
 * The earliest instant of a decision not yet recorded in the history (may be
 * in the past when the watcher lags); null when the product will never act
 * again (CLOSED). The watcher takes the incident once now > this instant.
 */
export function nextDecisionAt(history: readonly IncidentHistoryEvent[]): number | null {
  const r = new Replay({ now: NaN, until: NaN, findNextDecision: true, statuses: false }).run(history);
  return r.firstUnrecorded === Infinity ? null : r.firstUnrecorded;
}

/**
 * Appends pending decisions up to `until` to a copy of the history: what the
 * watcher does in one transaction (it also stores the ALERT records as
 * alerts). Convenient for tests and for the simulated clock.
 */
export function applyPendingDecisions(history: readonly IncidentHistoryEvent[], until: number): IncidentHistoryEvent[] {
  return [...history, ...pendingDecisions(history, until).map((d) => d.event)];
}
