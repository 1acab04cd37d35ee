import { useState } from "react";
import { IncidentTable } from "../features/incidents/IncidentTable";
import { SeverityCounts } from "../features/incidents/SeverityCounts";
import { useOpenIncidents } from "../features/incidents/useOpenIncidents";
import { createServerClock } from "../features/server-time/serverClock";
import { useServerTime } from "../features/server-time/useServerTime";
import { StatusBar } from "../features/status-bar/StatusBar";
import { BoardLayout } from "./BoardLayout";
import { boardUrlExample } from "./displayKey";
import { Notice } from "./Notice";
import { useConnectionStatus, useWallboardSession } from "./useWallboardSession";

/** The board for one DISPLAY key: session, live data, presentation. */
export function LiveBoard({ secret }: { secret: string }) {
  const session = useWallboardSession(secret);
  const [clock] = useState(createServerClock);
  const connection = useConnectionStatus(session);
  const board = useOpenIncidents(session, clock);
  const serverNow = useServerTime(clock);
  const nowMinuteMs = serverNow === null ? null : Math.floor(serverNow / 60_000) * 60_000;

  const known = board.loaded || board.incidents.length > 0;
  const notices = connection.keyRejected ? (
    <Notice tone="error" title="Display key rejected" testId="key-rejected">
      <p>
        The server refused this key (key rejected): it may be revoked or mistyped. Open the board with a valid DISPLAY key:{" "}
        <code className="notice__url">{boardUrlExample(window.location.origin)}</code>
      </p>
    </Notice>
  ) : board.loadError && !board.loaded ? (
    <Notice tone="warning" title="Cannot load open incidents yet" testId="load-error">
      <p>{board.loadError} — retrying.</p>
    </Notice>
  ) : null;

  return (
    <BoardLayout
      count={known ? board.incidents.length : null}
      summary={known ? <SeverityCounts incidents={board.incidents} /> : null}
      notices={notices}
      statusBar={
        <StatusBar connection={connection.state} serverTimeMs={serverNow}>
          {board.notLoaded > 0 ? (
            <span className="status-bar__note" data-testid="not-loaded">
              {board.notLoaded} more open incidents not loaded
            </span>
          ) : null}
          {board.lastEvent ? (
            <span className="status-bar__note" data-testid="last-event">
              Last event: {board.lastEvent.type.toLowerCase().replaceAll("_", " ")} {board.lastEvent.number}
            </span>
          ) : null}
        </StatusBar>
      }
    >
      {connection.keyRejected && !known ? null : (
        <IncidentTable incidents={board.incidents} nowMinuteMs={nowMinuteMs} loaded={board.loaded} />
      )}
    </BoardLayout>
  );
}
