import type { ReactNode } from "react";
import type { ConnectionState } from "../../graphql/connection";
import { ServerTime } from "../server-time/ServerTime";
import { ConnectionIndicator } from "./ConnectionIndicator";

export interface StatusBarProps {
  connection: ConnectionState;
  serverTimeMs: number | null;
  /** Middle slot: e.g. the last event. */
  children?: ReactNode;
}

/** The bottom line: connection state, anything else, server time (UTC). */
export function StatusBar({ connection, serverTimeMs, children }: StatusBarProps) {
  return (
    <footer className="status-bar" data-testid="status-bar">
      <ConnectionIndicator state={connection} />
      <div className="status-bar__middle">{children}</div>
      <span className="status-bar__label">Server time</span>
      <ServerTime epochMs={serverTimeMs} />
    </footer>
  );
}
