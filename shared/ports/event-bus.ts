import type { NewWorkflowEvent, WorkflowEvent } from '../domain/events.ts';

/** Where a subscription starts. */
export type SubscribePosition =
  /** Only events published after the subscription is attached. */
  | { kind: 'live' }
  /** Every retained event with a cursor greater than `cursor` (null: from the first retained). */
  | { kind: 'after'; cursor: string | null };

export interface PublishOptions {
  /**
   * Publish at most once per workflow and key: when an event with this key was already appended
   * to the workflow's log (while the log is retained), nothing is appended or published again and
   * the earlier event's cursor is returned with this event. A publish that another process repeats
   * — because the first publisher may have died between persisting a state and announcing it —
   * thus announces it exactly once.
   */
  once?: string;
}

export interface SubscribeOptions {
  position: SubscribePosition;
  /** Aborting ends the iterator. */
  signal?: AbortSignal;
}

/**
 * An open subscription. Iterating yields events in cursor order, each once. If the consumer falls
 * more than the adapter's buffer limits behind (a number of events, and bytes of events),
 * iteration throws `SlowConsumerError`; the consumer resumes with the cursor of the last event it
 * handled.
 */
export interface EventSubscription extends AsyncIterable<WorkflowEvent> {
  close(): Promise<void>;
}

/**
 * The event bus: publishes workflow events live and keeps a replay log per workflow.
 * Cursors are opaque strings, strictly increasing within a workflow.
 */
export interface EventBus {
  /**
   * Appends the event to its workflow's replay log, assigning its cursor, and publishes it live
   * with the same cursor — in one atomic step, so live order equals replay order.
   */
  publish(event: NewWorkflowEvent, options?: PublishOptions): Promise<WorkflowEvent>;
  /**
   * Resolves once the live listener is attached. For `after`, it replays `(cursor, now]` and then
   * continues live with no gap and no duplicate. A malformed cursor is a `BadUserInputError`.
   */
  subscribe(workflowId: string, options: SubscribeOptions): Promise<EventSubscription>;
  /** Retained events after `cursor` (null: from the first), oldest first, at most `limit`. */
  read(workflowId: string, cursor: string | null, limit: number): Promise<WorkflowEvent[]>;
  /** The cursor of the workflow's newest retained event, or null when none is retained. */
  lastCursor(workflowId: string): Promise<string | null>;
  /** Drops the workflow's replay log (when the workflow is deleted). */
  forget(workflowId: string): Promise<void>;
  /** Resolves when the backing service answers; used by `/readyz`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A subscriber fell further behind than its limit (`limit` events, or `limit` bytes of events):
 * its buffer is released and it resumes from the cursor of the last event it handled.
 */
export class SlowConsumerError extends Error {
  readonly code = 'SLOW_CONSUMER';

  constructor(
    readonly limit: number,
    readonly unit: 'events' | 'bytes' = 'events',
  ) {
    super(`Subscriber fell more than ${limit} ${unit} behind; resume with the last cursor.`);
    this.name = 'SlowConsumerError';
  }
}

/**
 * An event iterator that can also hand over what it already holds without a promise: the hot path
 * of SSE delivery (server/event-streams.ts) drains it synchronously when the producer signals,
 * instead of one promise chain per event and subscriber. `next()` stays the general way in.
 */
export interface Drainable<T> {
  /**
   * The next item if one is ready now; `'empty'` when nothing is buffered (the readable listener
   * fires when something is); `'async'` when only `next()` can tell (a replay page to read, a
   * failure to throw). Must not be called while a `next()` is pending.
   */
  tryNext(): IteratorResult<T> | 'empty' | 'async';
  /**
   * The listener is called synchronously whenever `tryNext` may have something new (one; null
   * clears it). When the stream has failed (e.g. `SlowConsumerError`), it is called with that
   * error, so a consumer that is not reading right now learns of it at once; `next()` throws it.
   */
  onReadable(listener: ((failure?: unknown) => void) | null): void;
}

export function isDrainable<T>(value: unknown): value is Drainable<T> {
  return (
    typeof (value as Partial<Drainable<T>>)?.tryNext === 'function' &&
    typeof (value as Partial<Drainable<T>>)?.onReadable === 'function'
  );
}
