import type { WorkflowEvent } from '../../domain/events.ts';
import {
  type Drainable,
  type EventSubscription,
  SlowConsumerError,
} from '../../ports/event-bus.ts';
import { BEFORE_FIRST_KEY } from './cursor.ts';

/** An event with its cursor's sort key, computed once and shared by every subscriber. */
export interface Delivery {
  readonly event: WorkflowEvent;
  readonly key: bigint;
  /** About how many bytes the event takes as JSON (`event-size.ts`); counts against byte limits. */
  readonly bytes: number;
}

/** One page of a workflow's replay log. */
export interface ReplayPage {
  /** The valid events of the page, oldest first. */
  deliveries: Delivery[];
  /** Exclusive start of the next page: the id of the last entry read, valid or not. */
  next: string | null;
  /** True when the page reached the end of the log as it was when read. */
  exhausted: boolean;
}

export interface EventStreamOptions {
  /** Where replay starts (exclusive; cursor null: from the first retained event). Absent: live only. */
  replayAfter?: { cursor: string | null; key: bigint };
  /** Live events the consumer may fall behind by before iteration throws `SlowConsumerError`. */
  maxBufferedEvents: number;
  /**
   * Bytes of live events (`Delivery.bytes`) the consumer may fall behind by before iteration
   * throws `SlowConsumerError`; one event larger than that alone is still handed over.
   */
  maxBufferedBytes: number;
  /** Reads the page of the replay log after `cursor`. */
  fetchPage: (cursor: string | null) => Promise<ReplayPage>;
  /** Aborting ends the iteration. */
  signal?: AbortSignal;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };
/** Consumed slots at the head of the live buffer that trigger compaction. */
const COMPACT_AFTER = 1024;

/**
 * One subscriber's view of a workflow: the replay of `(after, now]` followed by the live events,
 * each once and in cursor order, as a proper async iterator.
 *
 * The live fan-out calls `deliver` from the moment the subscriber is attached, before any replay,
 * and the stream holds those events until replay has caught up. Every event is checked against the
 * last cursor emitted when it is emitted, so whatever both replay and the live feed carry is
 * dropped the second time: no gap (live was attached first), no duplicate. Replay is read a page
 * at a time as the consumer pulls, so only live events count against `maxBufferedEvents` and
 * `maxBufferedBytes`.
 */
export class EventStream
  implements EventSubscription, AsyncIterableIterator<WorkflowEvent>, Drainable<WorkflowEvent>
{
  readonly #limit: number;
  readonly #byteLimit: number;
  readonly #fetchPage: (cursor: string | null) => Promise<ReplayPage>;
  readonly #signal: AbortSignal | undefined;
  #state: 'open' | 'failed' | 'closed' = 'open';
  #error: unknown = null;
  /** Sort key of the last event emitted (or of the resume cursor): nothing at or below passes. */
  #lastKey: bigint;
  #replaying: boolean;
  #replayFrom: string | null;
  #page: Delivery[] = [];
  #pageIndex = 0;
  #live: Delivery[] = [];
  #liveHead = 0;
  /** Bytes of the live events not yet taken. */
  #liveBytes = 0;
  #wake: (() => void) | null = null;
  /** Told synchronously when something arrives or the state changes (`Drainable`). */
  #readable: ((failure?: unknown) => void) | null = null;
  #detach: (() => void) | null = null;
  #tail: Promise<unknown> = Promise.resolve();
  readonly #onAbort = () => this.#end();

  constructor(options: EventStreamOptions) {
    this.#limit = options.maxBufferedEvents;
    this.#byteLimit = options.maxBufferedBytes;
    this.#fetchPage = options.fetchPage;
    this.#replaying = options.replayAfter !== undefined;
    this.#replayFrom = options.replayAfter?.cursor ?? null;
    this.#lastKey = options.replayAfter?.key ?? BEFORE_FIRST_KEY;
    this.#signal = options.signal;
    if (this.#signal?.aborted) this.#end();
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /**
   * Registers how to detach the stream from the live fan-out; called once, when the stream ends
   * (at once if it already has, e.g. its signal was aborted while it was being attached).
   */
  onDetach(detach: () => void): void {
    if (this.#state === 'open') this.#detach = detach;
    else detach();
  }

  /** True once the stream has ended, by the consumer, an abort, a failure or the bus closing. */
  get ended(): boolean {
    return this.#state !== 'open';
  }

  /**
   * Starts a live-only stream after `key`: whatever was published before the subscriber attached,
   * still in flight to the fan-out, is dropped.
   */
  raiseFloor(key: bigint): void {
    if (key > this.#lastKey) this.#lastKey = key;
  }

  /** Hands the stream a live event. Never throws: the fan-out calls it for every subscriber. */
  deliver(delivery: Delivery): void {
    if (this.#state !== 'open') return;
    this.#live.push(delivery);
    this.#liveBytes += delivery.bytes;
    const waiting = this.#live.length - this.#liveHead;
    // The gateway never buffers without bound for a slow client: it resumes from its cursor.
    if (waiting > this.#limit) {
      this.fail(new SlowConsumerError(this.#limit, 'events'));
      return;
    }
    if (waiting > 1 && this.#liveBytes > this.#byteLimit) {
      this.fail(new SlowConsumerError(this.#byteLimit, 'bytes'));
      return;
    }
    this.#wakeConsumer();
  }

  /** Ends the stream with `error`, thrown by the consumer's next `next()`; releases the buffers. */
  fail(error: unknown): void {
    if (this.#state !== 'open') return;
    this.#state = 'failed';
    this.#error = error;
    this.#release();
  }

  /**
   * The next event if it is here already: from the replay page in hand, else (once replay has
   * caught up) from the live buffer. `'async'` when a replay page must be read or a failure
   * thrown: `next()` does that. Never call it while a `next()` is pending.
   */
  tryNext(): IteratorResult<WorkflowEvent> | 'empty' | 'async' {
    if (this.#state === 'failed') return 'async';
    if (this.#state === 'closed') return DONE;
    for (;;) {
      const delivery = this.#takeNext();
      if (!delivery) return this.#replaying ? 'async' : 'empty';
      if (delivery.key <= this.#lastKey) continue;
      this.#lastKey = delivery.key;
      return { done: false, value: delivery.event };
    }
  }

  onReadable(listener: ((failure?: unknown) => void) | null): void {
    this.#readable = listener;
  }

  next(): Promise<IteratorResult<WorkflowEvent>> {
    // Serialise overlapping next() calls so each one sees the state the previous one left.
    const result = this.#tail.then(() => this.#pull());
    this.#tail = result.catch(() => undefined);
    return result;
  }

  async return(): Promise<IteratorResult<WorkflowEvent>> {
    this.#end();
    return DONE;
  }

  async close(): Promise<void> {
    this.#end();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async #pull(): Promise<IteratorResult<WorkflowEvent>> {
    for (;;) {
      if (this.#state === 'failed') {
        const error = this.#error;
        this.#state = 'closed';
        this.#error = null;
        throw error;
      }
      if (this.#state === 'closed') return DONE;
      const delivery = this.#takeNext();
      if (delivery) {
        if (delivery.key <= this.#lastKey) continue;
        this.#lastKey = delivery.key;
        return { done: false, value: delivery.event };
      }
      if (this.#replaying) await this.#readReplayPage();
      else await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** The next candidate: the replay page first, then (once replay has caught up) the live buffer. */
  #takeNext(): Delivery | undefined {
    if (this.#pageIndex < this.#page.length) return this.#page[this.#pageIndex++];
    if (this.#page.length > 0) {
      this.#page = [];
      this.#pageIndex = 0;
    }
    if (this.#replaying || this.#liveHead >= this.#live.length) return undefined;
    const delivery = this.#live[this.#liveHead++];
    if (delivery) this.#liveBytes -= delivery.bytes;
    if (this.#liveHead === this.#live.length) {
      this.#live = [];
      this.#liveHead = 0;
      this.#liveBytes = 0;
    } else if (this.#liveHead >= COMPACT_AFTER && this.#liveHead * 2 >= this.#live.length) {
      this.#live = this.#live.slice(this.#liveHead);
      this.#liveHead = 0;
    }
    return delivery;
  }

  async #readReplayPage(): Promise<void> {
    let page: ReplayPage;
    try {
      page = await this.#fetchPage(this.#replayFrom);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (this.#state !== 'open') return;
    this.#page = page.deliveries;
    this.#pageIndex = 0;
    this.#replayFrom = page.next ?? this.#replayFrom;
    if (page.exhausted) this.#replaying = false;
  }

  #end(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#error = null;
    this.#release();
  }

  #release(): void {
    this.#live = [];
    this.#liveHead = 0;
    this.#liveBytes = 0;
    this.#page = [];
    this.#pageIndex = 0;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    const detach = this.#detach;
    this.#detach = null;
    detach?.();
    this.#wakeConsumer();
  }

  #wakeConsumer(): void {
    const wake = this.#wake;
    this.#wake = null;
    if (wake) {
      wake();
      return;
    }
    try {
      this.#readable?.(this.#state === 'failed' ? this.#error : undefined);
    } catch (error) {
      // The fan-out calls every subscriber in turn: one consumer's failure stays its own.
      this.fail(error);
    }
  }
}
