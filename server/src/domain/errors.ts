/**
 * Errors the domain raises on purpose. The server maps `code` to the GraphQL
 * `extensions.code` in one place; anything that is not a DomainError is a bug
 * and gets masked as INTERNAL_SERVER_ERROR there.
 */

/** The codes a domain rule may refuse with (a subset of the contract's codes). */
export type DomainErrorCode = "BAD_USER_INPUT" | "NOT_FOUND" | "CONFLICT" | "FORBIDDEN" | "UNAUTHENTICATED";

/** A refusal by a domain rule, with a message meant for the API caller. */
export class DomainError extends Error {
  /** Machine-readable reason, mapped verbatim to `extensions.code`. */
  readonly code: DomainErrorCode;
  /** Optional structured details (for example the allowed commands of a CONFLICT). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  /**
   * @param code - the contract code the server will expose
   * @param message - a human sentence naming what was wrong and, for CONFLICT, what is allowed
   * @param details - optional machine-readable context
   */
  constructor(code: DomainErrorCode, message: string, details?: Readonly<Record<string, unknown>>) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.details = details;
  }
}

/** Shorthand for a BAD_USER_INPUT refusal (invalid calendar, duration, policy...). */
export function badInput(message: string, details?: Readonly<Record<string, unknown>>): DomainError {
  return new DomainError("BAD_USER_INPUT", message, details);
}

/** Shorthand for a CONFLICT refusal (an illegal state change). */
export function conflict(message: string, details?: Readonly<Record<string, unknown>>): DomainError {
  return new DomainError("CONFLICT", message, details);
}
