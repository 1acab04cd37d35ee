import { useEffect, useMemo, useState } from "react";
import { AlertTicker } from "../features/alerts/AlertTicker";
import { describeFilter, parseBoardFilter } from "../features/board/boardFilter";
import { ToneLegend } from "../features/board/ToneLegend";
import { useBoard } from "../features/board/useBoard";
import { CommitmentsPanel } from "../features/commitments/CommitmentsPanel";
import { formatAgo, liveness } from "../features/liveness/liveness";
import { LivenessBanner } from "../features/liveness/LivenessBanner";
import { QueuesPanel, queueTotals } from "../features/queues/QueuesPanel";
import { createServerClock } from "../features/server-time/serverClock";
import { useNow } from "../features/server-time/useNow";
import { StatusBar } from "../features/status-bar/StatusBar";
import { UrgentPanel } from "../features/urgent/UrgentPanel";
import { BoardLayout } from "./BoardLayout";
import { boardUrlExample } from "./displayKey";
import { Notice } from "./Notice";
import { useRootPx } from "./useRootPx";
import { useConnectionStatus, useWallboardSession } from "./useWallboardSession";

/** The board for one DISPLAY key: session, live data, presentation. */
export function LiveBoard({ secret }: { secret: string }) {
  const session = useWallboardSession(secret);
  const [clock] = useState(() => createServerClock());
  const [startedAt] = useState(() => performance.now());
  const { filter, ignored } = useMemo(() => parseBoardFilter(window.location.search, window.location.hash), []);
  const connection = useConnectionStatus(session);
  const board = useBoard(session, clock, filter);
  const now = useNow(clock);
  const rootPx = useRootPx();

  // When the live connection was lost (null while connected or before the first connection).
  const [lostAt, setLostAt] = useState<number | null>(null);
  useEffect(() => {
    if (connection.state === "connected") setLostAt(null);
    else if (connection.connects > 0) setLostAt((at) => at ?? performance.now());
  }, [connection.state, connection.connects]);

  const live = liveness({ state: connection.state, lostAt, startedAt, lastTickAt: board.lastTickAt, now: now.local });
  const totals = queueTotals(board.queues);
  const nowMinuteMs = now.server === null ? null : Math.floor(now.server / 60_000) * 60_000;

  const notices = (
    <>
      <LivenessBanner liveness={live} />
      {connection.keyRejected ? (
        <Notice tone="error" title="Display key rejected" testId="key-rejected">
          <p>
            The server refused this key (key rejected): it may be revoked or mistyped. Open the board with a valid DISPLAY key:{" "}
            <code className="notice__url">{boardUrlExample(window.location.origin)}</code>
          </p>
        </Notice>
      ) : board.loadError && !board.loaded ? (
        <Notice tone="warning" title="Cannot load the board yet" testId="load-error">
          <p>{board.loadError} — retrying.</p>
        </Notice>
      ) : null}
      {ignored.length ? (
        <Notice tone="warning" title="Some filter values were ignored" testId="filter-ignored">
          <p>{ignored.join(", ")}</p>
        </Notice>
      ) : null}
    </>
  );
  const hasNotices = live.kind !== "live" || connection.keyRejected || (board.loadError && !board.loaded) || ignored.length > 0;

  return (
    <BoardLayout
      subtitle={describeFilter(filter)}
      summary={<ToneLegend />}
      stale={live.kind === "disconnected" || live.kind === "stale"}
      notices={hasNotices ? notices : null}
      statusBar={
        <StatusBar connection={connection.state} serverTimeMs={now.server}>
          <span className="status-bar__note" data-testid="last-event">
            {board.lastEvent ? (
              <>
                Last event <strong>{formatAgo(now.local - board.lastEvent.receivedAt)}</strong>: {board.lastEvent.label}
              </>
            ) : (
              "No event since the board opened"
            )}
          </span>
          {totals ? <span className="status-bar__note">{totals.open.toLocaleString("en")} open in this view</span> : null}
        </StatusBar>
      }
    >
      {connection.keyRejected && !board.loaded ? null : (
        <div className="board__grid">
          <UrgentPanel incidents={board.incidents} nowMs={now.server} loaded={board.loaded} openTotal={totals?.open ?? null} truncated={board.truncated} />
          <CommitmentsPanel day={board.day} week={board.week} trend={board.trend} rootPx={rootPx} />
          <div className="board__column">
            <QueuesPanel queues={board.queues} filter={filter} />
            <AlertTicker alerts={board.alerts} nowMinuteMs={nowMinuteMs} />
          </div>
        </div>
      )}
    </BoardLayout>
  );
}
