/** The Redis rate limiter's leases against a real Redis: two replicas, one budget, never more than the limit. */
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import type { Redis as RedisClient } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisRateLimiter, WINDOW_MS, grantedOf, leaseSize } from "../server/src/platform/rate-limiter.js";
import { createLogger } from "../server/src/platform/logger.js";
import { ROOT, base, hasRedis, need } from "./helpers/harness.js";

// ioredis is the server's dependency, not the workspace root's
const { Redis } = createRequire(path.join(ROOT, "server/package.json"))("ioredis") as { Redis: new (url: string) => RedisClient };

describe("lease arithmetic", () => {
  it("claims 1 % of the limit, at least one", () => {
    expect([leaseSize(1), leaseSize(99), leaseSize(100), leaseSize(600), leaseSize(10_000_000)]).toEqual([1, 1, 1, 6, 100_000]);
  });
  it("grants the part of a lease that is within the limit", () => {
    expect(grantedOf(6, 6, 600)).toBe(6); // the first lease
    expect(grantedOf(600, 6, 600)).toBe(6); // the last whole one
    expect(grantedOf(603, 6, 600)).toBe(3); // straddles the limit
    expect(grantedOf(606, 6, 600)).toBe(0);
    expect(grantedOf(650, 6, 600)).toBe(0);
  });
});

describe.runIf(need("redis", hasRedis))("RedisRateLimiter", () => {
  const log = createLogger("silent");
  const prefix = `atalaya-test:${randomUUID()}`;
  const limiters: RedisRateLimiter[] = [];
  const redis = new Redis(base.redisUrl!);
  const replica = async () => {
    const l = new RedisRateLimiter(base.redisUrl!, prefix, log);
    limiters.push(l);
    await l.ready();
    return l;
  };
  afterAll(async () => {
    for (const l of limiters) await l.close();
    redis.disconnect();
  });
  // the middle of a window, so no hit of a test falls in the next one
  const now = (Math.floor(Date.now() / WINDOW_MS) + 1) * WINDOW_MS + WINDOW_MS / 2;

  it("two replicas share one budget exactly, claiming a lease per 1 % of it", async () => {
    const [a, b] = [await replica(), await replica()];
    const key = randomUUID();
    let allowed = 0;
    let refusedInARow = 0;
    for (let i = 0; refusedInARow < 4 && i < 5_000; i++) {
      const d = await (i % 2 ? b : a).hit(key, 1_000, now);
      if (d.allowed) {
        allowed++;
        refusedInARow = 0;
      } else {
        refusedInARow++;
        expect(d.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        expect(d.retryAfterSeconds).toBeLessThanOrEqual(10);
      }
    }
    // every hit either replica leased was used before both refused: the whole budget, no more
    expect(allowed).toBe(1_000);
    // leases of 10: about 100 claims, not 1,000 hits (each replica's claims past the limit add at most 10 each)
    const counted = Number(await redis.get(`${prefix}:rl:${key}:${Math.floor(now / WINDOW_MS)}`));
    expect(counted).toBeGreaterThanOrEqual(1_000);
    expect(counted).toBeLessThanOrEqual(1_000 + 2 * 10);
    expect(await redis.pttl(`${prefix}:rl:${key}:${Math.floor(now / WINDOW_MS)}`)).toBeGreaterThan(0);
  });

  it("a burst of concurrent hits on one replica admits exactly the limit", async () => {
    const a = await replica();
    const key = randomUUID();
    const decisions = await Promise.all(Array.from({ length: 200 }, () => a.hit(key, 150, now)));
    expect(decisions.filter((d) => d.allowed).length).toBe(150);
  });

  it("a small limit stays exact per request across replicas", async () => {
    const [a, b] = [await replica(), await replica()];
    const key = randomUUID();
    const outcomes = [];
    for (let i = 0; i < 9; i++) outcomes.push((await (i % 2 ? b : a).hit(key, 5, now)).allowed);
    expect(outcomes).toEqual([true, true, true, true, true, false, false, false, false]);
  });

  it("a new window starts a new budget", async () => {
    const a = await replica();
    const key = randomUUID();
    for (let i = 0; i < 3; i++) await a.hit(key, 3, now);
    expect((await a.hit(key, 3, now)).allowed).toBe(false);
    expect((await a.hit(key, 3, now + WINDOW_MS)).allowed).toBe(true);
  });
});
