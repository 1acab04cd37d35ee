import { GraphQLScalarType, Kind } from "graphql";
import { DomainError } from "../domain/errors.js";

// Instants with an explicit zone only: a local time without offset has no single reading.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseInstant(value: unknown): Date {
  if (typeof value !== "string" || !ISO_INSTANT.test(value)) {
    throw new DomainError("BAD_USER_INPUT", `DateTime must be an ISO-8601 instant with a zone, such as "2025-03-04T10:30:00.000Z"; got ${JSON.stringify(value)}`);
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new DomainError("BAD_USER_INPUT", `DateTime ${JSON.stringify(value)} is not a real instant`);
  return date;
}

const DAY = 86_400_000;
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));
const dayPrefixes = new Map<number, string>();

/**
 * `Date#toISOString`, several times faster: a page of 50 incidents prints ~700 instants, and
 * the native call was a third of the cost of its clocks. The date part comes from a small
 * cache of days (formatted natively), the time of day from lookup tables.
 */
export function isoInstant(ms: number): string {
  const day = Math.floor(ms / DAY);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    const full = new Date(day * DAY).toISOString();
    prefix = full.slice(0, full.indexOf("T") + 1);
    if (dayPrefixes.size >= 4096) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  let rest = ms - day * DAY;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const sec = Math.floor(rest / 1000);
  return `${prefix}${TWO[h]}:${TWO[m]}:${TWO[sec]}.${THREE[rest - sec * 1000]}Z`;
}

/** ISO-8601 instant in UTC with milliseconds; `Date` maps here (type-graphql would print DateTimeISO). */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  description: 'ISO-8601 instant in UTC with milliseconds: "2025-03-04T10:30:00.000Z"',
  serialize(value) {
    // epoch milliseconds come straight from the SLA engine's figures
    const ms = typeof value === "number" ? value : value instanceof Date ? value.getTime() : new Date(value as string).getTime();
    // outside years 0–9999 the native form (±YYYYYY) is the reference
    if (!Number.isFinite(ms)) throw new TypeError(`DateTime cannot represent ${String(value)}`);
    return ms >= -62_167_219_200_000 && ms < 253_402_300_800_000 ? isoInstant(ms) : new Date(ms).toISOString();
  },
  parseValue: parseInstant,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new DomainError("BAD_USER_INPUT", "DateTime must be a string");
    return parseInstant(ast.value);
  },
});
