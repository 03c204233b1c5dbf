import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RateLimitedError } from '../shared/errors.ts';
import { createSilentLogger } from '../shared/logger.ts';
import { createRateLimiter, createSubscriptionCounter, type RateLimiter } from './rate-limit.ts';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test-rl-${randomBytes(5).toString('hex')}`;
const logger = createSilentLogger();
const limiters: RateLimiter[] = [];

function limiter(perMinute: number, redis: { url: string; prefix: string } | null) {
  const created = createRateLimiter({ perMinute, redis, logger });
  limiters.push(created);
  return created;
}

afterAll(async () => {
  await Promise.all(limiters.map((l) => l.close()));
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
});

describe('the per-token rate limit', () => {
  it('holds across gateways that share Redis, per key', async () => {
    const gatewayA = limiter(3, { url: redisUrl, prefix });
    const gatewayB = limiter(3, { url: redisUrl, prefix });

    await gatewayA.consume('token-1');
    await gatewayB.consume('token-1');
    await gatewayA.consume('token-1');
    const refused = gatewayB.consume('token-1');

    await expect(refused).rejects.toBeInstanceOf(RateLimitedError);
    await expect(refused).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(gatewayB.consume('token-2')).resolves.toBeUndefined();
    const redis = new Redis(redisUrl);
    try {
      expect(await redis.exists(`${prefix}:ratelimit:token-1`)).toBe(1);
    } finally {
      redis.disconnect();
    }
  });

  it('keeps limiting in memory when Redis is unreachable', async () => {
    const offline = limiter(2, { url: 'redis://127.0.0.1:1', prefix });
    await offline.consume('k');
    await offline.consume('k');
    await expect(offline.consume('k')).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('limits nothing at 0', async () => {
    const open = limiter(0, null);
    for (let i = 0; i < 100; i++) await open.consume('k');
  });
});

describe('the subscription counter', () => {
  it('hands out at most max slots per key and takes each back once', () => {
    const counter = createSubscriptionCounter(2);
    const first = counter.acquire('k');
    const second = counter.acquire('k');
    expect(counter.acquire('k')).toBeNull();
    expect(counter.acquire('other')).not.toBeNull();
    first?.();
    first?.();
    expect(counter.count('k')).toBe(1);
    expect(counter.acquire('k')).not.toBeNull();
    second?.();
  });
});
