import { useSyncExternalStore } from "react";
import type { ReadableStore } from "../../lib/store";
import type { Now } from "./ticker";

/**
 * Reads one time-dependent value from the ticker: the component re-renders only when that
 * value changes (a countdown's seconds, a formatted "3 min ago", a liveness kind), not on
 * every tick. `select` must return a primitive, compared with Object.is.
 */
export function useTick<T extends string | number | boolean | null>(ticker: ReadableStore<Now>, select: (now: Now) => T): T {
  return useSyncExternalStore(ticker.subscribe, () => select(ticker.get()));
}
