import type { ReactNode } from "react";
import type { ConnectionState } from "../../graphql/connection";
import { ServerTime } from "../server-time/ServerTime";
import { ConnectionIndicator } from "./ConnectionIndicator";

export interface StatusBarProps {
  connection: ConnectionState;
  /** The server time (a TickingServerTime on a live board); "--:--:--" when absent. */
  serverTime?: ReactNode;
  /** Middle slot: e.g. the last event. */
  children?: ReactNode;
}

/** The bottom line: connection state, anything else, server time (UTC). */
export function StatusBar({ connection, serverTime, children }: StatusBarProps) {
  return (
    <footer className="status-bar" data-testid="status-bar">
      <ConnectionIndicator state={connection} />
      <div className="status-bar__middle">{children}</div>
      <span className="status-bar__label">Server time</span>
      {serverTime ?? <ServerTime epochMs={null} />}
    </footer>
  );
}
