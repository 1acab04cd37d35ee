import { createStore, type ReadableStore } from "../../lib/store";

/**
 * Server time on the board: the browser ticks locally from the last sample of the server's
 * clock. Today the sample is the Board query's `now`; later `serverClock` subscription ticks
 * ({ now, rate }) feed the same `sync` call, so only the caller changes.
 *
 * The local clock is `performance.now()` (monotonic), so a jump of the display machine's
 * wall clock does not move the board's time.
 */
export interface ClockAnchor {
  /** Server time (epoch ms) of the sample. */
  serverMs: number;
  /** Local monotonic clock (ms) when the sample arrived. */
  localMs: number;
  /** Server seconds per local second: 1, or 0 while a simulated clock stands still. */
  rate: number;
}

export function anchorFromSample(serverIso: string, localMs: number, rate = 1): ClockAnchor | null {
  const serverMs = Date.parse(serverIso);
  if (Number.isNaN(serverMs) || !Number.isFinite(localMs)) return null;
  return { serverMs, localMs, rate: Number.isFinite(rate) && rate >= 0 ? rate : 1 };
}

/** Server time minus the local clock at the moment the sample arrived. */
export function clockOffsetMs(anchor: ClockAnchor): number {
  return anchor.serverMs - anchor.localMs;
}

/** Server time (epoch ms) at local clock reading `localMs`. */
export function serverTimeAt(anchor: ClockAnchor, localMs: number): number {
  return anchor.serverMs + (localMs - anchor.localMs) * anchor.rate;
}

/** Local ms until the displayed server second changes (re-checked once a second while the clock stands still). */
export function msUntilNextSecond(anchor: ClockAnchor, localMs: number): number {
  if (anchor.rate <= 0) return 1000;
  const server = serverTimeAt(anchor, localMs);
  const toNext = 1000 - (((server % 1000) + 1000) % 1000);
  return Math.max(1, Math.ceil(toNext / anchor.rate));
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "HH:MM:SS" in UTC. */
export function formatUtcHms(epochMs: number): string {
  const d = new Date(epochMs);
  if (Number.isNaN(d.getTime())) return "--:--:--";
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export interface ServerClock extends ReadableStore<ClockAnchor | null> {
  /** Records a sample of the server's clock, taken now (call it as the answer arrives). */
  sync(serverIso: string, rate?: number): void;
  /** Server time now (epoch ms), or null before the first sample. */
  now(): number | null;
  /** The local monotonic clock this ServerClock uses. */
  localNow(): number;
}

export function createServerClock(localNow: () => number = () => performance.now()): ServerClock {
  const store = createStore<ClockAnchor | null>(null);
  return {
    get: store.get,
    subscribe: store.subscribe,
    localNow,
    sync(serverIso, rate = 1) {
      const anchor = anchorFromSample(serverIso, localNow(), rate);
      if (anchor) store.set(anchor);
    },
    now() {
      const anchor = store.get();
      return anchor ? serverTimeAt(anchor, localNow()) : null;
    },
  };
}
