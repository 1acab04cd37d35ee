/**
 * Requests per API key per window, shared by every replica through Redis (in-process on the
 * embedded default). Fixed windows of 10 s keep it to one INCR per request. If Redis is
 * unreachable the limiter lets requests through: an outage must not lock integrators out.
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

  async close(): Promise<void> {}
}

// One command a request: the count and its expiry set atomically by a script (ioredis sends
// it by its SHA once Redis knows it). MULTI/INCR/PEXPIRE/EXEC was four commands and
// ioredis' transaction machinery on every request.
const HIT = "local c = redis.call('INCR', KEYS[1]) if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return c";

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis & { rateHit(key: string, ttlMs: number): Promise<number> };
  private warned = false;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {
    const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: (n) => Math.min(50 * 2 ** Math.min(n, 6), 2_000) });
    redis.defineCommand("rateHit", { numberOfKeys: 1, lua: HIT });
    this.redis = redis as typeof this.redis;
    this.redis.on("error", () => undefined);
  }

  async hit(keyId: string, limit: number, nowMs: number): Promise<RateDecision> {
    const window = Math.floor(nowMs / WINDOW_MS);
    const key = `${this.prefix}:rl:${keyId}:${window}`;
    try {
      const count = await this.redis.rateHit(key, WINDOW_MS * 2);
      this.warned = false;
      return decision(count, limit, nowMs);
    } catch (err) {
      if (!this.warned) this.log.warn({ err: (err as Error).message }, "rate limiter: Redis unreachable, letting requests through");
      this.warned = true;
      return { allowed: true, retryAfterSeconds: 0 };
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
