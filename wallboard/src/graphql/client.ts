import { Client, fetchExchange, subscriptionExchange } from "@urql/core";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import { createStore, type ReadableStore } from "../lib/store";
import { backoffDelayMs, sleep } from "./backoff";
import { closedEvent, initialConnectionStatus, nextConnectionStatus, type ConnectionEvent, type ConnectionStatus } from "./connection";
import type { Endpoints } from "./endpoints";
import { isUnauthenticated } from "./errors";
import { createSubscriptionForwarder } from "./resumable";

/**
 * One authenticated connection to the server: an urql client over HTTP (queries,
 * mutations) and graphql-ws (subscriptions), with the DISPLAY key on both, and the
 * WebSocket's state as a store for the status line.
 */
export interface WallboardSession {
  client: Client;
  /** The graphql-ws client: the board's subscriptions go straight to it (see features/board/feed.ts). */
  ws: WsClient;
  connection: ReadableStore<ConnectionStatus>;
  /** Tell the status what the data layer learnt (key rejected / accepted). */
  report(event: ConnectionEvent): void;
  dispose(): void;
}

/** Client pings every KEEP_ALIVE_MS; a socket that does not answer within PONG_TIMEOUT_MS is dropped and reconnected. */
export const KEEP_ALIVE_MS = 10_000;
export const PONG_TIMEOUT_MS = 5_000;

export function createWallboardSession(secret: string, endpoints: Endpoints): WallboardSession {
  const authorization = `Bearer ${secret}`;
  const status = createStore<ConnectionStatus>(initialConnectionStatus);
  const report = (event: ConnectionEvent) => status.update((s) => nextConnectionStatus(s, event));

  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  const clearPongTimer = () => {
    if (pongTimer !== undefined) clearTimeout(pongTimer);
    pongTimer = undefined;
  };

  const ws: WsClient = createWsClient({
    url: endpoints.ws,
    connectionParams: { authorization },
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: (retries) => sleep(backoffDelayMs(retries, Math.random())),
    keepAlive: KEEP_ALIVE_MS,
    on: {
      connecting: () => report({ type: "connecting" }),
      connected: () => report({ type: "connected" }),
      closed: (event) => {
        clearPongTimer();
        report(closedEvent(event));
      },
      ping: (received) => {
        if (received) return; // the server's ping; graphql-ws answers it
        clearPongTimer();
        pongTimer = setTimeout(() => ws.terminate(), PONG_TIMEOUT_MS);
      },
      pong: (received) => {
        if (received) clearPongTimer();
      },
    },
  });

  const forwardSubscription = createSubscriptionForwarder(ws, {
    retryDelayMs: (attempt) => backoffDelayMs(attempt, Math.random()),
    onInterrupted: (error) => {
      if (isUnauthenticated(error)) report({ type: "keyRejected" });
    },
  });

  const client = new Client({
    url: endpoints.http,
    // POST only: a GET would put the operation in the URL, and the key must stay in a header.
    preferGetMethod: false,
    fetchOptions: () => ({ headers: { authorization } }),
    // No cache: every query of the board is network-only, and a cache would hold a second
    // copy of a 2,000-incident snapshot for the life of the screen.
    exchanges: [subscriptionExchange({ forwardSubscription }), fetchExchange],
  });

  return {
    client,
    ws,
    connection: status,
    report,
    dispose() {
      clearPongTimer();
      // dispose() awaits the pending connection, which rejects (a close event) when it failed.
      Promise.resolve()
        .then(() => ws.dispose())
        .catch(() => {});
    },
  };
}
