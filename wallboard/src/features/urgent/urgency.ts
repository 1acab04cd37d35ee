import type { ClockKind, SlaClock, UrgentIncident } from "../board/types";

/**
 * What a running clock means *now*, from the server's time (never the screen's): every
 * figure here is a pure function of the incident as last received and `nowMs`, the
 * server's time, so countdowns tick locally and agree with the server to the second.
 *
 * - overdue: a BREACHED cycle still open, or a RUNNING one whose due has passed (a clock is
 *   breached when now > due, SLA.md), counting the time since its due;
 * - atRisk: RUNNING, flagged at risk by the server (AT_RISK arrives as an event);
 * - onTrack: RUNNING, counting down to its due;
 * - paused: PAUSED (waiting on the customer), showing the working time it had left;
 * - idle: nothing running (every clock decided).
 */
export type Tone = "overdue" | "atRisk" | "onTrack" | "paused" | "idle";

export interface ClockView {
  tone: Tone;
  clock: SlaClock | null;
  /** Seconds left (onTrack, atRisk, paused) or seconds overdue (overdue); 0 for idle. */
  seconds: number;
}

const IDLE: ClockView = { tone: "idle", clock: null, seconds: 0 };

function ms(iso: string | null | undefined): number {
  if (!iso) return Number.NaN;
  return Date.parse(iso);
}

/** Whether a cycle is still open (not decided and stopped). */
export function isOpenClock(clock: SlaClock): boolean {
  if (clock.stoppedAt) return false;
  return clock.state === "RUNNING" || clock.state === "PAUSED" || clock.state === "BREACHED";
}

export function clockView(clock: SlaClock, nowMs: number): ClockView {
  if (!isOpenClock(clock)) return IDLE;
  const due = ms(clock.dueAt);
  if (clock.state === "PAUSED") return { tone: "paused", clock, seconds: Math.max(0, clock.remainingSeconds) };
  if (clock.state === "BREACHED") {
    const since = Number.isNaN(ms(clock.breachedAt)) ? due : Math.min(due, ms(clock.breachedAt));
    return { tone: "overdue", clock, seconds: Math.max(0, Math.floor((nowMs - since) / 1000)) };
  }
  if (Number.isNaN(due)) return IDLE;
  if (nowMs > due) return { tone: "overdue", clock, seconds: Math.floor((nowMs - due) / 1000) };
  // Rounded up like the server's remainingSeconds: 0 only at the due instant itself.
  return { tone: clock.atRisk ? "atRisk" : "onTrack", clock, seconds: Math.ceil((due - nowMs) / 1000) };
}

const TONE_RANK: Record<Tone, number> = { overdue: 0, atRisk: 1, onTrack: 2, paused: 3, idle: 4 };

/** The clock a person must look at: the longest overdue, else the nearest due, else a paused one. */
export function headline(incident: UrgentIncident, nowMs: number): ClockView {
  let best = IDLE;
  for (const clock of incident.clocks) {
    const view = clockView(clock, nowMs);
    if (view.tone === "idle") continue;
    const a = TONE_RANK[view.tone];
    const b = TONE_RANK[best.tone];
    if (a < b) best = view;
    else if (a === b) {
      // overdue: more seconds overdue first; counting down: fewer seconds left first.
      if (view.tone === "overdue" ? view.seconds > best.seconds : view.seconds < best.seconds) best = view;
    }
  }
  return best;
}

interface Keys {
  /** Earliest due of an open BREACHED cycle (NaN when none). */
  breachedDue: number;
  /** Earliest due of a RUNNING cycle (NaN when none). */
  runningDue: number;
  /** Earliest due of a PAUSED cycle (NaN when none). */
  pausedDue: number;
  /** A RUNNING cycle is flagged at risk. */
  atRiskRunning: boolean;
}

const keyCache = new WeakMap<UrgentIncident, Keys>();

function keysOf(incident: UrgentIncident): Keys {
  let keys = keyCache.get(incident);
  if (keys) return keys;
  keys = { breachedDue: Number.NaN, runningDue: Number.NaN, pausedDue: Number.NaN, atRiskRunning: false };
  const earliest = (a: number, b: number) => (Number.isNaN(a) || b < a ? b : a);
  for (const clock of incident.clocks) {
    if (!isOpenClock(clock)) continue;
    const due = ms(clock.dueAt);
    if (Number.isNaN(due)) continue;
    if (clock.state === "BREACHED") keys.breachedDue = earliest(keys.breachedDue, Math.min(due, ms(clock.breachedAt) || due));
    else if (clock.state === "RUNNING") {
      keys.runningDue = earliest(keys.runningDue, due);
      if (clock.atRisk) keys.atRiskRunning = true;
    }
    else keys.pausedDue = earliest(keys.pausedDue, due);
  }
  keyCache.set(incident, keys);
  return keys;
}

/** [group, instant]: group 0 overdue (by the instant it fell due, oldest first), 1 running (by due), 2 paused, 3 idle. */
export function urgencyKey(incident: UrgentIncident, nowMs: number): [number, number] {
  const k = keysOf(incident);
  const runningOverdue = !Number.isNaN(k.runningDue) && nowMs > k.runningDue;
  if (!Number.isNaN(k.breachedDue) || runningOverdue) {
    const since = Number.isNaN(k.breachedDue) ? k.runningDue : runningOverdue ? Math.min(k.breachedDue, k.runningDue) : k.breachedDue;
    return [0, since];
  }
  if (!Number.isNaN(k.runningDue)) return [1, k.runningDue];
  if (!Number.isNaN(k.pausedDue)) return [2, k.pausedDue];
  return [3, 0];
}

/** Board order: overdue first (longest overdue first), then by next due; number breaks ties. */
export function orderUrgent(incidents: readonly UrgentIncident[], nowMs: number): UrgentIncident[] {
  const keyed = incidents.map((incident) => ({ incident, key: urgencyKey(incident, nowMs) }));
  keyed.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || (a.incident.number < b.incident.number ? -1 : a.incident.number > b.incident.number ? 1 : 0));
  return keyed.map((k) => k.incident);
}

/**
 * How many incidents are overdue / at risk now (for the panel's header), as their headline
 * tone says, and how many running dues have passed (the order changes only when that
 * count does). Linear, on numbers cached per incident object: cheap once a second.
 */
export function countTones(incidents: readonly UrgentIncident[], nowMs: number): { overdue: number; atRisk: number; crossed: number } {
  let overdue = 0;
  let atRisk = 0;
  let crossed = 0;
  for (const incident of incidents) {
    const k = keysOf(incident);
    const runningOverdue = !Number.isNaN(k.runningDue) && nowMs > k.runningDue;
    if (runningOverdue) crossed++;
    if (runningOverdue || !Number.isNaN(k.breachedDue)) overdue++;
    else if (k.atRiskRunning) atRisk++;
  }
  return { overdue, atRisk, crossed };
}

/**
 * The running dues of a list, sorted once per list, so that each second the board learns
 * in O(log n) how many have passed instead of looking at every incident: `countTones`
 * answered from a binary search (see toneCountsAt).
 */
export interface ToneIndex {
  /** Earliest running due of every incident that has one, ascending. */
  running: Float64Array;
  /** The same, for incidents without an open breached cycle (passing makes them overdue). */
  unbreached: Float64Array;
  /** The same, for those flagged at risk (passing moves them from at risk to overdue). */
  atRisk: Float64Array;
  /** Incidents with an open breached cycle: overdue whatever the time. */
  breached: number;
}

export function toneIndex(incidents: readonly UrgentIncident[]): ToneIndex {
  const running: number[] = [];
  const unbreached: number[] = [];
  const atRisk: number[] = [];
  let breached = 0;
  for (const incident of incidents) {
    const k = keysOf(incident);
    const isBreached = !Number.isNaN(k.breachedDue);
    if (isBreached) breached++;
    if (Number.isNaN(k.runningDue)) continue;
    running.push(k.runningDue);
    if (isBreached) continue;
    unbreached.push(k.runningDue);
    if (k.atRiskRunning) atRisk.push(k.runningDue);
  }
  const sorted = (a: number[]) => Float64Array.from(a).sort();
  return { running: sorted(running), unbreached: sorted(unbreached), atRisk: sorted(atRisk), breached };
}

/** How many of the sorted `dues` are before `nowMs` (a due is passed when now > due). */
export function countPassed(dues: Float64Array, nowMs: number): number {
  let lo = 0;
  let hi = dues.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dues[mid] < nowMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The same figures as countTones, from a ToneIndex. */
export function toneCountsAt(index: ToneIndex, nowMs: number): { overdue: number; atRisk: number; crossed: number } {
  return {
    overdue: index.breached + countPassed(index.unbreached, nowMs),
    atRisk: index.atRisk.length - countPassed(index.atRisk, nowMs),
    crossed: countPassed(index.running, nowMs),
  };
}

/**
 * What a row shows that changes only when a due passes: the headline's tone and which
 * clock it is, as one string a row can watch each second without re-rendering ("onTrack:0").
 */
export function headlineKey(incident: UrgentIncident, nowMs: number): string {
  const view = headline(incident, nowMs);
  return `${view.tone}:${view.clock ? incident.clocks.indexOf(view.clock) : -1}`;
}

/** Reads a headlineKey back: the tone and the clock it names. */
export function fromHeadlineKey(incident: UrgentIncident, key: string): { tone: Tone; clock: SlaClock | null } {
  const [tone, index] = key.split(":");
  return { tone: tone as Tone, clock: incident.clocks[Number(index)] ?? null };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "4:59", "1:02:03", "2d 04:13:22": always with seconds, so a countdown visibly runs. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3_600);
  const minutes = Math.floor((s % 3_600) / 60);
  const seconds = s % 60;
  if (days > 0) return `${days}d ${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
  if (hours > 0) return `${hours}:${pad(minutes)}:${pad(seconds)}`;
  return `${minutes}:${pad(seconds)}`;
}

const CLOCK_WORD: Record<ClockKind, string> = {
  FIRST_RESPONSE: "First response",
  CUSTOMER_UPDATE: "Customer update",
  ESCALATION: "Escalation",
  RESOLUTION: "Resolution",
};

/** "First response", "Escalation L2", "Customer update #3". */
export function clockWord(clock: Pick<SlaClock, "kind" | "level" | "cycle">): string {
  const word = CLOCK_WORD[clock.kind] ?? clock.kind;
  if (clock.kind === "ESCALATION" && clock.level) return `${word} ${clock.level}`;
  if (clock.kind === "CUSTOMER_UPDATE" && clock.cycle > 1) return `${word} #${clock.cycle}`;
  return word;
}

export const TONE_WORD: Record<Tone, string> = {
  overdue: "Overdue",
  atRisk: "At risk",
  onTrack: "On track",
  paused: "Paused",
  idle: "No clock",
};

const SHORT_CLOCK_WORD: Record<ClockKind, string> = {
  FIRST_RESPONSE: "1st response",
  CUSTOMER_UPDATE: "Update",
  ESCALATION: "Escalation",
  RESOLUTION: "Resolution",
};

/** "1st response", "Escalation L2", "Update #3": for narrow places. */
export function shortClockWord(clock: Pick<SlaClock, "kind" | "level" | "cycle">): string {
  const word = SHORT_CLOCK_WORD[clock.kind] ?? clock.kind;
  if (clock.kind === "ESCALATION" && clock.level) return `${word} ${clock.level}`;
  if (clock.kind === "CUSTOMER_UPDATE" && clock.cycle > 1) return `${word} #${clock.cycle}`;
  return word;
}

/** What the countdown cell says above its digits, after the clock's name. */
export function countdownCaption(tone: Tone): string {
  switch (tone) {
    case "overdue":
      return "late by";
    case "paused":
      return "left, paused";
    case "idle":
      return "";
    default:
      return "due in";
  }
}

/** Pages of a rotating list: page `index` (wrapped) of `size` items, and how many pages. */
export function pageOf<T>(items: readonly T[], size: number, index: number): { items: T[]; page: number; pages: number } {
  const perPage = Math.max(1, Math.floor(size));
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  const page = ((Math.floor(index) % pages) + pages) % pages;
  return { items: items.slice(page * perPage, page * perPage + perPage), page, pages };
}
