import { RateLimiterRes } from 'rate-limiter-flexible';
import { isAppError, RateLimitedError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { createWindowCounter } from './rate-limit.ts';

/**
 * Failed authentications per client address (AUTH_FAILURES_PER_MINUTE): each request that ends
 * UNAUTHENTICATED counts against its address, and an address that failed `perMinute` times is
 * refused (RATE_LIMITED, with Retry-After until its one-minute window ends) before its token is
 * even looked at, so guessing tokens costs the store nothing past that. A valid token from the
 * same address is refused too until then; other addresses are not affected.
 */
export interface AuthFailureLimiter {
  /** Throws `RateLimitedError` while `address` is over its failures. */
  check(address: string): Promise<void>;
  /** Counts one failed authentication of `address`. */
  failed(address: string): Promise<void>;
  close(): Promise<void>;
}

export interface AuthFailureLimiterOptions {
  /** Failed authentications per address per minute; 0 means no limit. */
  perMinute: number;
  /** Redis shared by every gateway (counters under `<prefix>:authfail:`); absent: in memory. */
  redis?: { url: string; prefix: string } | null;
  /** Where a failing counter is reported (requests then pass: the limit is a second line). */
  logger: Logger;
}

export function createAuthFailureLimiter(options: AuthFailureLimiterOptions): AuthFailureLimiter {
  const { perMinute, logger } = options;
  if (!Number.isInteger(perMinute) || perMinute < 0) {
    throw new Error(`perMinute must be a non-negative integer, got ${perMinute}.`);
  }
  if (perMinute === 0) {
    return { check: async () => {}, failed: async () => {}, close: async () => {} };
  }
  const { limiter, close } = createWindowCounter({
    points: perMinute,
    redis: options.redis,
    namespace: 'authfail',
    logger,
  });
  return {
    async check(address) {
      let state: RateLimiterRes | null;
      try {
        state = await limiter.get(address);
      } catch (error) {
        // Redis failures fall back to memory inside the counter; anything else must not take
        // authentication down with it.
        logger.warn({ err: error }, 'cannot read failed authentications; request passes');
        return;
      }
      if (state && state.consumedPoints >= perMinute) {
        const retryAfterSeconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
        throw new RateLimitedError(
          `Too many failed authentications from this address (${perMinute} per minute); retry in ${retryAfterSeconds} s.`,
          retryAfterSeconds,
        );
      }
    },
    async failed(address) {
      try {
        await limiter.penalty(address, 1);
      } catch (error) {
        if (error instanceof RateLimiterRes) return;
        logger.warn({ err: error }, 'cannot count a failed authentication');
      }
    },
    close,
  };
}

/**
 * `authenticate`, refused for an address over its failed authentications before it runs, and
 * counting every UNAUTHENTICATED it throws against the request's address.
 */
export function limitFailedAuthentication<V>(
  authenticate: (request: Request) => Promise<V>,
  limiter: AuthFailureLimiter,
  addressOf: (request: Request) => string,
): (request: Request) => Promise<V> {
  return async (request) => {
    const address = addressOf(request);
    await limiter.check(address);
    try {
      return await authenticate(request);
    } catch (error) {
      if (isAppError(error) && error.code === 'UNAUTHENTICATED') await limiter.failed(address);
      throw error;
    }
  };
}
