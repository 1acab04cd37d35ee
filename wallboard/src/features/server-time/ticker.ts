import type { ReadableStore } from "../../lib/store";
import { msUntilNextSecond, serverTimeAt, type ServerClock } from "./serverClock";

export interface Now {
  /** Server time (epoch ms), null before the first sample. */
  server: number | null;
  /** The local monotonic clock (ms): only for "how long ago" (staleness, last event). */
  local: number;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * The board's one heartbeat, as a store: a new `Now` as each server second begins (or once
 * a local second while the server clock stands still or is unknown), and at once when a new
 * clock sample arrives. Countdowns are computed from `server` (serverTime + rate ×
 * (performance.now() − receivedAt) from the last sample), never from the screen's clock.
 *
 * It is a store rather than React state at the top of the tree so that only the few
 * components that show something time-dependent re-render each second, each reading just
 * what it shows (see useTick): a board of 2,000 incidents must not be re-rendered to move
 * a dozen countdowns. The timer runs only while something listens.
 */
export function createTicker(clock: ServerClock, timers: Timers = realTimers): ReadableStore<Now> {
  const listeners = new Set<() => void>();
  let now: Now = read();
  let timer: unknown = null;
  let unlistenClock: (() => void) | null = null;

  function read(): Now {
    const local = clock.localNow();
    const anchor = clock.get();
    return { server: anchor ? serverTimeAt(anchor, local) : null, local };
  }

  function tick() {
    timer = null;
    now = read();
    const anchor = clock.get();
    timer = timers.set(tick, anchor ? msUntilNextSecond(anchor, now.local) : 1000);
    for (const listener of [...listeners]) listener();
  }

  function start() {
    let anchor = clock.get();
    unlistenClock = clock.subscribe(() => {
      const previous = anchor;
      anchor = clock.get();
      if (timer !== null) timers.clear(timer);
      // A sample that only confirms the time (same server second, same rate: the periodic
      // serverClock tick) re-aims the next tick at the new anchor's second boundary without
      // an extra render; a move or a rate change (a simulated clock) shows at once.
      const local = clock.localNow();
      if (previous && anchor && previous.rate === anchor.rate && Math.floor(serverTimeAt(previous, local) / 1000) === Math.floor(serverTimeAt(anchor, local) / 1000)) {
        timer = timers.set(tick, msUntilNextSecond(anchor, local));
        return;
      }
      tick();
    });
    tick();
  }

  function stop() {
    unlistenClock?.();
    unlistenClock = null;
    if (timer !== null) timers.clear(timer);
    timer = null;
  }

  return {
    get: () => now,
    subscribe(listener) {
      listeners.add(listener);
      if (listeners.size === 1) start();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },
  };
}
