import { useEffect, useReducer } from "react";
import { backoffDelayMs } from "../../graphql/backoff";
import type { WallboardSession } from "../../graphql/client";
import type { ServerClock } from "../server-time/serverClock";
import { boardReducer, initialBoardState, type BoardState } from "./boardState";
import { startIncidentFeed } from "./incidentFeed";

/** Open incidents, live: snapshot + events, kept in board order. Samples the server clock from the snapshot. */
export function useOpenIncidents(session: WallboardSession | null, clock: ServerClock): BoardState {
  const [state, dispatch] = useReducer(boardReducer, initialBoardState);

  useEffect(() => {
    if (!session) return;
    const feed = startIncidentFeed({
      client: session.client,
      dispatch,
      onServerTime: (iso) => clock.sync(iso),
      onKeyRejected: () => session.report({ type: "keyRejected" }),
      onKeyAccepted: () => session.report({ type: "keyAccepted" }),
      connection: session.connection,
      retryDelayMs: (attempt) => backoffDelayMs(attempt, Math.random()),
    });
    return () => feed.stop();
  }, [session, clock]);

  return state;
}
