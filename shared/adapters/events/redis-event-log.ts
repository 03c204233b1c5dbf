import type { Redis } from 'ioredis';
import { z } from 'zod';
import { type NewWorkflowEvent, newEventSchema, type WorkflowEvent } from '../../domain/events.ts';
import { cursorKey, isLastPossibleKey } from './cursor.ts';
import type { EventBusLogger } from './event-bus-options.ts';
import { approximateJsonBytes } from './event-size.ts';
import type { Delivery, ReplayPage } from './event-stream.ts';

/** The stream entry field that holds the event's JSON. */
const EVENT_FIELD = 'event';

/**
 * Appends the event to the workflow's stream and publishes it with the id Redis assigned, in one
 * atomic step: no other publish can slip between the XADD and the PUBLISH, so live order equals
 * replay order. The live payload is built by concatenation because cjson would turn the event's
 * empty arrays into objects (and back) and re-encode its strings.
 *
 * KEYS[1] the workflow's stream; KEYS[2] the event's once-key (KEYS[1] again without one);
 * ARGV[1] the event as JSON; ARGV[2] retention in milliseconds; ARGV[3] approximate MAXLEN, '0'
 * for none; ARGV[4] the workflow's live channel; ARGV[5] '1' when KEYS[2] is a once-key. A
 * once-key holds the id of the event published with it and expires with the stream, so an event
 * published again with the same key returns that id instead of appearing twice.
 */
const PUBLISH_SCRIPT = `
if ARGV[5] == '1' then
  local earlier = redis.call('GET', KEYS[2])
  if earlier then return earlier end
end
local id
if ARGV[3] ~= '0' then
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*', '${EVENT_FIELD}', ARGV[1])
else
  id = redis.call('XADD', KEYS[1], '*', '${EVENT_FIELD}', ARGV[1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if ARGV[5] == '1' then redis.call('SET', KEYS[2], id, 'PX', ARGV[2]) end
redis.call('PUBLISH', ARGV[4], '{"id":"' .. id .. '","event":' .. ARGV[1] .. '}')
return id
`;

/**
 * A page of the replay log of at most ARGV[3] bytes of event JSON — but at least one entry — so
 * that a replaying subscriber never holds more than its byte limit of events at once, however
 * large the events. KEYS[1] the stream; ARGV[1] the XRANGE start; ARGV[2] most entries; ARGV[3]
 * the byte budget. Returns the entries, and 1 when entries were left out for the budget.
 */
const READ_PAGE_SCRIPT = `
local entries = redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', ARGV[2])
local budget = tonumber(ARGV[3])
local total = 0
for i = 1, #entries do
  local fields = entries[i][2]
  for j = 2, #fields, 2 do total = total + #fields[j] end
  if total > budget and i > 1 then
    local page = {}
    for k = 1, i - 1 do page[k] = entries[k] end
    return {page, 1}
  end
end
return {entries, 0}
`;

type StreamEntry = [id: string, fields: string[]];

interface ScriptedRedis extends Redis {
  agentgateReadWorkflowEvents(
    streamKey: string,
    start: string,
    count: string,
    maxBytes: string,
  ): Promise<[StreamEntry[], 0 | 1]>;
  agentgatePublishWorkflowEvent(
    streamKey: string,
    onceKey: string,
    eventJson: string,
    retentionMs: string,
    maxLen: string,
    channel: string,
    hasOnce: '0' | '1',
  ): Promise<string>;
}

// The envelope only; toDelivery validates the event itself.
const liveMessageSchema = z.object({ id: z.string(), event: z.unknown() });

export interface RedisEventLogOptions {
  /** The connection for commands (not the subscriber). */
  client: Redis;
  prefix: string;
  retentionSeconds: number;
  maxLen: number | undefined;
  logger: EventBusLogger;
}

/** The replay log: one Redis Stream per workflow, whose entry ids are the event cursors. */
export interface RedisEventLog {
  channel(workflowId: string): string;
  streamKey(workflowId: string): string;
  /**
   * Appends and publishes the event; resolves with its cursor. With `once`, an event already
   * appended with that key is not appended again: its cursor is returned.
   */
  append(event: NewWorkflowEvent, once?: string): Promise<string>;
  /**
   * Up to `count` entries after `cursor` (exclusive; null: from the first), invalid ones dropped;
   * with `maxBytes`, only as many as fit that many bytes of event JSON (at least one).
   */
  readPage(
    workflowId: string,
    cursor: string | null,
    count: number,
    maxBytes?: number,
  ): Promise<ReplayPage>;
  /** The id of the newest entry, or null when the stream is empty or gone. */
  lastId(workflowId: string): Promise<string | null>;
  forget(workflowId: string): Promise<void>;
  /** Validates a message from the live channel; null (and a warning) when it is not an event. */
  decodeLiveMessage(workflowId: string, message: unknown): Delivery | null;
}

export function createRedisEventLog(options: RedisEventLogOptions): RedisEventLog {
  const { prefix, logger } = options;
  const retentionMs = String(Math.round(options.retentionSeconds * 1000));
  const maxLen = String(options.maxLen ?? 0);
  const client = options.client as ScriptedRedis;
  client.defineCommand('agentgatePublishWorkflowEvent', { numberOfKeys: 2, lua: PUBLISH_SCRIPT });
  client.defineCommand('agentgateReadWorkflowEvents', { numberOfKeys: 1, lua: READ_PAGE_SCRIPT });

  const streamKey = (workflowId: string) => `${prefix}:events:${workflowId}`;
  const channel = (workflowId: string) => `${prefix}:events-live:${workflowId}`;

  // Redis is a trust boundary: whatever comes back is validated before anyone sees it.
  function toDelivery(
    workflowId: string,
    id: string,
    data: unknown,
    source: 'stream' | 'channel',
    /** The size of the event's JSON when known; estimated from the event otherwise. */
    bytes?: number,
  ): Delivery | null {
    const key = cursorKey(id);
    const parsed = newEventSchema.safeParse(data);
    if (key !== null && parsed.success && parsed.data.workflowId === workflowId) {
      const event: WorkflowEvent = { ...parsed.data, id };
      return { event, key, bytes: bytes ?? approximateJsonBytes(event) };
    }
    logger.warn(
      {
        workflowId,
        id,
        source,
        issues: parsed.success ? [{ message: 'wrong id or workflow' }] : parsed.error.issues,
      },
      'Dropped an invalid event read back from Redis.',
    );
    return null;
  }

  function decodeEntry(workflowId: string, id: string, fields: string[]): Delivery | null {
    let data: unknown;
    let bytes: number | undefined;
    for (let i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i] !== EVENT_FIELD) continue;
      const json = fields[i + 1]!;
      bytes = Buffer.byteLength(json);
      try {
        data = JSON.parse(json);
      } catch {
        data = undefined;
      }
      break;
    }
    return toDelivery(workflowId, id, data, 'stream', bytes);
  }

  return {
    channel,
    streamKey,

    append(event, once) {
      const stream = streamKey(event.workflowId);
      return client.agentgatePublishWorkflowEvent(
        stream,
        once === undefined ? stream : `${prefix}:events-once:${event.workflowId}:${once}`,
        JSON.stringify(event),
        retentionMs,
        maxLen,
        channel(event.workflowId),
        once === undefined ? '0' : '1',
      );
    },

    async readPage(workflowId, cursor, count, maxBytes) {
      // Nothing can follow the largest id, and Redis rejects it as an exclusive start.
      if (cursor !== null && isLastPossibleKey(cursorKey(cursor)!)) {
        return { deliveries: [], next: cursor, exhausted: true };
      }
      const start = cursor === null ? '-' : `(${cursor}`;
      let entries: StreamEntry[];
      let cut = false;
      if (maxBytes === undefined) {
        entries = await client.xrange(streamKey(workflowId), start, '+', 'COUNT', count);
      } else {
        const [page, leftOut] = await client.agentgateReadWorkflowEvents(
          streamKey(workflowId),
          start,
          String(count),
          String(maxBytes),
        );
        entries = page;
        cut = leftOut === 1;
      }
      const deliveries: Delivery[] = [];
      for (const [id, fields] of entries) {
        const delivery = decodeEntry(workflowId, id, fields);
        if (delivery) deliveries.push(delivery);
      }
      return {
        deliveries,
        next: entries.at(-1)?.[0] ?? cursor,
        exhausted: !cut && entries.length < count,
      };
    },

    async lastId(workflowId) {
      const entries = await client.xrevrange(streamKey(workflowId), '+', '-', 'COUNT', 1);
      return entries[0]?.[0] ?? null;
    },

    async forget(workflowId) {
      await client.del(streamKey(workflowId));
    },

    decodeLiveMessage(workflowId, message) {
      const parsed = liveMessageSchema.safeParse(message);
      if (!parsed.success) {
        logger.warn(
          { workflowId, source: 'channel', issues: parsed.error.issues },
          'Dropped an invalid message from the live channel.',
        );
        return null;
      }
      return toDelivery(workflowId, parsed.data.id, parsed.data.event, 'channel');
    },
  };
}
