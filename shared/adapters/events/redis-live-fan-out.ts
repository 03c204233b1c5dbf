import type { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Redis } from 'ioredis';
import { SlowConsumerError } from '../../ports/event-bus.ts';
import { BEFORE_FIRST_KEY, cursorKey } from './cursor.ts';
import type { EventBusLogger } from './event-bus-options.ts';
import type { Delivery, EventStream } from './event-stream.ts';
import type { RedisEventLog } from './redis-event-log.ts';

/** One workflow's live feed on this gateway: a single RedisPubSub subscription for all its streams. */
interface LiveChannel {
  readonly workflowId: string;
  readonly streams: Set<EventStream>;
  /** Resolves once Redis has confirmed the SUBSCRIBE and the stream's newest id is known. */
  ready: Promise<void>;
  subscriptionId: number | null;
  attached: boolean;
  disposed: boolean;
  /** The newest event dispatched (or the stream's newest at attach): a reconnect's gap starts after it. */
  resumeId: string | null;
  resumeKey: bigint;
  /** Non-null while the subscriber connection is lost or its gap is being filled: live events wait. */
  held: Delivery[] | null;
  /** Bytes of the held events. */
  heldBytes: number;
}

export interface LiveFanOutOptions {
  pubsub: RedisPubSub;
  /** The pub/sub connection, watched for reconnects. */
  subscriber: Redis;
  log: RedisEventLog;
  replayPageSize: number;
  /** Live events held while a gap is filled before every stream of the channel is failed. */
  maxBufferedEvents: number;
  /** Bytes of held live events past which every stream of the channel is failed; also the byte budget of a gap page. */
  maxBufferedBytes: number;
  logger: EventBusLogger;
}

/** Fans each workflow's live channel out to the streams subscribed to it on this gateway. */
export interface LiveFanOut {
  /** Attaches the stream to its workflow's channel; resolves once live events reach it. */
  join(workflowId: string, stream: EventStream): Promise<void>;
  /** Ends every stream, which releases every channel. */
  close(): void;
  stats(): { channels: number; subscribers: number };
}

/**
 * Thousands of subscribers of one workflow share one RedisPubSub subscription (one Redis SUBSCRIBE)
 * and each message is validated once. When the subscriber connection drops, ioredis reconnects and
 * resubscribes, but whatever was published meanwhile never arrives: each channel then holds its
 * live events, reads the gap from the stream after the last id it dispatched, and releases the
 * held events after it, so subscribers see no gap across a reconnect.
 */
export function createLiveFanOut(options: LiveFanOutOptions): LiveFanOut {
  const { pubsub, subscriber, log, logger } = options;
  const channels = new Map<string, LiveChannel>();
  /** Counts lost subscriber connections, so a gap fill overtaken by another loss leaves its hold on. */
  let connectionLosses = 0;

  function dispatch(channel: LiveChannel, delivery: Delivery): void {
    if (delivery.key <= channel.resumeKey) return;
    channel.resumeKey = delivery.key;
    channel.resumeId = delivery.event.id;
    for (const stream of channel.streams) stream.deliver(delivery);
  }

  function onMessage(channel: LiveChannel, message: unknown): void {
    if (channel.disposed) return;
    const delivery = log.decodeLiveMessage(channel.workflowId, message);
    if (!delivery) return;
    if (channel.held === null) {
      dispatch(channel, delivery);
      return;
    }
    channel.held.push(delivery);
    channel.heldBytes += delivery.bytes;
    if (channel.held.length > options.maxBufferedEvents) {
      failAll(channel, new SlowConsumerError(options.maxBufferedEvents, 'events'));
    } else if (channel.heldBytes > options.maxBufferedBytes) {
      failAll(channel, new SlowConsumerError(options.maxBufferedBytes, 'bytes'));
    }
  }

  function failAll(channel: LiveChannel, error: unknown): void {
    for (const stream of channel.streams) stream.fail(error);
  }

  function dispose(channel: LiveChannel): void {
    if (channel.disposed) return;
    channel.disposed = true;
    channel.held = null;
    if (channels.get(channel.workflowId) === channel) channels.delete(channel.workflowId);
    if (channel.subscriptionId !== null) pubsub.unsubscribe(channel.subscriptionId);
  }

  async function attach(channel: LiveChannel): Promise<void> {
    try {
      const subscriptionId = await pubsub.subscribe(log.channel(channel.workflowId), (message) =>
        onMessage(channel, message),
      );
      if (channel.disposed) {
        // The bus closed while the SUBSCRIBE was in flight.
        pubsub.unsubscribe(subscriptionId);
        return;
      }
      channel.subscriptionId = subscriptionId;
      const lossesAtSubscribe = connectionLosses;
      const newest = await log.lastId(channel.workflowId);
      const newestKey =
        newest === null ? BEFORE_FIRST_KEY : (cursorKey(newest) ?? BEFORE_FIRST_KEY);
      if (newestKey > channel.resumeKey) {
        channel.resumeKey = newestKey;
        channel.resumeId = newest;
      }
      channel.attached = true;
      if (connectionLosses !== lossesAtSubscribe && channel.held === null) {
        // The connection dropped between the SUBSCRIBE and now: fill that gap like any other.
        channel.held = [];
        channel.heldBytes = 0;
        if (subscriber.status === 'ready') void fillGaps();
      }
    } catch (error) {
      dispose(channel);
      throw error;
    }
    // Every stream may have left (aborted) while the SUBSCRIBE was in flight.
    if (channel.streams.size === 0) dispose(channel);
  }

  async function fillGap(channel: LiveChannel, lossesBefore: number): Promise<void> {
    let cursor = channel.resumeId;
    for (;;) {
      const page = await log.readPage(
        channel.workflowId,
        cursor,
        options.replayPageSize,
        options.maxBufferedBytes,
      );
      if (channel.disposed) return;
      for (const delivery of page.deliveries) dispatch(channel, delivery);
      cursor = page.next;
      if (page.exhausted) break;
    }
    // Lost again meanwhile: keep holding; the next reconnect fills on from here.
    if (connectionLosses !== lossesBefore || channel.held === null) return;
    const held = channel.held;
    channel.held = null;
    channel.heldBytes = 0;
    for (const delivery of held) dispatch(channel, delivery);
  }

  async function fillGaps(): Promise<void> {
    const lossesBefore = connectionLosses;
    const gapped = [...channels.values()].filter((channel) => channel.held !== null);
    if (gapped.length === 0) return;
    try {
      // Replies arrive in order: once PING answers, ioredis's resubscribe has taken effect, so
      // everything published from now on arrives live and the gap read below closes the hole.
      await subscriber.ping();
    } catch (error) {
      logger.error({ err: error }, 'Could not confirm the resubscribe; waiting for a reconnect.');
      return;
    }
    await Promise.all(
      gapped.map((channel) =>
        fillGap(channel, lossesBefore).catch((error: unknown) => {
          logger.error(
            { err: error, workflowId: channel.workflowId },
            'Could not read the events missed while disconnected; ending the subscriptions.',
          );
          failAll(channel, error);
        }),
      ),
    );
  }

  subscriber.on('close', () => {
    connectionLosses += 1;
    for (const channel of channels.values()) {
      if (channel.attached && !channel.disposed && channel.held === null) {
        channel.held = [];
        channel.heldBytes = 0;
      }
    }
  });
  subscriber.on('ready', () => {
    void fillGaps();
  });

  return {
    join(workflowId, stream) {
      let channel = channels.get(workflowId);
      if (!channel) {
        const created: LiveChannel = {
          workflowId,
          streams: new Set(),
          ready: Promise.resolve(),
          subscriptionId: null,
          attached: false,
          disposed: false,
          resumeId: null,
          resumeKey: BEFORE_FIRST_KEY,
          held: null,
          heldBytes: 0,
        };
        channels.set(workflowId, created);
        created.ready = attach(created);
        channel = created;
      }
      const joined = channel;
      joined.streams.add(stream);
      stream.onDetach(() => {
        joined.streams.delete(stream);
        if (joined.streams.size === 0 && joined.attached) dispose(joined);
      });
      return joined.ready;
    },

    close() {
      for (const channel of [...channels.values()]) {
        for (const stream of [...channel.streams]) void stream.close();
        dispose(channel);
      }
    },

    stats() {
      let subscribers = 0;
      for (const channel of channels.values()) subscribers += channel.streams.size;
      return { channels: channels.size, subscribers };
    },
  };
}
