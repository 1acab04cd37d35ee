import { useEffect, useMemo, useReducer } from "react";
import { backoffDelayMs } from "../../graphql/backoff";
import type { WallboardSession } from "../../graphql/client";
import type { ServerClock } from "../server-time/serverClock";
import { createBoardReducer, initialBoardState, type BoardState } from "./boardState";
import { startBoardFeed, type FeedTransport } from "./feed";
import type { BoardFilter } from "./types";

/** Queries over urql (HTTP POST, key in a header), subscriptions straight over graphql-ws. */
export function sessionTransport(session: WallboardSession): FeedTransport {
  return {
    async query(query, variables) {
      const result = await session.client.query(query, variables, { requestPolicy: "network-only" }).toPromise();
      return { data: result.data, error: result.error };
    },
    subscribe(payload, sink) {
      return session.ws.subscribe(payload, sink);
    },
  };
}

/** The board's state for one session and one team's filter: snapshot once, then pushes. */
export function useBoard(session: WallboardSession | null, clock: ServerClock, filter: BoardFilter): BoardState {
  const reducer = useMemo(() => createBoardReducer(filter), [filter]);
  const [state, dispatch] = useReducer(reducer, initialBoardState);

  useEffect(() => {
    if (!session) return;
    const feed = startBoardFeed({
      transport: sessionTransport(session),
      filter,
      dispatch,
      onServerTime: (iso, rate) => clock.sync(iso, rate),
      onKeyRejected: () => session.report({ type: "keyRejected" }),
      onKeyAccepted: () => session.report({ type: "keyAccepted" }),
      connection: session.connection,
      retryDelayMs: (attempt) => backoffDelayMs(attempt, Math.random()),
      localNow: () => performance.now(),
    });
    return () => feed.stop();
  }, [session, clock, filter]);

  return state;
}
