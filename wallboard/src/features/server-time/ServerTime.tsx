import { formatUtcHms } from "./serverClock";

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
