/**
 * The SLA engine: pure functions of an incident's history and an instant.
 * Instants are epoch milliseconds (number); convert at the API edge.
 *
 * Calendars (calendar.ts, duration.ts)
 *   validateCalendarDefinition(def)            throws DomainError BAD_USER_INPUT
 *   compileCalendar(def) → BusinessCalendar     validated, memoised, caches days
 *   addWorkingTime(cal, instant, {minutes}|{workingDays}) → instant
 *   workingTimeBetween(cal, a, b) → working ms
 *   durationText(d), validateDuration(d, label)
 *
 * Policy (policy.ts)
 *   defaultSlaPolicy() → Record<Severity, SlaTargets>   (SLA.md seed values)
 *   targetsFor(policy, severity), validateSlaTargets(t), applySlaTargetPatch(t, patch)
 *   channelMismatch(targets, channel)
 *
 * History (events.ts): IncidentHistoryEvent = OPENED | COMMENTED |
 *   SEVERITY_CHANGED | POLICY_CHANGED | ASSIGNED | PAUSED | RESUMED | ESCALATED |
 *   RESOLVED | CLOSED | REOPENED | LINKED_TO_PROBLEM | ALERT, each with `at`.
 *   OPENED, SEVERITY_CHANGED and POLICY_CHANGED carry the SlaTargets in force.
 *   Commands become events through incident/lifecycle.ts `decide(state, command, at)`.
 *
 * Derivation (clock.ts, decisions.ts, compliance.ts)
 *   deriveIncident(history, now) → { status, level, severity, clocks, nextDueAt,
 *     overdue, breached, atRisk, firstRespondedAt, resolvedAt, closedAt,
 *     nextDecisionAt, outcomes, channelMismatch, … }
 *   pendingDecisions(history, until) → SlaDecision[] ({ at, silent, event }):
 *     the events to append (ALERT; ESCALATED / RESOLVED / CLOSED by SYSTEM)
 *   nextDecisionAt(history) → instant | null      (act once now > it)
 *   statusAfterEach(history) → IncidentStatus[]
 *   complianceOutcomes(history, now), complianceRates(outcomes, from, to, filter),
 *   complianceTrend(...), rollupOutcomes(...), ratesFromRollup(...)
 *
 * How the server uses it, per command at `now`:
 *   1. h += pendingDecisions(h, now).events   (decisions the rules date before now)
 *   2. events = decide({ status, level } of deriveIncident(h, now), command, now)
 *   3. h += events; projection = deriveIncident(h, now); store nextDecisionAt
 * The watcher, for incidents with next_decision_at < now: step 1 only, storing
 * ALERT events as alerts (unique on incident + alertKey) and notifying unless
 * `silent`.
 */
export * from "./types.js";
export * from "./calendar.js";
export * from "./duration.js";
export * from "./policy.js";
export * from "./events.js";
export type { SlaDecision, SlaClockView, ComplianceMeasure, ComplianceOutcome } from "./engine.js";
export * from "./clock.js";
export * from "./decisions.js";
export * from "./compliance.js";
