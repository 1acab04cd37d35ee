/**
 * Recognising a rejected key, whatever carried the rejection:
 * - a GraphQL error with `extensions.code` UNAUTHENTICATED (HTTP answer, urql CombinedError,
 *   or the `error` message of a graphql-ws subscription, which is an array of errors);
 * - an HTTP 401 answer without a GraphQL body;
 * - a WebSocket closed with 4401 (Unauthorized) or 4403 (Forbidden: what a graphql-ws
 *   server sends when `onConnect` refuses connection_init).
 */
export const UNAUTHENTICATED = "UNAUTHENTICATED";
export const WS_CLOSE_UNAUTHORIZED = 4401;
export const WS_CLOSE_FORBIDDEN = 4403;

export function isAuthCloseCode(code: unknown): boolean {
  return code === WS_CLOSE_UNAUTHORIZED || code === WS_CLOSE_FORBIDDEN;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function hasUnauthenticatedCode(errors: unknown): boolean {
  return (
    Array.isArray(errors) &&
    errors.some((e) => isRecord(e) && isRecord(e.extensions) && e.extensions.code === UNAUTHENTICATED)
  );
}

export function isUnauthenticated(error: unknown): boolean {
  if (!error) return false;
  if (Array.isArray(error)) return hasUnauthenticatedCode(error);
  if (!isRecord(error)) return false;
  if (hasUnauthenticatedCode(error.graphQLErrors) || hasUnauthenticatedCode(error.errors)) return true;
  if (isRecord(error.response) && error.response.status === 401) return true;
  if ("code" in error && "reason" in error && isAuthCloseCode(error.code)) return true;
  if (error.networkError) return isUnauthenticated(error.networkError);
  return false;
}

/** A short human text for an error of any shape (for the board's error line). */
export function describeError(error: unknown): string {
  if (!error) return "";
  if (Array.isArray(error)) return error.map(describeError).join("; ");
  if (isRecord(error)) {
    if (Array.isArray(error.graphQLErrors) && error.graphQLErrors.length > 0) {
      return describeError(error.graphQLErrors);
    }
    if (error.networkError) return describeError(error.networkError);
    if ("code" in error && "reason" in error) {
      return `connection closed (${String(error.code)}${error.reason ? `: ${String(error.reason)}` : ""})`;
    }
    if (typeof error.message === "string") return error.message;
  }
  return String(error);
}
