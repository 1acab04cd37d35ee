/**
 * Type parsers for node-postgres. timestamptz is parsed by hand for the shape PostgreSQL
 * prints (ISO DateStyle, "2026-11-25 15:52:53.123456+00"): a list of incidents carries eight
 * instants a row, and the regular-expression parser pg ships was a tenth of reading a page.
 * Anything else (BC, years beyond 9999, infinity, odd offsets) goes to pg's own parser, whose
 * results this one equals, milliseconds truncated as Date does.
 */
import pg from "pg";

const TIMESTAMPTZ = 1184;
const builtIn = pg.types.getTypeParser(TIMESTAMPTZ, "text") as (value: string) => unknown;

const digit = (s: string, i: number): number => s.charCodeAt(i) - 48;
const two = (s: string, i: number): number => digit(s, i) * 10 + digit(s, i + 1);

/** A timestamptz as PostgreSQL prints it, to a Date; null when the shape is not the common one. */
export function fastTimestamptz(s: string): Date | null {
  // YYYY-MM-DD HH:MM:SS at fixed places
  if (s.length < 22 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 32 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return null;
  const year = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const month = two(s, 5);
  const day = two(s, 8);
  const hour = two(s, 11);
  const minute = two(s, 14);
  const second = two(s, 17);
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46) {
    i++;
    let scale = 100;
    while (i < s.length) {
      const d = digit(s, i);
      if (d < 0 || d > 9) break;
      ms += d * scale;
      scale /= 10;
      i++;
    }
    ms = Math.floor(ms);
  }
  const sign = s.charCodeAt(i);
  if (sign !== 43 && sign !== 45) return null;
  const rest = s.length - i - 1;
  let offset: number;
  if (rest === 2) offset = two(s, i + 1) * 60;
  else if (rest === 5 && s.charCodeAt(i + 3) === 58) offset = two(s, i + 1) * 60 + two(s, i + 4);
  else return null;
  if (year < 1000 || [year, month, day, hour, minute, second, offset].some((n) => !Number.isInteger(n) || n < 0) || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms) - (sign === 43 ? 1 : -1) * offset * 60_000;
  return Number.isNaN(utc) ? null : new Date(utc);
}

/** The `types` option of a pg Pool: pg's parsers, timestamptz parsed fast. */
export const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary"): unknown {
    if (oid === TIMESTAMPTZ && (format ?? "text") === "text") return (value: string) => fastTimestamptz(value) ?? builtIn(value);
    return pg.types.getTypeParser(oid, format as "text");
  },
};
