import type { ConnectionState } from "../../graphql/connection";

/**
 * Never silently stale. From the connection state and when things last happened (all on
 * the local monotonic clock, which only measures how long ago), what the board must say:
 * - disconnected: the live connection is down (since `lostAt`), reconnecting by itself;
 * - stale: connected, but no serverClock tick for STALE_AFTER_MS (ticks come every 5 s);
 * - connecting: never connected yet, for longer than a moment;
 * - live.
 */
export const STALE_AFTER_MS = 15_000;
export const CONNECTING_GRACE_MS = 3_000;

export type Liveness = { kind: "live" } | { kind: "connecting"; forMs: number } | { kind: "disconnected"; forMs: number } | { kind: "stale"; forMs: number };

export interface LivenessInput {
  state: ConnectionState;
  /** When the board was last connected and lost it (null: connected now, or never connected). */
  lostAt: number | null;
  /** When the board started (local ms). */
  startedAt: number;
  /** When the last serverClock tick arrived (null: none yet). */
  lastTickAt: number | null;
  now: number;
}

export function liveness({ state, lostAt, startedAt, lastTickAt, now }: LivenessInput): Liveness {
  if (state !== "connected") {
    if (lostAt !== null) return { kind: "disconnected", forMs: Math.max(0, now - lostAt) };
    const forMs = Math.max(0, now - startedAt);
    return forMs >= CONNECTING_GRACE_MS ? { kind: "connecting", forMs } : { kind: "live" };
  }
  const since = lastTickAt ?? startedAt;
  const silent = now - since;
  if (silent > STALE_AFTER_MS) return { kind: "stale", forMs: silent };
  return { kind: "live" };
}

/** "8 s", "2 min 05 s", "1 h 03 min": how long, for a banner. */
export function formatFor(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m % 60).padStart(2, "0")} min`;
}

/** "just now", "12 s ago", "3 min ago", "2 h ago". */
export function formatAgo(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 2) return "just now";
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  return `${Math.floor(m / 60)} h ago`;
}
