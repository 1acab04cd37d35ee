/**
 * Business calendars: an IANA time zone, weekly working spans and holidays,
 * compiled into something that answers "how much working time lies between two
 * instants" and "which instant is N working milliseconds after this one" fast.
 *
 * Instants are epoch milliseconds. Spans are read in the calendar's local wall
 * time through the platform's time-zone database (luxon over Intl), so
 * daylight-saving changes come out exact, with two rules for local times that
 * do not map to exactly one instant (SLA.md): a time inside a gap moves forward
 * by the gap, a repeated time means its first occurrence.
 *
 * Speed: each compiled calendar keeps, per local date, the instants of that
 * day's spans and the working time accumulated since the first cached day
 * (prefix sums). Working time between two instants is then two lookups, and
 * adding working time walks whole days. The 24×7 calendars skip all of it.
 */
import { IANAZone } from "luxon";
import { badInput } from "../errors.js";

/** One minute in milliseconds. */
export const MINUTE_MS = 60_000;
/** One hour in milliseconds. */
export const HOUR_MS = 3_600_000;
/** One (24 h) day in milliseconds. */
export const DAY_MS = 86_400_000;

/** A weekly working span as the API carries it: day 1 = Monday … 7 = Sunday, "09:00"–"18:00", end may be "24:00". */
export interface WorkingSpanDefinition {
  readonly day: number;
  readonly start: string;
  readonly end: string;
}

/** A calendar as stored and carried in events (plain data, JSON-safe). */
export interface CalendarDefinition {
  readonly id?: string;
  readonly name?: string;
  readonly timeZone: string;
  readonly spans: readonly WorkingSpanDefinition[];
  /** Local dates "YYYY-MM-DD" with no working time. */
  readonly holidays?: readonly string[] | null;
}

/** Anything a calendar function accepts: a definition (compiled and memoised on first use) or a compiled calendar. */
export type CalendarLike = CalendarDefinition | BusinessCalendar;

const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const UTC_NAMES = new Set(["UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu", "Etc/UCT", "UCT", "Etc/GMT0", "GMT0", "Etc/GMT+0", "Etc/GMT-0", "Etc/Greenwich", "Greenwich"]);
/** Beyond this many consecutive days without working time we assume the calendar is unusable (holidays cover everything). */
const MAX_EMPTY_DAYS = 3_660;

/** The product's default calendar: every hour of every day, in UTC. */
export const UTC_24X7_CALENDAR: CalendarDefinition = Object.freeze({
  id: "24x7-utc",
  name: "24×7 UTC",
  timeZone: "UTC",
  spans: Object.freeze([1, 2, 3, 4, 5, 6, 7].map((day) => Object.freeze({ day, start: "00:00", end: "24:00" }))),
  holidays: Object.freeze([]) as readonly string[],
});

/** "HH:MM" (or "24:00" when `allow24`) to minutes of the day, or -1 when malformed. */
function parseTime(text: unknown, allow24: boolean): number {
  if (typeof text !== "string") return -1;
  if (allow24 && text === "24:00") return 1440;
  const m = TIME_RE.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : -1;
}

/** "YYYY-MM-DD" to a day number (days since 1970-01-01), or null when not a real date. */
export function parseLocalDate(text: unknown): number | null {
  if (typeof text !== "string") return null;
  const m = DATE_RE.exec(text);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // Date.UTC rolls 2025-02-30 over to March; a round trip catches it.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return Math.round(ms / DAY_MS);
}

/** A day number back to "YYYY-MM-DD". */
export function formatLocalDate(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Checks a calendar definition and throws DomainError BAD_USER_INPUT with a
 * message a person can act on: unknown zone, malformed times, a span ending
 * before (or where) it starts, overlapping spans, bad holiday dates, or no
 * working time at all.
 */
export function validateCalendarDefinition(def: CalendarDefinition): void {
  if (!def || typeof def !== "object") throw badInput("A calendar needs a time zone, spans and holidays");
  if (typeof def.timeZone !== "string" || def.timeZone.trim() === "" || !IANAZone.isValidZone(def.timeZone)) {
    throw badInput(`Unknown time zone "${String(def.timeZone)}": use an IANA name such as "Europe/Madrid" or "UTC"`, { field: "timeZone" });
  }
  if (!Array.isArray(def.spans)) throw badInput("A calendar needs a list of working spans", { field: "spans" });
  const perDay: Array<Array<[number, number, number]>> = [[], [], [], [], [], [], []];
  def.spans.forEach((span, i) => {
    const label = `Span ${i + 1}`;
    if (!span || !Number.isInteger(span.day) || span.day < 1 || span.day > 7) {
      throw badInput(`${label}: day must be 1 (Monday) to 7 (Sunday), got ${String(span?.day)}`, { field: "spans", index: i });
    }
    const s = parseTime(span.start, false);
    const e = parseTime(span.end, true);
    if (s < 0) throw badInput(`${label} (${DAY_NAMES[span.day - 1]}): start "${String(span.start)}" is not a time "HH:MM" (00:00–23:59)`, { field: "spans", index: i });
    if (e < 0) throw badInput(`${label} (${DAY_NAMES[span.day - 1]}): end "${String(span.end)}" is not a time "HH:MM" (00:00–24:00)`, { field: "spans", index: i });
    if (e <= s) {
      throw badInput(`${label} (${DAY_NAMES[span.day - 1]} ${span.start}–${span.end}): the span ends before it starts (or is empty)`, { field: "spans", index: i });
    }
    perDay[span.day - 1].push([s, e, i]);
  });
  perDay.forEach((list, d) => {
    list.sort((a, b) => a[0] - b[0]);
    for (let k = 1; k < list.length; k++) {
      if (list[k][0] < list[k - 1][1]) {
        const a = def.spans[list[k - 1][2]];
        const b = def.spans[list[k][2]];
        throw badInput(`Spans overlap on ${DAY_NAMES[d]}: ${a.start}–${a.end} and ${b.start}–${b.end}`, { field: "spans" });
      }
    }
  });
  if (def.spans.length === 0) throw badInput("The calendar has no working time: add at least one working span", { field: "spans" });
  const holidays = def.holidays ?? [];
  if (!Array.isArray(holidays)) throw badInput("Holidays must be a list of dates \"YYYY-MM-DD\"", { field: "holidays" });
  for (const h of holidays) {
    if (parseLocalDate(h) === null) throw badInput(`Holiday "${String(h)}" is not a date "YYYY-MM-DD"`, { field: "holidays" });
  }
}

/** One local date of a calendar, with its span instants and running working-time total. */
class Day {
  constructor(
    /** Local date as days since 1970-01-01. */
    readonly n: number,
    /** Instant of local midnight (or the first instant of the date after a gap at midnight). */
    readonly start: number,
    /** Instant of the next date's start. */
    readonly end: number,
    /** Flat [start0, end0, start1, end1, …] instants, sorted, merged, non-empty. */
    readonly spans: number[],
    /** Working ms in the day. */
    readonly work: number,
    /** True when the day is 24 h long at one offset, so local time = instant − start. */
    readonly uniform: boolean,
    /** Working ms from the calendar's first cached day to `start`. */
    public cumStart: number,
  ) {}
}

/**
 * A validated, compiled calendar. It also satisfies CalendarDefinition, so it
 * can be stored in events and policies wherever a definition is expected.
 */
export class BusinessCalendar implements CalendarDefinition {
  readonly id?: string;
  readonly name?: string;
  readonly timeZone: string;
  readonly spans: readonly WorkingSpanDefinition[];
  readonly holidays: readonly string[];
  /** Every instant is working time: minute arithmetic is plain subtraction. */
  readonly allTime: boolean;
  /** The zone never leaves UTC: with `allTime`, N working days is N × 24 h. */
  readonly utc: boolean;

  private readonly zone: IANAZone | null;
  /** Weekly spans per weekday (0 = Monday) as flat [startMin, endMin, …], merged. */
  private readonly weekly: number[][];
  private readonly holidaySet: Set<number>;
  private days: Day[] = [];
  private lo = 0;
  /** Offset (ms) used to guess the local date of an instant; the last one seen. */
  private hint = 0;

  /** Validates `def` (DomainError BAD_USER_INPUT) and compiles it. Prefer {@link compileCalendar}, which memoises. */
  constructor(def: CalendarDefinition) {
    validateCalendarDefinition(def);
    if (def.id !== undefined) this.id = def.id;
    if (def.name !== undefined) this.name = def.name;
    this.timeZone = def.timeZone;
    this.spans = Object.freeze(def.spans.map((s) => Object.freeze({ day: s.day, start: s.start, end: s.end })));
    const holidayNumbers = [...new Set((def.holidays ?? []).map((h) => parseLocalDate(h) as number))].sort((a, b) => a - b);
    this.holidays = Object.freeze(holidayNumbers.map(formatLocalDate));
    this.holidaySet = new Set(holidayNumbers);
    const resolved = new Intl.DateTimeFormat("en-US", { timeZone: def.timeZone }).resolvedOptions().timeZone;
    this.utc = UTC_NAMES.has(resolved) || UTC_NAMES.has(def.timeZone);
    this.zone = this.utc ? null : IANAZone.create(def.timeZone);
    this.weekly = [[], [], [], [], [], [], []];
    const sorted = [...def.spans].map((s) => [s.day - 1, parseTime(s.start, false), parseTime(s.end, true)] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (const [d, s, e] of sorted) {
      const w = this.weekly[d];
      // Adjacent spans (12:00–13:00, 13:00–14:00) are one stretch of working time.
      if (w.length > 0 && w[w.length - 1] === s) w[w.length - 1] = e;
      else w.push(s, e);
    }
    this.allTime = holidayNumbers.length === 0 && this.weekly.every((w) => w.length === 2 && w[0] === 0 && w[1] === 1440);
  }

  /** UTC offset (ms) of the zone at an instant. */
  offsetAt(t: number): number {
    return this.zone === null ? 0 : this.zone.offset(t) * MINUTE_MS;
  }

  /**
   * The instant of local date `n` (days since 1970-01-01) at `msOfDay` local
   * time. A time in a daylight-saving gap moves forward by the gap; a time that
   * happens twice resolves to its first occurrence (SLA.md).
   */
  localToInstant(n: number, msOfDay: number): number {
    const naive = n * DAY_MS + msOfDay;
    if (this.zone === null) return naive;
    // Offsets a day either side bracket any transition near this local time
    // (real zones never change twice within two days).
    const before = this.offsetAt(naive - DAY_MS);
    const after = this.offsetAt(naive + DAY_MS);
    if (before === after) return naive - before;
    const t1 = naive - before;
    const t2 = naive - after;
    const ok1 = this.offsetAt(t1) === before;
    const ok2 = this.offsetAt(t2) === after;
    if (ok1 && ok2) return Math.min(t1, t2); // fold: first occurrence
    if (ok1) return t1;
    if (ok2) return t2;
    return t1; // gap: read with the offset before the change, i.e. moved forward by the gap
  }

  /** The local date (days since 1970-01-01) and local milliseconds of day of an instant. */
  localDateTime(t: number): { dayNumber: number; msOfDay: number } {
    const local = t + this.offsetAt(t);
    const dayNumber = Math.floor(local / DAY_MS);
    return { dayNumber, msOfDay: local - dayNumber * DAY_MS };
  }

  private buildDay(n: number, cumStart: number): Day {
    const start = this.localToInstant(n, 0);
    const end = this.localToInstant(n + 1, 0);
    const uniform = end - start === DAY_MS && this.offsetAt(start) === this.offsetAt(end - 1);
    const spans: number[] = [];
    let work = 0;
    if (!this.holidaySet.has(n)) {
      const weekday = (((n + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday (index 3)
      const w = this.weekly[weekday];
      for (let i = 0; i < w.length; i += 2) {
        const s = uniform ? start + w[i] * MINUTE_MS : this.localToInstant(n, w[i] * MINUTE_MS);
        const e = w[i + 1] === 1440 ? end : uniform ? start + w[i + 1] * MINUTE_MS : this.localToInstant(n, w[i + 1] * MINUTE_MS);
        if (e <= s) continue; // a span swallowed by a daylight-saving gap
        if (spans.length > 0 && spans[spans.length - 1] >= s) {
          spans[spans.length - 1] = Math.max(spans[spans.length - 1], e);
        } else spans.push(s, e);
      }
      for (let i = 0; i < spans.length; i += 2) work += spans[i + 1] - spans[i];
    }
    return new Day(n, start, end, spans, work, uniform, cumStart);
  }

  /** The cached record of local date `n`, building any missing dates between it and the cached range. */
  private day(n: number): Day {
    const idx = n - this.lo;
    if (idx >= 0 && idx < this.days.length) return this.days[idx];
    if (this.days.length === 0) {
      this.lo = n;
      this.days.push(this.buildDay(n, 0));
      return this.days[0];
    }
    if (idx >= this.days.length) {
      for (let m = this.lo + this.days.length; m <= n; m++) {
        const prev = this.days[this.days.length - 1];
        this.days.push(this.buildDay(m, prev.cumStart + prev.work));
      }
      return this.days[this.days.length - 1];
    }
    const added: Day[] = [];
    let cum = this.days[0].cumStart;
    for (let m = this.lo - 1; m >= n; m--) {
      const d = this.buildDay(m, 0);
      cum -= d.work;
      d.cumStart = cum;
      added.push(d);
    }
    added.reverse();
    this.days = added.concat(this.days);
    this.lo = n;
    return this.days[0];
  }

  /** The cached local date containing instant `t`. */
  private dayAt(t: number): Day {
    let d = this.day(Math.floor((t + this.hint) / DAY_MS));
    while (t < d.start) d = this.day(d.n - 1);
    while (t >= d.end) d = this.day(d.n + 1);
    this.hint = d.n * DAY_MS - d.start;
    return d;
  }

  /** Working ms from the first cached day to `t`: a monotonic prefix sum. */
  private cum(t: number): number {
    const d = this.dayAt(t);
    let c = d.cumStart;
    const sp = d.spans;
    for (let i = 0; i < sp.length; i += 2) {
      const s = sp[i];
      if (t <= s) break;
      const e = sp[i + 1];
      c += (t < e ? t : e) - s;
    }
    return c;
  }

  /** Whether `t` lies inside a working span (a span's end is outside: it belongs to the gap after it). */
  isWorking(t: number): boolean {
    if (this.allTime) return true;
    const sp = this.dayAt(t).spans;
    for (let i = 0; i < sp.length; i += 2) if (t >= sp[i] && t < sp[i + 1]) return true;
    return false;
  }

  /**
   * The first working instant at or after `t`. A start exactly at the end of a
   * span is outside working hours, so counting starts at the next span.
   */
  nextWorkingInstant(t: number): number {
    if (this.allTime) return t;
    let d = this.dayAt(t);
    for (let guard = 0; guard < MAX_EMPTY_DAYS; guard++) {
      const sp = d.spans;
      for (let i = 0; i < sp.length; i += 2) {
        if (t < sp[i + 1]) return sp[i] > t ? sp[i] : t;
      }
      d = this.day(d.n + 1);
    }
    throw badInput(`The calendar has no working time within ${MAX_EMPTY_DAYS} days of ${new Date(t).toISOString()}`);
  }

  /** Working milliseconds in [a, b); 0 when b ≤ a. */
  workingMsBetween(a: number, b: number): number {
    if (b <= a) return 0;
    if (this.allTime) return b - a;
    return this.cum(b) - this.cum(a);
  }

  /**
   * The instant reached after `ms` working milliseconds counted from `t` (from
   * the next working instant when `t` is outside working hours). A result that
   * lands exactly at the end of a span stays there; `ms = 0` gives the next
   * working instant.
   */
  addWorkingMs(t: number, ms: number): number {
    if (this.allTime) return t + ms;
    if (!(ms > 0)) return this.nextWorkingInstant(t);
    const target = this.cum(t) + ms;
    let d = this.dayAt(t);
    let steps = 0;
    while (d.cumStart + d.work < target) {
      if (++steps > 16) {
        d = this.seekDay(d, target);
        break;
      }
      d = this.day(d.n + 1);
    }
    let rem = target - d.cumStart;
    const sp = d.spans;
    for (let i = 0; i < sp.length; i += 2) {
      const len = sp[i + 1] - sp[i];
      if (rem <= len) return sp[i] + rem;
      rem -= len;
    }
    /* c8 ignore next */
    throw new Error("calendar prefix sums are inconsistent");
  }

  /** Binary search for the first day whose running total reaches `target`, extending the cache as needed. */
  private seekDay(from: Day, target: number): Day {
    let hiDay = this.day(from.n + 64);
    let empty = 0;
    while (hiDay.cumStart + hiDay.work < target) {
      const before = hiDay.cumStart + hiDay.work;
      hiDay = this.day(hiDay.n + 64);
      empty = hiDay.cumStart + hiDay.work === before ? empty + 64 : 0;
      if (empty > MAX_EMPTY_DAYS) throw badInput("The calendar has no working time in the years ahead (holidays cover every working day)");
    }
    let lo = from.n - this.lo;
    let hi = hiDay.n - this.lo;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = this.days[mid];
      if (m.cumStart + m.work < target) lo = mid + 1;
      else hi = mid;
    }
    return this.days[lo];
  }

  /** Local milliseconds of day of an instant inside day `d`. */
  private localMs(d: Day, t: number): number {
    return d.uniform ? t - d.start : t + this.offsetAt(t) - d.n * DAY_MS;
  }

  /**
   * N working days after `t` (SLA.md): from the next working instant, the same
   * local time on the N-th following date that has working time; clamped to
   * the end of that day's last span starting before it, or to the day's first
   * span start when it is earlier than all of them. On a 24×7 UTC calendar it
   * is exactly N × 24 h.
   */
  addWorkingDays(t: number, n: number): number {
    if (this.allTime && this.utc) return t + n * DAY_MS;
    const s = this.nextWorkingInstant(t);
    const d0 = this.dayAt(s);
    const local = this.localMs(d0, s);
    let d = d0;
    for (let k = 0, empty = 0; k < n; ) {
      d = this.day(d.n + 1);
      if (d.work > 0) {
        k++;
        empty = 0;
      } else if (++empty > MAX_EMPTY_DAYS) throw badInput("The calendar has no working time in the years ahead");
    }
    const target = d.uniform ? d.start + local : this.localToInstant(d.n, local);
    const sp = d.spans;
    let lastEndBefore = -1;
    for (let i = 0; i < sp.length; i += 2) {
      if (target >= sp[i] && target <= sp[i + 1]) return target;
      if (sp[i] < target) lastEndBefore = sp[i + 1];
    }
    return lastEndBefore >= 0 ? lastEndBefore : sp[0];
  }

  /** The instants of the working spans of local date "YYYY-MM-DD" (for inspection and tests). */
  spansOn(localDate: string): Array<[number, number]> {
    const n = parseLocalDate(localDate);
    if (n === null) throw badInput(`"${localDate}" is not a date "YYYY-MM-DD"`);
    const sp = this.allTime ? [this.localToInstant(n, 0), this.localToInstant(n + 1, 0)] : this.day(n).spans;
    const out: Array<[number, number]> = [];
    for (let i = 0; i < sp.length; i += 2) out.push([sp[i], sp[i + 1]]);
    return out;
  }

  /** A plain, JSON-safe copy of the definition. */
  toDefinition(): CalendarDefinition {
    return {
      ...(this.id !== undefined ? { id: this.id } : {}),
      ...(this.name !== undefined ? { name: this.name } : {}),
      timeZone: this.timeZone,
      spans: this.spans.map((s) => ({ ...s })),
      holidays: [...this.holidays],
    };
  }
}

const byIdentity = new WeakMap<object, BusinessCalendar>();
const byContent = new Map<string, BusinessCalendar>();
const MAX_BY_CONTENT = 256;

/**
 * Validates and compiles a calendar, memoised by object identity and by
 * content, so every incident that carries the same calendar shares one day
 * cache. Throws DomainError BAD_USER_INPUT for an invalid definition.
 */
export function compileCalendar(def: CalendarLike): BusinessCalendar {
  if (def instanceof BusinessCalendar) return def;
  const known = byIdentity.get(def);
  if (known) return known;
  // Histories read from the database carry a fresh copy of the calendar in every row: compare
  // it field by field with the few calendars of its zone before building the content key
  // (a JSON text as long as its holiday list) that a list of incidents would otherwise pay per row.
  const seen = byZone.get(def.timeZone);
  if (seen) {
    for (const c of seen) {
      // not remembered by identity: a row's copy is seen once, and a WeakMap entry per row is GC work
      if (sameWorkingTime(c.def, def)) return c.cal;
    }
  }
  const key = calendarKey(def);
  let cal = byContent.get(key);
  if (!cal) {
    cal = new BusinessCalendar(def);
    if (byContent.size >= MAX_BY_CONTENT) {
      byContent.clear();
      byZone.clear();
    }
    byContent.set(key, cal);
  }
  let list = byZone.get(def.timeZone);
  if (!list) byZone.set(def.timeZone, (list = []));
  if (list.length >= MAX_BY_ZONE) list.shift();
  // a copy: the caller's object may change after this call
  list.push({ def: { timeZone: def.timeZone, spans: (def.spans ?? []).map((x) => ({ day: x.day, start: x.start, end: x.end })), holidays: [...(def.holidays ?? [])] }, cal });
  byIdentity.set(def, cal);
  return cal;
}

const byZone = new Map<string, Array<{ def: CalendarDefinition; cal: BusinessCalendar }>>();
const MAX_BY_ZONE = 8;

/** True exactly when `calendarKey(a) === calendarKey(b)` (for definitions a calendar accepts). */
function sameWorkingTime(a: CalendarDefinition, b: CalendarDefinition): boolean {
  if (a.timeZone !== b.timeZone) return false;
  const as = a.spans ?? [];
  const bs = b.spans ?? [];
  if (as.length !== bs.length) return false;
  for (let i = 0; i < as.length; i++) {
    if (as[i].day !== bs[i].day || as[i].start !== bs[i].start || as[i].end !== bs[i].end) return false;
  }
  const ah = a.holidays ?? [];
  const bh = b.holidays ?? [];
  if (ah.length !== bh.length) return false;
  for (let i = 0; i < ah.length; i++) if (ah[i] !== bh[i]) return false;
  return true;
}

/** A string equal for two definitions exactly when they describe the same working time. */
export function calendarKey(def: CalendarDefinition): string {
  return JSON.stringify([def.timeZone, (def.spans ?? []).map((s) => [s.day, s.start, s.end]), def.holidays ?? []]);
}
