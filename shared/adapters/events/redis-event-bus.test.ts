import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { describeEventBusContract } from './event-bus.contract.ts';
import { bigEvent, ids, logEvent, newWorkflowId, reader } from './event-bus-contract-fixtures.ts';
import type { EventBusLogger } from './event-bus-options.ts';
import {
  createRedisEventBus,
  type RedisEventBus,
  type RedisEventBusOptions,
} from './redis-event-bus.ts';
import { createRedisEventLog } from './redis-event-log.ts';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const admin = new Redis(redisUrl);
afterAll(async () => {
  await admin.quit();
});

/** A logger that remembers what it was told, so tests can assert on dropped events. */
function recordingLogger() {
  const warnings: { details: object; message: string | undefined }[] = [];
  const logger: EventBusLogger = {
    warn: (details, message) => warnings.push({ details, message }),
    error() {},
  };
  return { logger, warnings };
}

/** Deletes every key under the prefix (SCAN is fine in tests, never at runtime). */
async function deletePrefix(prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await admin.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** A bus on a prefix of its own, with peers on the same prefix; `cleanup` closes and deletes all. */
function isolatedBus(overrides: Partial<RedisEventBusOptions> = {}) {
  const options: RedisEventBusOptions = {
    redis: redisUrl,
    prefix: `test:evt:${randomUUID()}`,
    replayPageSize: 64,
    logger: recordingLogger().logger,
    ...overrides,
  };
  const buses: RedisEventBus[] = [createRedisEventBus(options)];
  return {
    options,
    bus: buses[0]!,
    peer: async () => {
      const peer = createRedisEventBus(options);
      buses.push(peer);
      return peer;
    },
    cleanup: async () => {
      await Promise.all(buses.map((bus) => bus.close()));
      await deletePrefix(options.prefix);
    },
  };
}

describeEventBusContract('redis', async (options) =>
  isolatedBus({
    maxBufferedEvents: options?.maxBufferedEvents,
    maxBufferedBytes: options?.maxBufferedBytes,
  }),
);

describe('createRedisEventBus', () => {
  const cleanups: (() => Promise<void>)[] = [];
  function open(overrides: Partial<RedisEventBusOptions> = {}) {
    const subject = isolatedBus(overrides);
    cleanups.push(subject.cleanup);
    return subject;
  }
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  });

  it('lets a workflow log expire retentionSeconds after its last event', async () => {
    const { bus, options } = open({ retentionSeconds: 90 });
    const workflowId = newWorkflowId();
    await bus.publish(logEvent(workflowId, 0));
    const ttl = await admin.pttl(`${options.prefix}:events:${workflowId}`);
    expect(ttl).toBeGreaterThan(85_000);
    expect(ttl).toBeLessThanOrEqual(90_000);
  });

  it('replays nothing from an expired log and starts it afresh on the next event', async () => {
    const { bus, options } = open();
    const workflowId = newWorkflowId();
    await bus.publish(logEvent(workflowId, 0));
    // An expiry time in the past makes Redis drop the key at once, as retention would.
    await admin.pexpireat(`${options.prefix}:events:${workflowId}`, 1);
    expect(await bus.read(workflowId, null, 10)).toEqual([]);
    expect(await bus.lastCursor(workflowId)).toBeNull();
    const subscription = reader(
      await bus.subscribe(workflowId, { position: { kind: 'after', cursor: null } }),
    );
    const fresh = await bus.publish(logEvent(workflowId, 1));
    expect((await subscription.next()).id).toBe(fresh.id);
  });

  it('reads a replay page of at most the byte budget of events, but at least one', async () => {
    const { bus, options } = open();
    const workflowId = newWorkflowId();
    const published = [];
    for (let n = 0; n < 5; n++) published.push(await bus.publish(bigEvent(workflowId, n, 4_000)));
    const client = new Redis(redisUrl);
    try {
      const log = createRedisEventLog({
        client,
        prefix: options.prefix,
        retentionSeconds: 60,
        maxLen: undefined,
        logger: recordingLogger().logger,
      });
      const page = await log.readPage(workflowId, null, 64, 10_000);
      expect(ids(page.deliveries.map((d) => d.event))).toEqual(ids(published.slice(0, 2)));
      expect(page.deliveries.reduce((sum, d) => sum + d.bytes, 0)).toBeLessThanOrEqual(10_000);
      expect(page).toMatchObject({ next: published[1]!.id, exhausted: false });
      const one = await log.readPage(workflowId, page.next, 64, 100);
      expect(ids(one.deliveries.map((d) => d.event))).toEqual([published[2]!.id]);
      const rest = await log.readPage(workflowId, one.next, 64, 1_000_000);
      expect(ids(rest.deliveries.map((d) => d.event))).toEqual(ids(published.slice(3)));
      expect(rest.exhausted).toBe(true);
    } finally {
      await client.quit();
    }
  });

  it('trims a workflow log to about maxLen entries', async () => {
    const { bus, options } = open({ maxLen: 10 });
    const workflowId = newWorkflowId();
    for (let n = 0; n < 400; n++) await bus.publish(logEvent(workflowId, n));
    const length = await admin.xlen(`${options.prefix}:events:${workflowId}`);
    expect(length).toBeGreaterThanOrEqual(10);
    expect(length).toBeLessThan(400);
  });

  it('drops and logs stream entries that are not valid events', async () => {
    const { logger, warnings } = recordingLogger();
    const { bus, options } = open({ logger });
    const workflowId = newWorkflowId();
    const key = `${options.prefix}:events:${workflowId}`;
    const first = await bus.publish(logEvent(workflowId, 0));
    await admin.xadd(key, '*', 'event', 'not json');
    await admin.xadd(key, '*', 'event', JSON.stringify({ type: 'NoSuchEvent' }));
    await admin.xadd(key, '*', 'event', JSON.stringify(logEvent('another-workflow', 1)));
    await admin.xadd(key, '*', 'other', 'field');
    const last = await bus.publish(logEvent(workflowId, 2));
    expect(ids(await bus.read(workflowId, null, 10))).toEqual([first.id, last.id]);
    expect(warnings).toHaveLength(4);
    const replay = reader(
      await bus.subscribe(workflowId, { position: { kind: 'after', cursor: null } }),
    );
    expect(ids(await replay.take(2))).toEqual([first.id, last.id]);
  });

  it('replays past a whole page of invalid entries', async () => {
    const { bus, options } = open({ replayPageSize: 3 });
    const workflowId = newWorkflowId();
    for (let n = 0; n < 7; n++)
      await admin.xadd(`${options.prefix}:events:${workflowId}`, '*', 'event', '{}');
    const valid = await bus.publish(logEvent(workflowId, 0));
    const replay = reader(
      await bus.subscribe(workflowId, { position: { kind: 'after', cursor: null } }),
    );
    expect((await replay.next()).id).toBe(valid.id);
  });

  it('drops and logs live messages that are not valid events', async () => {
    const { logger, warnings } = recordingLogger();
    const { bus, options } = open({ logger });
    const workflowId = newWorkflowId();
    const live = reader(await bus.subscribe(workflowId, { position: { kind: 'live' } }));
    const channel = `${options.prefix}:events-live:${workflowId}`;
    await admin.publish(channel, 'not json');
    await admin.publish(channel, JSON.stringify({ id: 'nope', event: logEvent(workflowId, 0) }));
    await admin.publish(channel, JSON.stringify({ id: '1-1', event: { type: 'LogEvent' } }));
    const valid = await bus.publish(logEvent(workflowId, 1));
    expect((await live.next()).id).toBe(valid.id);
    expect(warnings).toHaveLength(3);
  });

  it('shares one Redis subscription per workflow and releases it when the last subscriber ends', async () => {
    const { bus, options } = open();
    const workflowId = newWorkflowId();
    const channel = `${options.prefix}:events-live:${workflowId}`;
    await bus.publish(logEvent(workflowId, 0));
    const controller = new AbortController();
    const subscriptions = await Promise.all(
      Array.from({ length: 30 }, (_, n) =>
        bus.subscribe(workflowId, {
          position: n % 2 === 0 ? { kind: 'live' } : { kind: 'after', cursor: null },
          signal: n % 3 === 0 ? controller.signal : undefined,
        }),
      ),
    );
    expect(await admin.pubsub('NUMSUB', channel)).toEqual([channel, 1]);
    expect(bus.stats()).toEqual({ channels: 1, subscribers: 30 });

    // Every subscriber has an event to read before it breaks out of its loop.
    await bus.publish(logEvent(workflowId, 1));
    controller.abort();
    for (const [n, subscription] of subscriptions.entries()) {
      if (n % 3 === 0) continue;
      if (n % 3 === 1) await subscription.close();
      else for await (const _ of subscription) break;
    }
    expect(bus.stats()).toEqual({ channels: 0, subscribers: 0 });
    // The subscriber connection answers in order: after its PING, the UNSUBSCRIBE has taken effect.
    await bus.ping();
    expect(await admin.pubsub('NUMSUB', channel)).toEqual([channel, 0]);
  });

  it('delivers the events published while its subscriber connection was down', async () => {
    const { bus, options } = open();
    const workflowId = newWorkflowId();
    const live = reader(await bus.subscribe(workflowId, { position: { kind: 'live' } }));
    const before = await bus.publish(logEvent(workflowId, 0));
    expect((await live.next()).id).toBe(before.id);

    const name = `${options.prefix}:events:subscriber`;
    const clients = ((await admin.client('LIST')) as string)
      .split('\n')
      .map(
        (line) => new Map(line.split(' ').map((pair) => pair.split('=', 2) as [string, string])),
      );
    const subscriberId = clients.find((client) => client.get('name') === name)?.get('id');
    expect(subscriberId).toBeDefined();
    await admin.client('KILL', 'ID', subscriberId!);
    const missed: string[] = [];
    for (let n = 1; n <= 5; n++) missed.push((await bus.publish(logEvent(workflowId, n))).id);

    expect(ids(await live.take(5))).toEqual(missed);
    const after = await bus.publish(logEvent(workflowId, 6));
    expect((await live.next()).id).toBe(after.id);
  });

  it('rejects impossible options when it is created', () => {
    expect(() => createRedisEventBus({ redis: redisUrl, prefix: '' })).toThrow(RangeError);
    for (const bad of [
      { retentionSeconds: 0 },
      { maxLen: 0 },
      { maxBufferedEvents: 0 },
      { replayPageSize: 1.5 },
    ]) {
      expect(() => createRedisEventBus({ redis: redisUrl, prefix: 'p', ...bad })).toThrow(
        RangeError,
      );
    }
  });
});
