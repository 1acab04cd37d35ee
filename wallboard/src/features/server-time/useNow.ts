import { useEffect, useState, useSyncExternalStore } from "react";
import { msUntilNextSecond, serverTimeAt, type ServerClock } from "./serverClock";

export interface Now {
  /** Server time (epoch ms), null before the first sample. */
  server: number | null;
  /** The local monotonic clock (ms): only for "how long ago" (staleness, last event). */
  local: number;
}

/**
 * Re-renders as each server second begins (or once a local second while the server clock
 * stands still or is unknown): the one heartbeat of the board. Countdowns are computed from
 * `server`, which is serverTime + rate × (performance.now() − receivedAt) from the last
 * sample, never from the screen's wall clock.
 */
export function useNow(clock: ServerClock): Now {
  const anchor = useSyncExternalStore(clock.subscribe, clock.get);
  const [now, setNow] = useState<Now>(() => ({ server: clock.now(), local: clock.localNow() }));

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      const local = clock.localNow();
      setNow({ server: anchor ? serverTimeAt(anchor, local) : null, local });
      timer = setTimeout(tick, anchor ? msUntilNextSecond(anchor, local) : 1000);
    };
    tick();
    return () => clearTimeout(timer);
  }, [clock, anchor]);

  return now;
}
