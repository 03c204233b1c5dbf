import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { NotFoundError, RateLimitedError, UnauthenticatedError } from '../shared/errors.ts';
import { createSilentLogger } from '../shared/logger.ts';
import { deleteKeys } from '../test/e2e/support/processes.ts';
import {
  type AuthFailureLimiter,
  createAuthFailureLimiter,
  limitFailedAuthentication,
} from './auth-failures.ts';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test-authfail-${randomBytes(5).toString('hex')}`;
const logger = createSilentLogger();
const limiters: AuthFailureLimiter[] = [];

function limiter(perMinute: number, redis: { url: string; prefix: string } | null = null) {
  const created = createAuthFailureLimiter({ perMinute, redis, logger });
  limiters.push(created);
  return created;
}

afterAll(async () => {
  await Promise.all(limiters.map((l) => l.close()));
  await deleteKeys(redisUrl, prefix);
});

/** A request from `address` (its X-Client header) with `token` as its bearer. */
const request = (address: string, token: string) =>
  new Request('http://gateway.test/graphql', {
    headers: { 'x-client': address, authorization: `Bearer ${token}` },
  });

/** An authenticator that knows one token and counts its lookups, as a store would. */
function tokenStore() {
  const counted = { lookups: 0 };
  const authenticate = async (req: Request) => {
    counted.lookups += 1;
    if (req.headers.get('authorization') !== 'Bearer good') throw new UnauthenticatedError();
    return { tenantId: 't' };
  };
  return { authenticate, counted };
}

const addressOf = (req: Request) => req.headers.get('x-client') ?? 'unknown';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('failed authentications per client address', () => {
  it('refuses an address past its failures before looking its token up, others still pass', async () => {
    const store = tokenStore();
    const guarded = limitFailedAuthentication(store.authenticate, limiter(3), addressOf);
    for (let i = 0; i < 3; i++) {
      expect(await rejection(guarded(request('198.51.100.1', `bad-${i}`)))).toMatchObject({
        code: 'UNAUTHENTICATED',
      });
    }
    expect(store.counted.lookups).toBe(3);

    const refused = await rejection(guarded(request('198.51.100.1', 'bad-again')));
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
    expect((refused as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((refused as Error).message).toMatch(/failed authentications from this address/);
    // Even the right token: the address waits for its window to end.
    expect(await rejection(guarded(request('198.51.100.1', 'good')))).toBeInstanceOf(
      RateLimitedError,
    );
    expect(store.counted.lookups).toBe(3);

    await expect(guarded(request('198.51.100.2', 'good'))).resolves.toEqual({ tenantId: 't' });
  });

  it('counts only UNAUTHENTICATED, not successes or other errors', async () => {
    const guard = limiter(2);
    let outcome: 'ok' | 'missing' = 'ok';
    const guarded = limitFailedAuthentication(
      async () => {
        if (outcome === 'missing') throw new NotFoundError('Thing', 'x');
        return { tenantId: 't' };
      },
      guard,
      addressOf,
    );
    for (let i = 0; i < 5; i++) await guarded(request('192.0.2.9', 'x'));
    outcome = 'missing';
    for (let i = 0; i < 5; i++) {
      expect(await rejection(guarded(request('192.0.2.9', 'x')))).toBeInstanceOf(NotFoundError);
    }
    await expect(guard.check('192.0.2.9')).resolves.toBeUndefined();
  });

  it('holds across gateways that share Redis', async () => {
    const gatewayA = limiter(2, { url: redisUrl, prefix });
    const gatewayB = limiter(2, { url: redisUrl, prefix });
    await gatewayA.failed('203.0.113.5');
    await gatewayB.check('203.0.113.5');
    await gatewayB.failed('203.0.113.5');
    expect(await rejection(gatewayA.check('203.0.113.5'))).toBeInstanceOf(RateLimitedError);
    expect(await rejection(gatewayB.check('203.0.113.5'))).toBeInstanceOf(RateLimitedError);
    await expect(gatewayA.check('203.0.113.6')).resolves.toBeUndefined();
  });

  it('does not limit with 0, and refuses an impossible limit', async () => {
    const off = limiter(0);
    for (let i = 0; i < 100; i++) await off.failed('192.0.2.1');
    await expect(off.check('192.0.2.1')).resolves.toBeUndefined();
    expect(() => createAuthFailureLimiter({ perMinute: -1, logger })).toThrow(/non-negative/);
    expect(() => createAuthFailureLimiter({ perMinute: 1.5, logger })).toThrow(/non-negative/);
  });
});
