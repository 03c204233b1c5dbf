import { RedisPubSub } from 'graphql-redis-subscriptions';
import { Redis, type RedisOptions } from 'ioredis';
import type { EventBus, EventSubscription } from '../../ports/event-bus.ts';
import { BEFORE_FIRST_KEY, cursorKey, parseClientCursor } from './cursor.ts';
import {
  assertInteger,
  assertPositive,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_BUFFERED_EVENTS,
  DEFAULT_REPLAY_PAGE_SIZE,
  DEFAULT_RETENTION_SECONDS,
  type EventBusLogger,
  stderrEventBusLogger,
} from './event-bus-options.ts';
import { EventStream } from './event-stream.ts';
import { createRedisEventLog } from './redis-event-log.ts';
import { createLiveFanOut } from './redis-live-fan-out.ts';

export interface RedisEventBusOptions {
  /**
   * Redis to use: a `redis://` URL or ioredis options (without `keyPrefix`; use `prefix`). The bus
   * opens two connections from it: one for commands and publishing, one for subscribing.
   */
  redis: RedisOptions | string;
  /**
   * Prefix of every key and channel: a workflow's replay log is the stream
   * `${prefix}:events:${workflowId}`, its live channel `${prefix}:events-live:${workflowId}`.
   */
  prefix: string;
  /** Seconds a workflow's replay log is kept after its last event (may be fractional). Default 86400 (24 h). */
  retentionSeconds?: number;
  /**
   * Approximate cap on the entries of one workflow's replay log (`XADD MAXLEN ~`; Redis trims in
   * whole nodes, so a few more may be kept). Default: none, only retention bounds it.
   */
  maxLen?: number;
  /**
   * Live events one subscriber may fall behind by; past it its iteration throws
   * `SlowConsumerError` and its buffer is released. Default 10000.
   */
  maxBufferedEvents?: number;
  /**
   * Bytes of live events one subscriber may fall behind by; past it its iteration throws
   * `SlowConsumerError` and its buffer is released. Also the most bytes of events one replay page
   * (or one reconnect's held events) holds. Default 4 MiB.
   */
  maxBufferedBytes?: number;
  /** Events read per XRANGE while a subscriber replays. Default 500. */
  replayPageSize?: number;
  /** Where invalid events read back from Redis and connection errors go. Default: stderr. */
  logger?: EventBusLogger;
}

/** The Redis event bus, plus counters for metrics and tests. */
export interface RedisEventBus extends EventBus {
  /** Workflows with a live channel on this gateway, and the subscriptions attached to them. */
  stats(): { channels: number; subscribers: number };
}

/**
 * The event bus of the distributed mode. Each workflow's replay log is a Redis Stream whose entry
 * ids are the cursors; a Lua script appends and publishes in one atomic step; live events fan out
 * through graphql-redis-subscriptions, one Redis subscription per workflow per gateway.
 */
export function createRedisEventBus(options: RedisEventBusOptions): RedisEventBus {
  const { prefix } = options;
  if (prefix === '') throw new RangeError('prefix must be non-empty.');
  const retentionSeconds = options.retentionSeconds ?? DEFAULT_RETENTION_SECONDS;
  const maxBufferedEvents = options.maxBufferedEvents ?? DEFAULT_MAX_BUFFERED_EVENTS;
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const replayPageSize = options.replayPageSize ?? DEFAULT_REPLAY_PAGE_SIZE;
  assertPositive('retentionSeconds', retentionSeconds);
  // PEXPIRE takes whole milliseconds; anything shorter would expire the log at once.
  if (retentionSeconds < 0.001) throw new RangeError('retentionSeconds must be >= 0.001.');
  if (options.maxLen !== undefined) assertInteger('maxLen', options.maxLen, 1);
  assertInteger('maxBufferedEvents', maxBufferedEvents, 1);
  assertInteger('maxBufferedBytes', maxBufferedBytes, 1);
  assertInteger('replayPageSize', replayPageSize, 1);
  const logger = options.logger ?? stderrEventBusLogger;

  function connect(role: 'commands' | 'subscriber'): Redis {
    // A connection name shows up in CLIENT LIST; keep it to the characters Redis accepts.
    const connectionName = `${prefix}:events:${role}`.replace(/[^\w:.-]/g, '_');
    // Not auto-pipelined: measured at 500 concurrent streaming runs, it saved Redis CPU but not
    // worker CPU, and raised the worker's peak RSS from ~210 to ~305 MB (BENCHMARKS.md).
    const redis =
      typeof options.redis === 'string'
        ? new Redis(options.redis, { connectionName })
        : new Redis({ connectionName, ...options.redis });
    redis.on('error', (error) =>
      logger.error({ err: error, role }, 'Event bus Redis error; ioredis reconnects by itself.'),
    );
    return redis;
  }

  const client = connect('commands');
  const subscriber = connect('subscriber');
  const pubsub = new RedisPubSub({ publisher: client, subscriber });
  const log = createRedisEventLog({
    client,
    prefix,
    retentionSeconds,
    maxLen: options.maxLen,
    logger,
  });
  const fanOut = createLiveFanOut({
    pubsub,
    subscriber,
    log,
    replayPageSize,
    maxBufferedEvents,
    maxBufferedBytes,
    logger,
  });
  let closing: Promise<void> | null = null;

  async function closeConnection(redis: Redis): Promise<void> {
    // QUIT would wait for a reconnect that may never come; a connection that is not ready has
    // nothing to flush, so it is dropped instead.
    if (redis.status === 'ready') await redis.quit();
    else redis.disconnect();
  }

  return {
    async publish(event, publishOptions) {
      const id = await log.append(event, publishOptions?.once);
      return { ...event, id };
    },

    async subscribe(workflowId, { position, signal }): Promise<EventSubscription> {
      const replayAfter =
        position.kind === 'live'
          ? undefined
          : {
              cursor: position.cursor,
              key: position.cursor === null ? BEFORE_FIRST_KEY : parseClientCursor(position.cursor),
            };
      if (closing) throw new Error('The event bus is closed.');
      const stream = new EventStream({
        replayAfter,
        maxBufferedEvents,
        maxBufferedBytes,
        signal,
        fetchPage: (cursor) => log.readPage(workflowId, cursor, replayPageSize, maxBufferedBytes),
      });
      try {
        // The live listener is attached before anything is replayed: no gap (ARCHITECTURE.md).
        await fanOut.join(workflowId, stream);
        if (!replayAfter) {
          // Live only: what was appended before now may still be on its way; it is not "after".
          const newest = await log.lastId(workflowId);
          if (newest !== null) stream.raiseFloor(cursorKey(newest) ?? BEFORE_FIRST_KEY);
        }
      } catch (error) {
        await stream.close();
        throw error;
      }
      return stream;
    },

    async read(workflowId, cursor, limit) {
      if (cursor !== null) parseClientCursor(cursor);
      assertInteger('limit', limit, 0);
      if (limit === 0) return [];
      const page = await log.readPage(workflowId, cursor, limit);
      return page.deliveries.map((delivery) => delivery.event);
    },

    lastCursor(workflowId) {
      return log.lastId(workflowId);
    },

    forget(workflowId) {
      return log.forget(workflowId);
    },

    async ping() {
      // The subscriber's PING also confirms it: live events depend on it as much as on the other.
      await Promise.all([client.ping(), subscriber.ping()]);
    },

    stats() {
      return fanOut.stats();
    },

    close() {
      closing ??= (async () => {
        fanOut.close();
        await Promise.all([closeConnection(client), closeConnection(subscriber)]);
      })();
      return closing;
    },
  };
}
