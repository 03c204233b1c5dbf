import { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { RateLimitedError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';

/** A budget of operations per key (an API token, or the local tenant). */
export interface RateLimiter {
  /** Takes one operation from the key's budget; throws `RateLimitedError` when it is spent. */
  consume(key: string): Promise<void>;
  close(): Promise<void>;
}

export interface RateLimiterOptions {
  /** Operations per key per minute; 0 means no limit. */
  perMinute: number;
  /**
   * Redis shared by every gateway, so the budget holds across them. Without it the budget is
   * kept in this process (embedded mode: there is one gateway).
   */
  redis?: { url: string; prefix: string } | null;
  logger: Logger;
}

const WINDOW_SECONDS = 60;

export interface WindowCounterOptions {
  /** Points per key per {@link WINDOW_SECONDS}-second window. */
  points: number;
  /** Shared Redis (distributed mode); null or absent: this process only. */
  redis?: { url: string; prefix: string } | null;
  /** Key namespace under the Redis prefix, e.g. `ratelimit`. */
  namespace: string;
  logger: Logger;
}

/**
 * A fixed one-minute window of points per key (rate-limiter-flexible). With Redis, counters live
 * under `<prefix>:<namespace>:` on a connection of its own; if Redis fails, each gateway falls
 * back to an in-memory counter of the same size rather than refusing or waving every request
 * through.
 */
export function createWindowCounter(options: WindowCounterOptions): {
  limiter: RateLimiterAbstract;
  close(): Promise<void>;
} {
  const { points, logger } = options;
  const memory = new RateLimiterMemory({ points, duration: WINDOW_SECONDS });
  if (!options.redis) return { limiter: memory, close: async () => {} };
  // Its own connection (STYLE rule 13). Commands wait for the connection (so the first
  // requests after start count in Redis too), but at most a second: a Redis outage falls back
  // to the in-memory insurance limiter instead of stalling requests.
  const redis = new Redis(options.redis.url, { maxRetriesPerRequest: 1, commandTimeout: 1_000 });
  redis.on('error', (error) =>
    logger.warn({ err: error, namespace: options.namespace }, 'rate limiter Redis error'),
  );
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${options.redis.prefix}:${options.namespace}`,
    points,
    duration: WINDOW_SECONDS,
    insuranceLimiter: memory,
  });
  return {
    limiter,
    async close() {
      redis.disconnect();
    },
  };
}

/**
 * The per-token request rate: a fixed one-minute window per key, counted in Redis under
 * `<prefix>:ratelimit:` when there is one ({@link createWindowCounter}).
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { perMinute, logger } = options;
  if (!Number.isInteger(perMinute) || perMinute < 0) {
    throw new Error(`perMinute must be a non-negative integer, got ${perMinute}.`);
  }
  if (perMinute === 0) return { consume: async () => {}, close: async () => {} };
  const { limiter, close } = createWindowCounter({
    points: perMinute,
    redis: options.redis,
    namespace: 'ratelimit',
    logger,
  });

  return {
    async consume(key: string) {
      try {
        await limiter.consume(key);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
          throw new RateLimitedError(
            `Rate limit of ${perMinute} operations per minute reached; retry in ${retryAfterSeconds} s.`,
            retryAfterSeconds,
          );
        }
        throw rejection;
      }
    },
    close,
  };
}

/**
 * Open subscriptions per key, counted in this gateway: with N gateways a key may hold N times
 * the limit. (A shared count would need a heartbeat to forget the streams of a gateway that
 * died; the per-gateway count cannot leak that way.)
 */
export function createSubscriptionCounter(max: number) {
  const open = new Map<string, number>();
  return {
    /** Takes a slot for `key`: a release function, or null when the key holds `max` already. */
    acquire(key: string): (() => void) | null {
      const count = open.get(key) ?? 0;
      if (max > 0 && count >= max) return null;
      open.set(key, count + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (open.get(key) ?? 1) - 1;
        if (left > 0) open.set(key, left);
        else open.delete(key);
      };
    },
    count(key: string): number {
      return open.get(key) ?? 0;
    },
  };
}

export type SubscriptionCounter = ReturnType<typeof createSubscriptionCounter>;
