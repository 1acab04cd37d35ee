import { memo } from "react";
import type { ReadableStore } from "../../lib/store";
import { formatUtcHms } from "./serverClock";
import type { Now } from "./ticker";
import { useTick } from "./useTick";

/** Server time as UTC HH:MM:SS; "--:--:--" until the server has answered. */
export function ServerTime({ epochMs }: { epochMs: number | null }) {
  const text = epochMs === null ? "--:--:--" : formatUtcHms(epochMs);
  return (
    <span className="server-time" title="Server time (UTC)">
      <time data-testid="server-time" dateTime={epochMs === null ? undefined : new Date(epochMs).toISOString()}>
        {text}
      </time>
      <span className="server-time__zone"> UTC</span>
    </span>
  );
}

/** The server time, moving each second on its own: nothing around it re-renders. */
export const TickingServerTime = memo(function TickingServerTime({ ticker }: { ticker: ReadableStore<Now> }) {
  const second = useTick(ticker, (now) => (now.server === null ? null : Math.floor(now.server / 1000)));
  return <ServerTime epochMs={second === null ? null : second * 1000} />;
});
