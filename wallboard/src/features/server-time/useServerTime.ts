import { useEffect, useState, useSyncExternalStore } from "react";
import { msUntilNextSecond, serverTimeAt, type ServerClock } from "./serverClock";

/** Server time (epoch ms), re-rendering as each server second begins; null before the first sample. */
export function useServerTime(clock: ServerClock | null): number | null {
  const anchor = useSyncExternalStore(
    clock ? clock.subscribe : noopSubscribe,
    clock ? clock.get : nullSnapshot,
  );
  const [now, setNow] = useState<number | null>(null);

  useEffect(() => {
    if (!clock || !anchor) {
      setNow(null);
      return;
    }
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      const local = clock.localNow();
      setNow(serverTimeAt(anchor, local));
      timer = setTimeout(tick, msUntilNextSecond(anchor, local));
    };
    tick();
    return () => clearTimeout(timer);
  }, [clock, anchor]);

  return now;
}

const noopSubscribe = () => () => {};
const nullSnapshot = () => null;
