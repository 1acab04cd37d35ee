/**
 * Requests per API key per window, shared by every replica through Redis (in-process on the
 * embedded default). Fixed windows of 10 s. A replica claims a key's hits from Redis a lease at
 * a time (`leaseSize`: one per cent of the limit), so a busy key costs one INCRBY per lease,
 * not one per request. Never more than the limit pass in a window, across all replicas; a
 * replica's unused part of its last lease is lost when the window ends, so a key on R busy
 * replicas may be refused up to R × 1 % early. If Redis is unreachable the limiter lets
 * requests through: an outage must not lock integrators out.
 */
import { Redis } from "ioredis";
import type { Logger } from "./logger.js";

export const WINDOW_MS = 10_000;

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets (for Retry-After). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  hit(keyId: string, limit: number, nowMs: number): Promise<RateDecision>;
  /** Settles once the limiter counts (Redis connected); before that, requests pass. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

function decision(count: number, limit: number, nowMs: number): RateDecision {
  const windowEnd = (Math.floor(nowMs / WINDOW_MS) + 1) * WINDOW_MS;
  return { allowed: count <= limit, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - nowMs) / 1000)) };
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly counts = new Map<string, { window: number; count: number }>();

  async hit(keyId: string, limit: number, nowMs: number): Promise<RateDecision> {
    const window = Math.floor(nowMs / WINDOW_MS);
    let c = this.counts.get(keyId);
    if (!c || c.window !== window) {
      c = { window, count: 0 };
      this.counts.set(keyId, c);
      if (this.counts.size > 10_000) for (const [k, v] of this.counts) if (v.window !== window) this.counts.delete(k);
    }
    c.count++;
    return decision(c.count, limit, nowMs);
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {}
}

/** Hits a replica claims at once: 1 % of the limit, at least 1 (so small limits stay exact). */
export function leaseSize(limit: number): number {
  return Math.max(1, Math.floor(limit / 100));
}

/**
 * Of the hits numbered `total - size + 1 … total` in a window (a lease just claimed), how many
 * are within `limit`.
 */
export function grantedOf(total: number, size: number, limit: number): number {
  return Math.max(0, Math.min(size, limit - (total - size)));
}

// The count and its expiry set atomically by one script (ioredis sends it by its SHA once
// Redis knows it); MULTI/INCRBY/PEXPIRE/EXEC was four commands and a transaction per claim.
const CLAIM = "local c = redis.call('INCRBY', KEYS[1], ARGV[2]) if c == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return c";

interface Lease {
  window: number;
  /** Hits left in this window's leases. */
  left: number;
  /** A claim in flight: every request that finds the lease empty waits for the same one. */
  claiming?: Promise<void>;
  /** The window's budget is spent: no more claims until the next. */
  spent: boolean;
}

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis & { rateClaim(key: string, ttlMs: number, size: number): Promise<number> };
  private readonly leases = new Map<string, Lease>();
  private warned = false;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {
    const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: (n) => Math.min(50 * 2 ** Math.min(n, 6), 2_000) });
    redis.defineCommand("rateClaim", { numberOfKeys: 1, lua: CLAIM });
    this.redis = redis as typeof this.redis;
    this.redis.on("error", () => undefined);
  }

  async hit(keyId: string, limit: number, nowMs: number): Promise<RateDecision> {
    const window = Math.floor(nowMs / WINDOW_MS);
    let lease = this.leases.get(keyId);
    if (!lease || lease.window !== window) {
      lease = { window, left: 0, spent: false };
      this.leases.set(keyId, lease);
      if (this.leases.size > 10_000) for (const [k, v] of this.leases) if (v.window !== window) this.leases.delete(k);
    }
    while (lease.left === 0 && !lease.spent) {
      lease.claiming ??= this.claim(keyId, lease, limit);
      const outcome = await lease.claiming.then(
        () => null,
        (err: unknown) => err,
      );
      if (outcome !== null) {
        if (!this.warned) this.log.warn({ err: (outcome as Error).message }, "rate limiter: Redis unreachable, letting requests through");
        this.warned = true;
        return { allowed: true, retryAfterSeconds: 0 };
      }
    }
    if (lease.left > 0) {
      lease.left--;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return decision(limit + 1, limit, nowMs);
  }

  private async claim(keyId: string, lease: Lease, limit: number): Promise<void> {
    try {
      const size = leaseSize(limit);
      const total = await this.redis.rateClaim(`${this.prefix}:rl:${keyId}:${lease.window}`, WINDOW_MS * 2, size);
      this.warned = false;
      const granted = grantedOf(total, size, limit);
      lease.left += granted;
      if (granted < size) lease.spent = true;
    } finally {
      lease.claiming = undefined;
    }
  }

  /** Settles once connected (until then, requests are let through like in an outage). */
  ready(): Promise<void> {
    return this.redis.status === "ready" ? Promise.resolve() : new Promise((resolve) => this.redis.once("ready", () => resolve()));
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
