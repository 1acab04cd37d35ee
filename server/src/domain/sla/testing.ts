/**
 * Fixtures shared by the domain's tests (and usable by the server's tests):
 * the calendars of SLA.md's worked examples and instant helpers that never
 * depend on the machine's time zone or today's date.
 */
import type { CalendarDefinition } from "./calendar.js";

/** SLA.md's calendar NY: America/New_York, Monday–Friday 08:00–17:00, holiday 2025-07-04. */
export const NY_OFFICE: CalendarDefinition = Object.freeze({
  id: "ny",
  name: "NY",
  timeZone: "America/New_York",
  spans: [1, 2, 3, 4, 5].map((day) => ({ day, start: "08:00", end: "17:00" })),
  holidays: ["2025-07-04"],
});

/** Every hour of every day in New York: working time is wall time, but days follow New York's daylight saving. */
export const NY_24X7: CalendarDefinition = Object.freeze({
  timeZone: "America/New_York",
  spans: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: "00:00", end: "24:00" })),
  holidays: [],
});

/**
 * Epoch ms of an ISO-8601 string that carries its own offset ("Z" or
 * "-04:00"); refuses strings without one so no test reads the machine's zone.
 */
export function at(iso: string): number {
  if (!/(Z|[+-]\d{2}:\d{2})$/.test(iso)) throw new Error(`instant "${iso}" needs an explicit offset`);
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`bad instant "${iso}"`);
  return t;
}

/** ISO-8601 UTC text of an instant (for readable assertions). */
export function iso(t: number | null | undefined): string | null {
  return t === null || t === undefined ? null : new Date(t).toISOString();
}
