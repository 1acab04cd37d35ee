/**
 * The SLA engine: one deterministic replay of an incident's history in which
 * the product's own decisions (breaches, automatic escalation, the L3 re-cycle,
 * auto-resolve, auto-close, alerts) happen at the instants the rules give,
 * whether or not a watcher has recorded them yet. Everything public —
 * deriveIncident, pendingDecisions, nextDecisionAt, complianceOutcomes — is a
 * view of this replay, so there is one definition of every rule.
 *
 * Time model. Events are applied in array order at `max(event.at, time so far)`.
 * A decision due at instant τ is taken only once something happens strictly
 * after τ (the next event, or `now`): at now = due a clock is not breached,
 * and an event at exactly the due (a reply at 16:25 for a 16:25 due) is applied
 * before the decision, so it meets the target.
 *
 * Recorded decisions. The watcher appends the decisions it applies (ALERT
 * records; ESCALATED, RESOLVED and CLOSED by SYSTEM). Before replaying, the
 * engine collects their identities; a decision the replay takes that is
 * already recorded is not pending. A SYSTEM event met during the replay is
 * applied when it matches the state (it is the decision itself) and ignored
 * when the replay already took that decision, so appending decisions never
 * changes what is derived.
 */
import { compileCalendar, type BusinessCalendar } from "./calendar.js";
import { isWorkingDays, type SlaDuration } from "./duration.js";
import { alertIdentity, type IncidentHistoryEvent, type SlaAlertRecord } from "./events.js";
import type { SlaTargets } from "./policy.js";
import { nextLevel, type AlertKind, type ClockKind, type ClockState, type ContactChannel, type IncidentStatus, type Severity, type SupportLevel } from "./types.js";

/** A decision the product takes by itself, as the event to append (ALERT, or ESCALATED / RESOLVED / CLOSED by SYSTEM). */
export interface SlaDecision {
  /** The instant the rules give (a due, a threshold, the change that caused it). */
  readonly at: number;
  /** Dated before the incident was recorded (an import): record it, notify no one. */
  readonly silent: boolean;
  /** The event to append to the history; its `at` equals `at`. */
  readonly event: IncidentHistoryEvent;
}

/** The two compliance measures. */
export type ComplianceMeasure = "FIRST_RESPONSE" | "UPDATES_AND_ESCALATIONS";

/** One decided outcome of one case (opening or reopening to resolution) for one measure. */
export interface ComplianceOutcome {
  readonly measure: ComplianceMeasure;
  /** 1 for the case from opening, 2 after the first reopen, … */
  readonly caseNumber: number;
  readonly at: number;
  readonly outcome: "MET" | "BREACHED";
  /** The severity in force after any change at `at`. */
  readonly severity: Severity;
  readonly productCode: string | null;
  /** The level of the cycle that decided it (for MET, the level at resolution). */
  readonly level: SupportLevel;
}

/** One cycle of one clock at one `now` (the contract's SlaClock, instants as epoch ms). */
export interface SlaClockView {
  readonly kind: ClockKind;
  readonly cycle: number;
  readonly level: SupportLevel | null;
  readonly state: ClockState;
  readonly startedAt: number;
  readonly originalDueAt: number;
  readonly dueAt: number;
  readonly stoppedAt: number | null;
  readonly breachedAt: number | null;
  readonly breachedByChange: boolean;
  readonly targetSeconds: number;
  readonly elapsedSeconds: number;
  readonly remainingSeconds: number;
  readonly pausedSeconds: number;
  readonly atRisk: boolean;
  readonly marginSeconds: number | null;
}

const FR = 0;
const UPD = 1;
const ESC = 2;
const RES = 3;
const KIND: readonly ClockKind[] = ["FIRST_RESPONSE", "CUSTOMER_UPDATE", "ESCALATION", "RESOLUTION"];

const T_NONE = 0;
const T_RISK = 1;
const T_BREACH = 2;
const T_AUTO_RESOLVE = 3;
const T_AUTO_CLOSE = 4;

/** Beyond this many decisions in one replay something is wrong (an L3 re-cycle is at most one per target). */
const MAX_DECISIONS = 1_000_000;

/** One cycle of one clock during the replay. */
class Cycle {
  cal!: BusinessCalendar;
  origDue = 0;
  targetMs = 0;
  thresholdMs = 0;
  /** Completed pause intervals, flat [from, to, from, to, …]. */
  pauses: number[] | null = null;
  pausedSince = -1;
  /** Working ms of the completed pauses, on `cal`. */
  pausedDone = 0;
  /** Due with completed pauses applied. */
  due = 0;
  state: ClockState = "RUNNING";
  stopped = -1;
  breachedAt = -1;
  byChange = false;
  /** The due instant the cycle is armed for (alert identity). */
  armedDue = -1;
  atRiskFired = false;
  /** Instant the running cycle reaches its at-risk threshold for the current arming, or -1. */
  riskAt = -1;
  constructor(
    readonly kind: number,
    readonly level: SupportLevel | null,
    readonly n: number,
    readonly start: number,
  ) {}
}

function durationFor(kind: number, t: SlaTargets): SlaDuration | null {
  return kind === FR ? t.firstResponse : kind === UPD ? t.updateInterval : kind === ESC ? t.escalationInterval : t.resolution;
}

/** What one replay should produce. */
export interface ReplayOptions {
  /** Take a snapshot of every figure at this instant (NaN: none). */
  readonly now: number;
  /** Collect unrecorded decisions dated strictly before this instant (NaN: collect none). */
  readonly until: number;
  /** Keep replaying after the history until the first unrecorded decision is known. */
  readonly findNextDecision: boolean;
  /** Record the status after each history event. */
  readonly statuses: boolean;
}

/** The incident at the snapshot instant. */
export interface ReplaySnapshot {
  readonly status: IncidentStatus;
  readonly level: SupportLevel;
  readonly severity: Severity;
  readonly channel: ContactChannel;
  readonly productCode: string | null;
  readonly openedAt: number;
  readonly firstRespondedAt: number | null;
  readonly resolvedAt: number | null;
  readonly closedAt: number | null;
  readonly clocks: SlaClockView[];
  readonly nextDueAt: number | null;
  readonly overdue: boolean;
  readonly breached: boolean;
  readonly atRisk: boolean;
  readonly outcomes: ComplianceOutcome[];
  readonly targets: SlaTargets;
}

interface OutcomeDraft {
  measure: ComplianceMeasure;
  caseNumber: number;
  at: number;
  outcome: "MET" | "BREACHED";
  level: SupportLevel;
}

/** The replay. Single use: construct, `run`, read the results. */
export class Replay {
  status: IncidentStatus = "NEW";
  level: SupportLevel = "L1";
  severity: Severity = "NORMAL";
  channel: ContactChannel = "WEB";
  productCode: string | null = null;
  targets!: SlaTargets;
  cal!: BusinessCalendar;
  opened = false;
  openedAt = 0;
  recordedAt = -Infinity;
  readonly cycles: Cycle[] = [];
  /** Open (or last) cycle per kind. */
  private readonly cur: Array<Cycle | null> = [null, null, null, null];
  private updN = 0;
  private resN = 0;
  private readonly escN: Record<SupportLevel, number> = { L1: 0, L2: 0, L3: 0 };
  private pausedAt = -1;
  private casePauses: number[] = [];
  private caseNo = 1;
  private caseStart = 0;
  private caseDecided = false;
  firstRespondedAt = -1;
  resolvedAt = -1;
  closedAt = -1;
  private time = -Infinity;
  private readonly recorded = new Set<string>();
  private decisionCount = 0;

  /** Unrecorded decisions dated before `until`, in order. */
  readonly decisions: SlaDecision[] = [];
  /** The earliest unrecorded decision's instant (Infinity: none found). */
  firstUnrecorded = Infinity;
  /** Status after each history event (when asked). */
  readonly statuses: IncidentStatus[] = [];
  private readonly outcomeDrafts: OutcomeDraft[] = [];
  private readonly severityLog: Array<[number, Severity]> = [];
  snapshot: ReplaySnapshot | null = null;

  private nextKind = T_NONE;
  private nextCycle: Cycle | null = null;

  constructor(private readonly opts: ReplayOptions) {}

  /** Replays `history` as the options ask. */
  run(history: readonly IncidentHistoryEvent[]): this {
    this.scanRecorded(history);
    const now = this.opts.now;
    let snapped = Number.isNaN(now);
    for (let i = 0; i < history.length; i++) {
      const e = history[i];
      if (!snapped && e.at > now) {
        this.advance(now);
        this.takeSnapshot(now);
        snapped = true;
      }
      this.advance(e.at);
      this.apply(e);
      if (this.opts.statuses) this.statuses.push(this.status);
    }
    if (!snapped) {
      this.advance(now);
      this.takeSnapshot(now);
    }
    const until = this.opts.until;
    if (!Number.isNaN(until)) this.advance(until);
    if (this.opts.findNextDecision) {
      while (this.firstUnrecorded === Infinity) {
        const tau = this.nextTimer();
        if (tau === Infinity) break;
        this.fire(tau);
      }
    }
    return this;
  }

  // ---- recorded decisions ------------------------------------------------

  private scanRecorded(history: readonly IncidentHistoryEvent[]): void {
    let caseNo = 1;
    for (const e of history) {
      switch (e.type) {
        case "ALERT":
          this.recorded.add(alertIdentity(e.alert.kind, e.alert.clock, e.alert.level, e.alert.cycle, e.alert.dueAt));
          break;
        case "ESCALATED":
          if (e.by === "SYSTEM" && e.fromLevel && e.cycle) this.recorded.add(`E|${e.fromLevel}|${e.cycle}`);
          break;
        case "RESOLVED":
          if (e.by === "SYSTEM") this.recorded.add(`R|${caseNo}`);
          break;
        case "REOPENED":
          caseNo++;
          break;
        case "CLOSED":
          if (e.by === "SYSTEM") this.recorded.add("C");
          break;
        default:
          break;
      }
    }
  }

  /** Notes a decision taken at `at`; `make` builds its event only when it has to be returned. */
  private decided(at: number, key: string, make: () => IncidentHistoryEvent): void {
    if (++this.decisionCount > MAX_DECISIONS) throw new Error("SLA replay took too many decisions (a calendar without working time?)");
    if (this.recorded.size > 0 && this.recorded.has(key)) return;
    if (at < this.firstUnrecorded) this.firstUnrecorded = at;
    if (at < this.opts.until) this.decisions.push({ at, silent: at < this.recordedAt, event: make() });
  }

  private alert(kind: AlertKind, c: Cycle, at: number, dueAt: number): void {
    const clock = KIND[c.kind];
    this.decided(at, alertIdentity(kind, clock, c.level, c.n, dueAt), () => {
      const alert: SlaAlertRecord = { kind, clock, level: c.level, cycle: c.n, dueAt };
      return at < this.recordedAt ? { type: "ALERT", at, alert, silent: true } : { type: "ALERT", at, alert };
    });
  }

  // ---- timers ----------------------------------------------------------------

  /** The earliest pending decision instant (clamped to the replay's time), remembering what it is. */
  private nextTimer(): number {
    let best = Infinity;
    this.nextKind = T_NONE;
    this.nextCycle = null;
    const status = this.status;
    if (status === "CLOSED" || !this.opened) return Infinity;
    if (status === "RESOLVED") {
      best = this.resolvedAt + this.targets.autoCloseAfterSeconds * 1000;
      this.nextKind = T_AUTO_CLOSE;
    } else {
      for (let k = 0; k < 4; k++) {
        const c = this.cur[k];
        if (c === null || c.stopped >= 0 || c.state !== "RUNNING") continue;
        if (c.riskAt >= 0 && c.riskAt < best) {
          best = c.riskAt;
          this.nextKind = T_RISK;
          this.nextCycle = c;
        }
        if (c.due < best) {
          best = c.due;
          this.nextKind = T_BREACH;
          this.nextCycle = c;
        }
      }
      if (status === "PENDING_CUSTOMER") {
        const tau = this.pausedAt + this.targets.maxCustomerWaitSeconds * 1000;
        if (tau < best) {
          best = tau;
          this.nextKind = T_AUTO_RESOLVE;
          this.nextCycle = null;
        }
      }
    }
    return best < this.time ? this.time : best;
  }

  /** Takes every decision dated strictly before `limit`, in order. */
  private advance(limit: number): void {
    for (;;) {
      const tau = this.nextTimer();
      if (!(tau < limit)) return;
      this.fire(tau);
    }
  }

  private fire(tau: number): void {
    this.time = tau;
    const c = this.nextCycle;
    switch (this.nextKind) {
      case T_RISK:
        if (c) {
          c.riskAt = -1;
          c.atRiskFired = true;
          this.alert("AT_RISK", c, tau, c.armedDue);
        }
        return;
      case T_BREACH:
        if (c) this.breach(c, tau, false);
        return;
      case T_AUTO_RESOLVE:
        this.decided(tau, `R|${this.caseNo}`, () => ({ type: "RESOLVED", at: tau, by: "SYSTEM" }));
        this.resolve(tau);
        return;
      case T_AUTO_CLOSE:
        this.decided(tau, "C", () => ({ type: "CLOSED", at: tau, by: "SYSTEM" }));
        this.status = "CLOSED";
        this.closedAt = tau;
        return;
      default:
        return;
    }
  }

  // ---- cycles ------------------------------------------------------------------

  /** (Re)computes a cycle's due, target and threshold on `cal` from its start and pause intervals. */
  private measure(c: Cycle, cal: BusinessCalendar, dur: SlaDuration, ratio: number): void {
    c.cal = cal;
    if (isWorkingDays(dur)) {
      c.origDue = cal.addWorkingDays(c.start, dur.workingDays);
      c.targetMs = cal.workingMsBetween(c.start, c.origDue);
    } else {
      c.targetMs = dur.minutes * 60_000;
      c.origDue = cal.addWorkingMs(c.start, c.targetMs);
    }
    // ratio × target rounded up to the ms, with slack for binary fractions (0.7 × 3 600 000).
    c.thresholdMs = Math.ceil(ratio * c.targetMs - 1e-6);
    let paused = 0;
    const p = c.pauses;
    if (p !== null) for (let i = 0; i < p.length; i += 2) paused += cal.workingMsBetween(p[i], p[i + 1]);
    c.pausedDone = paused;
    c.due = paused > 0 ? cal.addWorkingMs(c.origDue, paused) : c.origDue;
  }

  /** Working ms the cycle has run (pauses excluded) by instant `t`. */
  private elapsed(c: Cycle, t: number): number {
    let end = c.stopped >= 0 ? c.stopped : t;
    if (c.pausedSince >= 0 && c.pausedSince < end) end = c.pausedSince;
    return c.cal.workingMsBetween(c.start, end) - c.pausedDone;
  }

  private startCycle(kind: number, level: SupportLevel | null, n: number, start: number, dur: SlaDuration, pauses: number[] | null, pausedSince: number, armNow = true): Cycle {
    const c = new Cycle(kind, level, n, start);
    c.pauses = pauses;
    this.measure(c, this.cal, dur, this.targets.atRiskRatio);
    this.cycles.push(c);
    this.cur[kind] = c;
    if (pausedSince >= 0) {
      c.state = "PAUSED";
      c.pausedSince = pausedSince;
    } else if (armNow) this.arm(c, this.time);
    return c;
  }

  /** Arms a running cycle for its current due at instant `t` (a new alert identity). */
  private arm(c: Cycle, t: number): void {
    c.armedDue = c.due;
    c.atRiskFired = false;
    this.checkRisk(c, t);
  }

  /** Raises AT_RISK now if the armed cycle is past its threshold, else schedules the crossing. */
  private checkRisk(c: Cycle, t: number): void {
    c.riskAt = -1;
    if (c.atRiskFired) return;
    if (this.elapsed(c, t) >= c.thresholdMs) {
      c.atRiskFired = true;
      this.alert("AT_RISK", c, t, c.armedDue);
    } else {
      c.riskAt = c.cal.addWorkingMs(c.start, c.thresholdMs + c.pausedDone);
    }
  }

  private closePause(c: Cycle, t: number): void {
    if (c.pausedSince < 0) return;
    (c.pauses ??= []).push(c.pausedSince, t);
    c.pausedDone += c.cal.workingMsBetween(c.pausedSince, t);
    c.pausedSince = -1;
    c.due = c.pausedDone > 0 ? c.cal.addWorkingMs(c.origDue, c.pausedDone) : c.origDue;
  }

  private stop(c: Cycle, t: number): void {
    this.closePause(c, t);
    c.stopped = t;
    c.riskAt = -1;
    if (c.state !== "BREACHED") c.state = "MET";
  }

  /** A cycle breaches at `at` (its due, or the change that put its due in the past). */
  private breach(c: Cycle, at: number, byChange: boolean, fromHistory = false): void {
    this.closePause(c, at);
    c.state = "BREACHED";
    c.breachedAt = at;
    c.byChange = byChange;
    c.riskAt = -1;
    this.alert("BREACHED", c, at, c.due);
    if (c.kind === FR) {
      this.outcome("FIRST_RESPONSE", at, "BREACHED", this.level);
    } else if (c.kind === UPD || c.kind === ESC) {
      if (!this.caseDecided) {
        this.caseDecided = true;
        this.outcome("UPDATES_AND_ESCALATIONS", at, "BREACHED", c.kind === ESC ? (c.level as SupportLevel) : this.level);
      }
    }
    if (c.kind === ESC && !byChange) this.escalateAfterBreach(at, fromHistory);
  }

  /**
   * The product's response to a breached escalation cycle: it stops at `at`;
   * below L3 the incident moves up a level (ESCALATED by SYSTEM, alert
   * ESCALATED), at L3 a new L3 cycle starts. New cycles start at `at`.
   */
  private escalateAfterBreach(at: number, fromHistory: boolean): void {
    const c = this.cur[ESC] as Cycle;
    c.stopped = at;
    const from = this.level;
    const to = nextLevel(from);
    if (to !== null) {
      if (!fromHistory) {
        this.decided(at, `E|${from}|${c.n}`, () => ({ type: "ESCALATED", at, by: "SYSTEM", fromLevel: from, toLevel: to, cycle: c.n }));
      }
      this.alert("ESCALATED", c, at, c.due);
      this.level = to;
    }
    const level = this.level;
    this.startCycle(ESC, level, ++this.escN[level], at, this.targets.escalationInterval, null, this.status === "PENDING_CUSTOMER" ? at : -1);
  }

  private outcome(measure: ComplianceMeasure, at: number, outcome: "MET" | "BREACHED", level: SupportLevel): void {
    this.outcomeDrafts.push({ measure, caseNumber: this.caseNo, at, outcome, level });
  }

  // ---- events ------------------------------------------------------------------

  private isOpen(): boolean {
    return this.status === "NEW" || this.status === "IN_PROGRESS" || this.status === "PENDING_CUSTOMER";
  }

  /** Applies one history event. Events the status machine would refuse change nothing. */
  private apply(e: IncidentHistoryEvent): void {
    const t = e.at > this.time ? e.at : this.time;
    this.time = t;
    if (e.type === "OPENED") {
      if (this.opened) return;
      this.open(e.severity, e.level ?? "L1", e.channel, e.productCode ?? null, e.targets, t, e.recordedAt ?? t);
      return;
    }
    if (!this.opened) return;
    switch (e.type) {
      case "COMMENTED":
        if (e.authorKind === "CUSTOMER") {
          if (this.status === "PENDING_CUSTOMER") this.resume(t);
        } else if (e.visibility === "PUBLIC" && this.isOpen()) this.publicCommunication(t);
        return;
      case "SEVERITY_CHANGED":
        if (!this.isOpen()) return; // refused by the status machine once resolved
        this.severity = e.severity;
        this.severityLog.push([t, e.severity]);
        this.retarget(e.targets, t);
        return;
      case "POLICY_CHANGED":
        if (this.status === "CLOSED") return;
        this.retarget(e.targets, t);
        return;
      case "PAUSED":
        if (this.status === "IN_PROGRESS") this.pause(t);
        return;
      case "RESUMED":
        if (this.status === "PENDING_CUSTOMER") this.resume(t);
        return;
      case "ESCALATED": {
        const esc = this.cur[ESC];
        if (esc === null || esc.stopped >= 0) return;
        if (e.by === "SYSTEM") {
          // The recorded form of a decision; applied only if the replay has not taken it yet.
          if (!this.isOpen() || (e.fromLevel && e.fromLevel !== this.level) || (e.cycle && e.cycle !== esc.n) || this.level === "L3") return;
          if (esc.state !== "BREACHED") this.breach(esc, t, false, true);
          else this.escalateAfterBreach(t, true);
          return;
        }
        if (!(this.status === "NEW" || this.status === "IN_PROGRESS") || nextLevel(this.level) === null) return;
        this.stop(esc, t);
        this.level = e.toLevel;
        this.startCycle(ESC, this.level, ++this.escN[this.level], t, this.targets.escalationInterval, null, -1);
        return;
      }
      case "RESOLVED":
        if (!this.isOpen()) return;
        if (e.by !== "SYSTEM") {
          // The summary (or the problem's message) is a public communication, counted first.
          const fr = this.cur[FR];
          if (fr !== null && fr.stopped < 0) this.firstResponse(fr, t);
        }
        this.resolve(t);
        return;
      case "CLOSED":
        if (this.status !== "RESOLVED") return;
        this.status = "CLOSED";
        this.closedAt = t;
        return;
      case "REOPENED":
        if (this.status !== "RESOLVED") return;
        this.reopen(t);
        return;
      default:
        return; // ASSIGNED, LINKED_TO_PROBLEM, ALERT: no effect on clocks
    }
  }

  private open(severity: Severity, level: SupportLevel, channel: ContactChannel, productCode: string | null, targets: SlaTargets, t: number, recordedAt: number): void {
    this.opened = true;
    this.status = "NEW";
    this.severity = severity;
    this.level = level;
    this.channel = channel;
    this.productCode = productCode;
    this.targets = targets;
    this.cal = compileCalendar(targets.calendar);
    this.openedAt = t;
    this.recordedAt = recordedAt;
    this.caseStart = t;
    this.severityLog.push([t, severity]);
    this.startCycle(FR, null, 1, t, targets.firstResponse, null, -1);
    this.startCycle(ESC, level, ++this.escN[level], t, targets.escalationInterval, null, -1);
    if (targets.resolution) this.startCycle(RES, null, ++this.resN, t, targets.resolution, null, -1);
  }

  private firstResponse(fr: Cycle, t: number): void {
    this.stop(fr, t);
    this.firstRespondedAt = t;
    if (fr.state === "MET") this.outcome("FIRST_RESPONSE", t, "MET", this.level);
  }

  private publicCommunication(t: number): void {
    const fr = this.cur[FR];
    const paused = this.status === "PENDING_CUSTOMER" ? t : -1;
    if (fr !== null && fr.stopped < 0) {
      this.firstResponse(fr, t);
      if (this.status === "NEW") this.status = "IN_PROGRESS";
      this.startCycle(UPD, null, ++this.updN, t, this.targets.updateInterval, null, paused);
      return;
    }
    const upd = this.cur[UPD];
    if (upd !== null && upd.stopped >= 0) return;
    if (upd !== null) this.stop(upd, t);
    this.startCycle(UPD, null, ++this.updN, t, this.targets.updateInterval, null, paused);
  }

  private pause(t: number): void {
    this.status = "PENDING_CUSTOMER";
    this.pausedAt = t;
    for (let k = UPD; k <= RES; k++) {
      const c = this.cur[k];
      if (c === null || c.stopped >= 0 || c.state !== "RUNNING") continue;
      c.state = "PAUSED";
      c.pausedSince = t;
      c.riskAt = -1;
    }
  }

  private resume(t: number): void {
    this.status = "IN_PROGRESS";
    this.casePauses.push(this.pausedAt, t);
    this.pausedAt = -1;
    for (let k = UPD; k <= RES; k++) {
      const c = this.cur[k];
      if (c === null || c.stopped >= 0 || c.state !== "PAUSED") continue;
      this.closePause(c, t);
      c.state = "RUNNING";
      // The due moved by the working time spent paused: a new arming, unless it did not move.
      if (c.due !== c.armedDue) this.arm(c, t);
      else this.checkRisk(c, t);
    }
  }

  /** Resolution at `t` stops every open cycle, whatever its state (the caller has counted a summary as a communication). */
  private resolve(t: number): void {
    for (let k = FR; k <= RES; k++) {
      const c = this.cur[k];
      if (c !== null && c.stopped < 0) this.stop(c, t);
    }
    if (this.pausedAt >= 0) this.casePauses.push(this.pausedAt, t);
    this.pausedAt = -1;
    this.status = "RESOLVED";
    this.resolvedAt = t;
    if (!this.caseDecided) {
      this.caseDecided = true;
      this.outcome("UPDATES_AND_ESCALATIONS", t, "MET", this.level);
    }
  }

  private reopen(t: number): void {
    this.status = "IN_PROGRESS";
    this.caseNo++;
    this.caseStart = t;
    this.caseDecided = false;
    this.casePauses = [];
    this.resolvedAt = -1;
    this.startCycle(UPD, null, ++this.updN, t, this.targets.updateInterval, null, -1);
    this.startCycle(ESC, this.level, ++this.escN[this.level], t, this.targets.escalationInterval, null, -1);
    if (this.targets.resolution) this.startCycle(RES, null, ++this.resN, t, this.targets.resolution, null, -1);
    else this.cur[RES] = null;
  }

  /**
   * New targets (severity or policy change) at `t`: every undecided cycle keeps
   * its start and pause intervals, re-measured on the new calendar with the new
   * target; one whose new due is already past breaches at `t` (by change).
   * Decided and breached cycles keep their outcome and their figures.
   */
  private retarget(targets: SlaTargets, t: number): void {
    this.targets = targets;
    this.cal = compileCalendar(targets.calendar);
    if (!this.isOpen()) return;
    let escalate = false;
    for (let k = FR; k <= RES; k++) {
      const c = this.cur[k];
      if (c === null || c.stopped >= 0 || c.state === "BREACHED") continue;
      const dur = durationFor(k, targets);
      if (dur === null) {
        // The resolution target was removed: the running cycle is no longer measured.
        this.cycles.splice(this.cycles.indexOf(c), 1);
        this.cur[k] = null;
        continue;
      }
      this.measure(c, this.cal, dur, targets.atRiskRatio);
      if (c.state === "RUNNING") {
        if (t > c.due) {
          this.breach(c, t, true);
          if (k === ESC) escalate = true;
        } else if (c.due !== c.armedDue) this.arm(c, t);
        else this.checkRisk(c, t);
      } else {
        const dueNow = c.cal.addWorkingMs(c.origDue, c.pausedDone + c.cal.workingMsBetween(c.pausedSince, t));
        if (t > dueNow) {
          this.breach(c, t, true);
          if (k === ESC) escalate = true;
        }
      }
    }
    if (this.cur[RES] === null && targets.resolution) {
      // A resolution target appeared: measure the case from its start, with its pauses.
      const pauses = this.casePauses.length > 0 ? this.casePauses.slice() : null;
      const c = this.startCycle(RES, null, ++this.resN, this.caseStart, targets.resolution, pauses, this.pausedAt, false);
      if (c.state === "RUNNING") {
        if (t > c.due) this.breach(c, t, true);
        else this.arm(c, t);
      } else if (t > c.cal.addWorkingMs(c.origDue, c.pausedDone + c.cal.workingMsBetween(c.pausedSince, t))) this.breach(c, t, true);
    }
    if (escalate) this.escalateAfterBreach(t, false);
  }

  // ---- snapshot ------------------------------------------------------------------

  private view(c: Cycle, now: number): SlaClockView {
    const paused = c.pausedSince >= 0 && c.stopped < 0;
    const pausedOpen = paused ? c.cal.workingMsBetween(c.pausedSince, now) : 0;
    const dueAt = paused ? c.cal.addWorkingMs(c.origDue, c.pausedDone + pausedOpen) : c.due;
    const elapsed = this.elapsed(c, now);
    const breached = c.state === "BREACHED";
    const decided = breached || c.state === "MET";
    return {
      kind: KIND[c.kind],
      cycle: c.n,
      level: c.level,
      state: c.state,
      startedAt: c.start,
      originalDueAt: c.origDue,
      dueAt,
      stoppedAt: c.stopped >= 0 ? c.stopped : null,
      breachedAt: c.breachedAt >= 0 ? c.breachedAt : null,
      breachedByChange: c.byChange,
      targetSeconds: Math.floor(c.targetMs / 1000),
      elapsedSeconds: Math.floor(elapsed / 1000),
      remainingSeconds: breached ? 0 : Math.max(0, Math.ceil((c.targetMs - elapsed) / 1000)),
      pausedSeconds: Math.floor((c.pausedDone + pausedOpen) / 1000),
      atRisk: (c.state === "RUNNING" || c.state === "PAUSED") && elapsed >= c.thresholdMs,
      marginSeconds: decided ? Math.floor((c.targetMs - elapsed) / 1000) : null,
    };
  }

  private takeSnapshot(now: number): void {
    if (!this.opened) return;
    const clocks: SlaClockView[] = [];
    let nextDueAt = Infinity;
    let overdue = false;
    let breached = false;
    let atRisk = false;
    for (const c of this.cycles) {
      const v = this.view(c, now);
      clocks.push(v);
      if (v.state === "RUNNING" && v.dueAt < nextDueAt) nextDueAt = v.dueAt;
      if (v.state === "BREACHED") {
        breached = true;
        if (v.stoppedAt === null) overdue = true;
      }
      if (v.atRisk) atRisk = true;
    }
    this.snapshot = {
      status: this.status,
      level: this.level,
      severity: this.severity,
      channel: this.channel,
      productCode: this.productCode,
      openedAt: this.openedAt,
      firstRespondedAt: this.firstRespondedAt >= 0 ? this.firstRespondedAt : null,
      resolvedAt: this.resolvedAt >= 0 ? this.resolvedAt : null,
      closedAt: this.closedAt >= 0 ? this.closedAt : null,
      clocks,
      nextDueAt: nextDueAt === Infinity ? null : nextDueAt,
      overdue,
      breached,
      atRisk,
      outcomes: this.outcomesSoFar(),
      targets: this.targets,
    };
  }

  /** Outcomes decided so far, each under the severity in force after any change at its instant. */
  outcomesSoFar(): ComplianceOutcome[] {
    const log = this.severityLog;
    return this.outcomeDrafts.map((o) => {
      let severity = log[0][1];
      for (let i = 0; i < log.length && log[i][0] <= o.at; i++) severity = log[i][1];
      return { measure: o.measure, caseNumber: o.caseNumber, at: o.at, outcome: o.outcome, severity, productCode: this.productCode, level: o.level };
    });
  }
}
