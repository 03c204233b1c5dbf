import type { WorkflowEvent } from '../../domain/events.ts';
import type { EventBus, EventSubscription } from '../../ports/event-bus.ts';
import { BEFORE_FIRST_KEY, createCursorClock, cursorKey, parseClientCursor } from './cursor.ts';
import {
  assertInteger,
  assertPositive,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_BUFFERED_EVENTS,
  DEFAULT_REPLAY_PAGE_SIZE,
  DEFAULT_RETENTION_SECONDS,
} from './event-bus-options.ts';
import type { EventJournal, JournalEntry } from './event-journal.ts';
import { type Delivery, EventStream, type ReplayPage } from './event-stream.ts';

/** Events kept per workflow by default; the oldest are dropped past it. */
export const DEFAULT_MAX_EVENTS_PER_WORKFLOW = 10_000;

export interface InProcessEventBusOptions {
  /** Seconds a workflow's replay log is kept after its last event (may be fractional). Default 86400 (24 h). */
  retentionSeconds?: number;
  /** Events kept per workflow; publishing past it drops the oldest. Default 10000. */
  maxEventsPerWorkflow?: number;
  /**
   * Live events one subscriber may fall behind by; past it its iteration throws
   * `SlowConsumerError` and its buffer is released. Default 10000.
   */
  maxBufferedEvents?: number;
  /**
   * Bytes of live events (their JSON) one subscriber may fall behind by; past it its iteration
   * throws `SlowConsumerError` and its buffer is released. Default 4 MiB.
   */
  maxBufferedBytes?: number;
  /** Events handed to a replaying subscriber per step. Default 500. */
  replayPageSize?: number;
  /** The clock, in epoch milliseconds, for retention and cursors. Default `Date.now`. */
  now?: () => number;
  /**
   * Where the logs outlive the process (the embedded mode: `DATA_DIR/events`): every event is
   * written before it is delivered, and the logs found there are loaded when the bus is created,
   * with the same retention and per-workflow bound. Absent: memory only.
   */
  journal?: EventJournal;
}

/** The in-process event bus, plus counters for metrics and tests. */
export interface InProcessEventBus extends EventBus {
  /** Workflows with a retained log, and live subscriptions. */
  stats(): { workflows: number; subscribers: number };
}

interface WorkflowLog {
  /** Retained events oldest first, from `head` on (dropped ones are compacted away lazily). */
  entries: Delivery[];
  head: number;
  lastPublishedAt: number;
  /** Cursors of the events published with a `once` key, by key; they live as long as the log. */
  once: Map<string, string>;
}

/** A log's retained entries as the journal keeps them, `once` keys included. */
function journalEntries(log: WorkflowLog): JournalEntry[] {
  const onceOf = new Map([...log.once].map(([key, id]) => [id, key]));
  return log.entries.slice(log.head).map(({ event }) => {
    const once = onceOf.get(event.id);
    return once === undefined ? { event } : { event, once };
  });
}

/**
 * A delivery with an event object of its own: what consumers attach to an event they were handed
 * (the gateway caches each event's encoded SSE frames on it) then lives as long as their streams
 * hold it, as with the Redis bus, not as long as the log retains the event (24 h by default).
 */
function handedOut(delivery: Delivery): Delivery {
  return { ...delivery, event: { ...delivery.event } };
}

/**
 * The event bus of the embedded mode: a replay log per workflow in memory, with the same cursors,
 * retention and subscriber limits as the Redis bus. Publishing only appends to each subscriber's
 * buffer, so a slow subscriber never blocks the publisher; it falls behind until it is cut off.
 */
export function createInProcessEventBus(options: InProcessEventBusOptions = {}): InProcessEventBus {
  const retentionSeconds = options.retentionSeconds ?? DEFAULT_RETENTION_SECONDS;
  const maxEventsPerWorkflow = options.maxEventsPerWorkflow ?? DEFAULT_MAX_EVENTS_PER_WORKFLOW;
  const maxBufferedEvents = options.maxBufferedEvents ?? DEFAULT_MAX_BUFFERED_EVENTS;
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const replayPageSize = options.replayPageSize ?? DEFAULT_REPLAY_PAGE_SIZE;
  assertPositive('retentionSeconds', retentionSeconds);
  assertInteger('maxEventsPerWorkflow', maxEventsPerWorkflow, 1);
  assertInteger('maxBufferedEvents', maxBufferedEvents, 1);
  assertInteger('maxBufferedBytes', maxBufferedBytes, 1);
  assertInteger('replayPageSize', replayPageSize, 1);
  const retentionMs = retentionSeconds * 1000;
  const now = options.now ?? Date.now;
  const { journal } = options;
  /** In order of last publish, so expired logs are found at the front. */
  const logs = new Map<string, WorkflowLog>();
  // The journal's logs come back as they were; new cursors continue after the newest of them.
  let newestKey = BEFORE_FIRST_KEY;
  for (const found of journal?.load(retentionMs, maxEventsPerWorkflow, now()) ?? []) {
    const log: WorkflowLog = {
      entries: [],
      head: 0,
      lastPublishedAt: found.lastPublishedAt,
      once: new Map(),
    };
    for (const { event, once } of found.entries) {
      const key = cursorKey(event.id);
      if (key === null) continue;
      if (key > newestKey) newestKey = key;
      log.entries.push({ event, key, bytes: Buffer.byteLength(JSON.stringify(event)) });
      if (once !== undefined) log.once.set(once, event.id);
    }
    logs.set(found.workflowId, log);
  }
  const nextCursor = createCursorClock(now, newestKey);
  const subscribers = new Map<string, Set<EventStream>>();
  let closed = false;

  const isExpired = (log: WorkflowLog, at: number) => at - log.lastPublishedAt >= retentionMs;

  function drop(workflowId: string): void {
    logs.delete(workflowId);
    journal?.forget(workflowId);
  }

  function retainedLog(workflowId: string): WorkflowLog | undefined {
    const log = logs.get(workflowId);
    if (log && isExpired(log, now())) {
      drop(workflowId);
      return undefined;
    }
    return log;
  }

  function pruneExpired(at: number): void {
    for (const [workflowId, log] of logs) {
      if (!isExpired(log, at)) break;
      drop(workflowId);
    }
  }

  /** Index of the first retained entry after `key`. */
  function indexAfter(log: WorkflowLog, key: bigint): number {
    let low = log.head;
    let high = log.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (log.entries[middle]!.key <= key) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  function readPage(workflowId: string, cursor: string | null, count: number): ReplayPage {
    const log = retainedLog(workflowId);
    if (!log) return { deliveries: [], next: cursor, exhausted: true };
    const start = cursor === null ? log.head : indexAfter(log, parseClientCursor(cursor));
    const end = Math.min(start + count, log.entries.length);
    const deliveries = log.entries.slice(start, end).map(handedOut);
    return {
      deliveries,
      next: deliveries.at(-1)?.event.id ?? cursor,
      exhausted: end >= log.entries.length,
    };
  }

  function assertOpen(): void {
    if (closed) throw new Error('The event bus is closed.');
  }

  return {
    async publish(event, publishOptions) {
      assertOpen();
      const at = now();
      pruneExpired(at);
      const once = publishOptions?.once;
      const earlier =
        once === undefined ? undefined : retainedLog(event.workflowId)?.once.get(once);
      if (earlier !== undefined) return { ...event, id: earlier };
      const { id, key } = nextCursor();
      // Stored as Redis would store it (JSON), so the embedded mode behaves like the distributed
      // one and later changes to the caller's object never reach the log.
      const json = JSON.stringify(event);
      const stored: WorkflowEvent = { ...JSON.parse(json), id };
      const log = retainedLog(event.workflowId) ?? {
        entries: [],
        head: 0,
        lastPublishedAt: at,
        once: new Map<string, string>(),
      };
      // Why before delivery: an event a client saw is in the replay log after a crash.
      journal?.append(
        event.workflowId,
        once === undefined ? { event: stored } : { event: stored, once },
      );
      if (once !== undefined) log.once.set(once, id);
      log.lastPublishedAt = at;
      logs.delete(event.workflowId);
      logs.set(event.workflowId, log);
      const delivery: Delivery = { event: stored, key, bytes: Buffer.byteLength(json) };
      log.entries.push(delivery);
      if (log.entries.length - log.head > maxEventsPerWorkflow) {
        log.head += 1;
        if (log.head * 2 >= log.entries.length) {
          log.entries = log.entries.slice(log.head);
          log.head = 0;
          // The file drops what memory dropped, as often as memory compacts.
          journal?.rewrite(event.workflowId, journalEntries(log));
        }
      }
      // The cursor was assigned and the event appended in this same synchronous step, so live
      // order equals replay order.
      const live = handedOut(delivery);
      for (const stream of subscribers.get(event.workflowId) ?? []) stream.deliver(live);
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
      assertOpen();
      const stream = new EventStream({
        replayAfter,
        maxBufferedEvents,
        maxBufferedBytes,
        signal,
        fetchPage: async (cursor) => readPage(workflowId, cursor, replayPageSize),
      });
      let streams = subscribers.get(workflowId);
      if (!streams) {
        streams = new Set();
        subscribers.set(workflowId, streams);
      }
      const joined = streams;
      joined.add(stream);
      stream.onDetach(() => {
        joined.delete(stream);
        if (joined.size === 0 && subscribers.get(workflowId) === joined) {
          subscribers.delete(workflowId);
        }
      });
      return stream;
    },

    async read(workflowId, cursor, limit) {
      if (cursor !== null) parseClientCursor(cursor);
      assertInteger('limit', limit, 0);
      return readPage(workflowId, cursor, limit).deliveries.map((delivery) => delivery.event);
    },

    async lastCursor(workflowId) {
      const log = retainedLog(workflowId);
      return log?.entries.at(-1)?.event.id ?? null;
    },

    async forget(workflowId) {
      drop(workflowId);
    },

    async ping() {
      assertOpen();
    },

    stats() {
      let count = 0;
      for (const streams of subscribers.values()) count += streams.size;
      return { workflows: logs.size, subscribers: count };
    },

    async close() {
      closed = true;
      for (const streams of [...subscribers.values()]) {
        for (const stream of [...streams]) await stream.close();
      }
      logs.clear();
    },
  };
}
