/**
 * Durations of working time: whole minutes walked through working spans, or
 * whole working days (same local time N working days later), as SLA.md defines
 * them.
 */
import { badInput } from "../errors.js";
import { compileCalendar, MINUTE_MS, type CalendarLike } from "./calendar.js";

/** A duration of working time on a calendar: exactly one of minutes or workingDays (a positive integer). */
export type SlaDuration =
  | { readonly minutes: number; readonly workingDays?: null | undefined }
  | { readonly workingDays: number; readonly minutes?: null | undefined };

/** Whether a duration is counted in working days (else in minutes). */
export function isWorkingDays(d: SlaDuration): d is { readonly workingDays: number } {
  return d.workingDays !== undefined && d.workingDays !== null;
}

/**
 * Checks that `d` has exactly one of `minutes` / `workingDays`, a positive
 * integer, and returns a normalised copy. Throws DomainError BAD_USER_INPUT
 * naming `label`.
 */
export function validateDuration(d: { minutes?: number | null; workingDays?: number | null } | null | undefined, label = "duration"): SlaDuration {
  const hasMinutes = d?.minutes !== undefined && d?.minutes !== null;
  const hasDays = d?.workingDays !== undefined && d?.workingDays !== null;
  if (!d || hasMinutes === hasDays) throw badInput(`${label}: give exactly one of minutes or workingDays`, { field: label });
  const value = hasMinutes ? d.minutes : d.workingDays;
  if (!Number.isInteger(value) || (value as number) <= 0 || (value as number) > 10_000_000) {
    throw badInput(`${label}: ${hasMinutes ? "minutes" : "workingDays"} must be a positive whole number, got ${String(value)}`, { field: label });
  }
  return hasMinutes ? { minutes: value as number } : { workingDays: value as number };
}

/**
 * The contract's `Duration.text`: "30 minutes", "2 hours", "1 hour 30 minutes",
 * "1 working day", "2 working days". Minutes are never folded into days,
 * because 24 working hours is not a working day on an office calendar.
 */
export function durationText(d: SlaDuration): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (isWorkingDays(d)) return plural(d.workingDays, "working day");
  const h = Math.floor(d.minutes / 60);
  const m = d.minutes % 60;
  if (h === 0) return plural(m, "minute");
  return m === 0 ? plural(h, "hour") : `${plural(h, "hour")} ${plural(m, "minute")}`;
}

/**
 * The due instant of `duration` started at `instant` on `calendar`: minutes
 * walk forward through working spans from the next working instant (a due at
 * a span's end stays there); working days land on the same local time N
 * working days later (clamped into that day's spans; gaps move forward, folds
 * take the first occurrence).
 */
export function addWorkingTime(calendar: CalendarLike, instant: number, duration: SlaDuration): number {
  const cal = compileCalendar(calendar);
  return isWorkingDays(duration) ? cal.addWorkingDays(instant, duration.workingDays) : cal.addWorkingMs(instant, duration.minutes * MINUTE_MS);
}

/** Working time between two instants on `calendar`, in milliseconds (0 when b ≤ a). */
export function workingTimeBetween(calendar: CalendarLike, a: number, b: number): number {
  return compileCalendar(calendar).workingMsBetween(a, b);
}

/** Working time, in milliseconds, from `instant` (moved to the next working instant) to the due of `duration`. */
export function workingMsOf(calendar: CalendarLike, instant: number, duration: SlaDuration): number {
  const cal = compileCalendar(calendar);
  if (!isWorkingDays(duration)) return duration.minutes * MINUTE_MS;
  return cal.workingMsBetween(instant, cal.addWorkingDays(instant, duration.workingDays));
}
