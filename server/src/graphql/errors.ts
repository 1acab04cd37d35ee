/**
 * The one place errors become GraphQL errors: a DomainError keeps its code and message;
 * Apollo's own codes (parse, validation, bad request, persisted query) pass through;
 * anything else is masked as INTERNAL_SERVER_ERROR and logged with the request id.
 */
import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { DomainError } from "../domain/errors.js";
import type { Logger } from "../platform/logger.js";

const PASS_THROUGH = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "BAD_USER_INPUT",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
]);

/** The error a TypeORM/pg driver raises for a constraint, in a form we can test. */
function pgCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Database refusals that are the client's input, not our fault: text PostgreSQL cannot store. */
const INPUT_ENCODING_CODES = new Set(["22021", "22P05"]);
const ENCODING_MESSAGE = "text contains a character that cannot be stored (such as NUL, U+0000)";

/** The code an error will be answered with, and whether it was expected (else masked and logged). */
export function classify(error: unknown): { code: string; expected: boolean; message?: string } {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) return { code: original.code, expected: true, message: original.message };
  const db = original instanceof Error ? pgCode(original) : undefined;
  if (db && INPUT_ENCODING_CODES.has(db)) return { code: "BAD_USER_INPUT", expected: true, message: ENCODING_MESSAGE };
  const code = (error as GraphQLError | null)?.extensions?.code;
  if (typeof code === "string" && PASS_THROUGH.has(code) && !db) return { code, expected: true };
  // a request-level error Apollo raises without a code (APQ: "provided sha does not match query") is the client's
  // (parse and validation errors carry their codes; one without a code is such a request-level error)
  if (original instanceof GraphQLError && !original.originalError) return { code: typeof code === "string" && code !== "INTERNAL_SERVER_ERROR" ? code : "BAD_REQUEST", expected: true };
  return { code: "INTERNAL_SERVER_ERROR", expected: false };
}

/**
 * The formatter Apollo and graphql-ws call. With a logger it also logs what it masks
 * (WebSocket); over HTTP the request plugin logs it with the request's id instead.
 */
export function createFormatError(log: Logger | null) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const where = { locations: formatted.locations, path: formatted.path };
    if (original instanceof DomainError) {
      return { message: original.message, ...where, extensions: { code: original.code, ...(original.details ?? {}) } };
    }
    const c = classify(error);
    if (c.expected) return { message: c.message ?? formatted.message, ...where, extensions: { code: c.code } };
    log?.error({ err: original, path: formatted.path }, "unexpected error");
    return { message: "Internal server error", ...where, extensions: { code: "INTERNAL_SERVER_ERROR" } };
  };
}
