import { isAuthCloseCode } from "./errors";

/** What the status line shows (also the text of data-testid="connection-state"). */
export type ConnectionState = "connecting" | "connected" | "disconnected";

export interface ConnectionStatus {
  state: ConnectionState;
  /** The server refused the DISPLAY key (HTTP UNAUTHENTICATED, or a WebSocket closed 4401/4403). */
  keyRejected: boolean;
  /** How many times the WebSocket was acknowledged; above 1 means it reconnected. */
  connects: number;
  lastClose: { code: number; reason: string } | null;
}

/** Events from graphql-ws `on` listeners, plus what the data layer learns about the key. */
export type ConnectionEvent =
  | { type: "connecting" }
  | { type: "connected" }
  | { type: "closed"; code?: number; reason?: string }
  | { type: "keyRejected" }
  | { type: "keyAccepted" };

export const initialConnectionStatus: ConnectionStatus = {
  state: "connecting",
  keyRejected: false,
  connects: 0,
  lastClose: null,
};

export function nextConnectionStatus(status: ConnectionStatus, event: ConnectionEvent): ConnectionStatus {
  switch (event.type) {
    case "connecting":
      return status.state === "connecting" ? status : { ...status, state: "connecting" };
    case "connected":
      return { ...status, state: "connected", connects: status.connects + 1 };
    case "closed": {
      const code = typeof event.code === "number" ? event.code : 1006;
      return {
        ...status,
        state: "disconnected",
        lastClose: { code, reason: event.reason ?? "" },
        keyRejected: status.keyRejected || isAuthCloseCode(code),
      };
    }
    case "keyRejected":
      return status.keyRejected ? status : { ...status, keyRejected: true };
    case "keyAccepted":
      // Only data proves the key good: an acknowledged socket alone does not (a server may
      // accept connection_init and refuse each operation).
      return status.keyRejected ? { ...status, keyRejected: false } : status;
  }
}

/** Reads `code` and `reason` from whatever graphql-ws hands the `closed` listener (a CloseEvent). */
export function closedEvent(event: unknown): ConnectionEvent {
  if (typeof event === "object" && event !== null) {
    const { code, reason } = event as { code?: unknown; reason?: unknown };
    return {
      type: "closed",
      code: typeof code === "number" ? code : undefined,
      reason: typeof reason === "string" ? reason : undefined,
    };
  }
  return { type: "closed" };
}
