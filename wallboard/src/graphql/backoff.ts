/** Reconnect delays: exponential, with jitter, capped (so a wall of screens does not reconnect in lockstep). */
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 10_000;

/**
 * Delay before retry number `attempt` (0 = first retry): the exponential step
 * base·2^attempt, capped at `cap`, then "equal jitter": half fixed, half random.
 * `random` is a number in [0, 1) (Math.random in production, fixed in tests).
 */
export function backoffDelayMs(
  attempt: number,
  random: number,
  base: number = BACKOFF_BASE_MS,
  cap: number = BACKOFF_CAP_MS,
): number {
  const n = attempt > 0 ? Math.floor(attempt) : 0; // NaN and negatives: first attempt
  // 2^n overflows to Infinity for large n; min() keeps it at the cap.
  const step = Math.min(cap, base * 2 ** Math.min(n, 64));
  const r = random > 0 ? Math.min(random, 1) : 0;
  return Math.round(step / 2 + (step / 2) * r);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
