import { useEffect, useState, useSyncExternalStore } from "react";
import { createWallboardSession, type WallboardSession } from "../graphql/client";
import { initialConnectionStatus, type ConnectionStatus } from "../graphql/connection";
import { graphqlEndpoints } from "../graphql/endpoints";

/** A session for this key, on this page's origin; disposed on unmount. */
export function useWallboardSession(secret: string): WallboardSession | null {
  const [session, setSession] = useState<WallboardSession | null>(null);
  useEffect(() => {
    const created = createWallboardSession(secret, graphqlEndpoints(window.location));
    setSession(created);
    return () => {
      created.dispose();
      setSession(null);
    };
  }, [secret]);
  return session;
}

export function useConnectionStatus(session: WallboardSession | null): ConnectionStatus {
  return useSyncExternalStore(session ? session.connection.subscribe : noopSubscribe, session ? session.connection.get : initialSnapshot);
}

const noopSubscribe = () => () => {};
const initialSnapshot = () => initialConnectionStatus;
