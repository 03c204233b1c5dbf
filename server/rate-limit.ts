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

/**
 * The per-token request rate: a fixed one-minute window per key (rate-limiter-flexible). With
 * Redis, counters live under `<prefix>:ratelimit:`; if Redis fails, each gateway falls back to
 * an in-memory budget of the same size rather than refusing or waving every request through.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { perMinute, logger } = options;
  if (!Number.isInteger(perMinute) || perMinute < 0) {
    throw new Error(`perMinute must be a non-negative integer, got ${perMinute}.`);
  }
  if (perMinute === 0) return { consume: async () => {}, close: async () => {} };

  const memory = new RateLimiterMemory({ points: perMinute, duration: WINDOW_SECONDS });
  let redis: Redis | undefined;
  let limiter: RateLimiterAbstract = memory;
  if (options.redis) {
    // Its own connection (STYLE rule 13). Commands wait for the connection (so the first
    // requests after start count in Redis too), but at most a second: a Redis outage falls back
    // to the in-memory insurance limiter instead of stalling requests.
    redis = new Redis(options.redis.url, { maxRetriesPerRequest: 1, commandTimeout: 1_000 });
    redis.on('error', (error) => logger.warn({ err: error }, 'rate limiter Redis error'));
    limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${options.redis.prefix}:ratelimit`,
      points: perMinute,
      duration: WINDOW_SECONDS,
      insuranceLimiter: memory,
    });
  }

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
    async close() {
      redis?.disconnect();
    },
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
