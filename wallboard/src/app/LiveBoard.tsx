import { memo, useEffect, useMemo, useState } from "react";
import type { ReadableStore } from "../lib/store";
import { AlertTicker } from "../features/alerts/AlertTicker";
import { describeFilter, parseBoardFilter } from "../features/board/boardFilter";
import { ToneLegend } from "../features/board/ToneLegend";
import { useBoard } from "../features/board/useBoard";
import { CommitmentsPanel } from "../features/commitments/CommitmentsPanel";
import { formatAgo, liveness } from "../features/liveness/liveness";
import { TickingLivenessBanner } from "../features/liveness/LivenessBanner";
import { QueuesPanel, queueTotals } from "../features/queues/QueuesPanel";
import { createServerClock } from "../features/server-time/serverClock";
import { TickingServerTime } from "../features/server-time/ServerTime";
import { createTicker, type Now } from "../features/server-time/ticker";
import { useTick } from "../features/server-time/useTick";
import { StatusBar } from "../features/status-bar/StatusBar";
import { UrgentPanel } from "../features/urgent/UrgentPanel";
import { BoardLayout } from "./BoardLayout";
import { boardUrlExample } from "./displayKey";
import { Notice } from "./Notice";
import { useRootPx } from "./useRootPx";
import { useConnectionStatus, useWallboardSession } from "./useWallboardSession";

/**
 * The board for one DISPLAY key: session, live data, presentation.
 *
 * It does not re-render every second: time-dependent text (countdowns, server time, "12 s
 * ago", the outage banner) reads the ticker in small components of its own, and this one
 * re-renders only when the data, the connection or the liveness kind changes.
 */
export function LiveBoard({ secret }: { secret: string }) {
  const session = useWallboardSession(secret);
  const [clock] = useState(() => createServerClock());
  const [ticker] = useState(() => createTicker(clock));
  const [startedAt] = useState(() => performance.now());
  const { filter, ignored } = useMemo(() => parseBoardFilter(window.location.search, window.location.hash), []);
  const connection = useConnectionStatus(session);
  const board = useBoard(session, clock, filter);
  const rootPx = useRootPx();

  // When the live connection was lost (null while connected or before the first connection).
  const [lostAt, setLostAt] = useState<number | null>(null);
  useEffect(() => {
    if (connection.state === "connected") setLostAt(null);
    else if (connection.connects > 0) setLostAt((at) => at ?? performance.now());
  }, [connection.state, connection.connects]);

  const livenessInput = { state: connection.state, lostAt, startedAt, lastTickAt: board.lastTickAt };
  const liveKind = useTick(ticker, (now) => liveness({ ...livenessInput, now: now.local }).kind);
  const totals = queueTotals(board.queues);

  const hasNotices = liveKind !== "live" || connection.keyRejected || (board.loadError && !board.loaded) || ignored.length > 0;
  const notices = hasNotices ? (
    <>
      <TickingLivenessBanner input={livenessInput} ticker={ticker} />
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
  ) : null;

  return (
    <BoardLayout
      subtitle={describeFilter(filter)}
      summary={<ToneLegend />}
      stale={liveKind === "disconnected" || liveKind === "stale"}
      notices={notices}
      statusBar={
        <StatusBar connection={connection.state} serverTime={<TickingServerTime ticker={ticker} />}>
          <LastEvent lastEvent={board.lastEvent} ticker={ticker} />
          {totals ? <span className="status-bar__note">{totals.open.toLocaleString("en")} open in this view</span> : null}
        </StatusBar>
      }
    >
      {connection.keyRejected && !board.loaded ? null : (
        <div className="board__grid">
          <UrgentPanel incidents={board.incidents} ticker={ticker} loaded={board.loaded} openTotal={totals?.open ?? null} truncated={board.truncated} />
          <CommitmentsPanel day={board.day} week={board.week} trend={board.trend} rootPx={rootPx} />
          <div className="board__column">
            <QueuesPanel queues={board.queues} filter={filter} />
            <AlertTicker alerts={board.alerts} ticker={ticker} />
          </div>
        </div>
      )}
    </BoardLayout>
  );
}

/** "Last event 12 s ago: INC-000123 comment", its age moving on its own. */
const LastEvent = memo(function LastEvent({ lastEvent, ticker }: { lastEvent: { label: string; receivedAt: number } | null; ticker: ReadableStore<Now> }) {
  const ago = useTick(ticker, (now) => (lastEvent ? formatAgo(now.local - lastEvent.receivedAt) : null));
  return (
    <span className="status-bar__note" data-testid="last-event">
      {lastEvent ? (
        <>
          Last event <strong>{ago}</strong>: {lastEvent.label}
        </>
      ) : (
        "No event since the board opened"
      )}
    </span>
  );
});
