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

/** The code an error will be answered with, and whether it was expected (else masked and logged). */
export function classify(error: unknown): { code: string; expected: boolean } {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) return { code: original.code, expected: true };
  const code = (error as GraphQLError | null)?.extensions?.code;
  if (typeof code === "string" && PASS_THROUGH.has(code) && !(original instanceof Error && pgCode(original))) return { code, expected: true };
  if (original instanceof GraphQLError && !original.originalError) return { code: code === "INTERNAL_SERVER_ERROR" ? "BAD_REQUEST" : typeof code === "string" ? code : "GRAPHQL_VALIDATION_FAILED", expected: true };
  return { code: "INTERNAL_SERVER_ERROR", expected: false };
}

/**
 * The formatter Apollo and graphql-ws call. With a logger it also logs what it masks
 * (WebSocket); over HTTP the request plugin logs it with the request's id instead.
 */
export function createFormatError(log: Logger | null) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof DomainError) {
      return {
        message: original.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: original.code, ...(original.details ?? {}) },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === "string" && PASS_THROUGH.has(code) && !(original instanceof Error && pgCode(original))) {
      // Variable coercion errors are the client's fault, with a clear message from graphql-js.
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
    }
    if (original instanceof GraphQLError && !original.originalError) {
      // a request-level error Apollo raises without a code (APQ: "provided sha does not match query") is the client's
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code: code === "INTERNAL_SERVER_ERROR" ? "BAD_REQUEST" : (code ?? "GRAPHQL_VALIDATION_FAILED") } };
    }
    log?.error({ err: original, path: formatted.path }, "unexpected error");
    return { message: "Internal server error", locations: formatted.locations, path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
  };
}
