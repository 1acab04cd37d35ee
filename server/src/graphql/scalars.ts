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

/** ISO-8601 instant in UTC with milliseconds; `Date` maps here (type-graphql would print DateTimeISO). */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  description: 'ISO-8601 instant in UTC with milliseconds: "2025-03-04T10:30:00.000Z"',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(date.getTime())) throw new TypeError(`DateTime cannot represent ${String(value)}`);
    return date.toISOString();
  },
  parseValue: parseInstant,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new DomainError("BAD_USER_INPUT", "DateTime must be a string");
    return parseInstant(ast.value);
  },
});
