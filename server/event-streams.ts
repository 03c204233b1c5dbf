import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
} from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { GraphQLContext } from '../schema/context.ts';
import { type Drainable, isDrainable } from '../shared/ports/event-bus.ts';
import { subscriptionReleaseOf } from './protection.ts';
import { type CursorLocation, locateCursor } from './sse-resume.ts';

/**
 * The hot path of the gateway: the two event subscriptions (`workflowEvents`, `runEvents`) over
 * SSE. Every subscriber of a workflow receives the same events, so the work per event is done
 * once and shared, and the work per subscriber is a lookup and a socket write:
 *
 * - **Executed once per event.** The subscription's selection set is executed against an event
 *   once per (event, tenant, document, operation, variables) — the event fields resolve from the
 *   event alone — and every subscriber asking the same gets the same result object.
 * - **Framed once per event.** The SSE frame (`event: next`, the `id:` line with the cursor,
 *   `data:` with the JSON) is built once as bytes and written as is to every such subscriber.
 * - **A lean writer.** The frames go into a Node `Readable` piped straight into the
 *   `ServerResponse` (which honours socket backpressure), in place of Yoga's per-subscriber
 *   `ReadableStream`, `TextEncoder` and pump; one shared timer sends the keep-alive pings.
 *
 * Everything before the stream — authentication, limits, parsing, validation, the service's
 * authorisation, error masking, metrics — is Yoga's pipeline as for any operation; the wire
 * format is Yoga's (graphql-sse "distinct connections"): a `:` ping first, `event: next` frames,
 * `event: complete` at the end, and a ping every 12 s.
 */
export interface EventStreamsOptions {
  /** Called for every execution (not for a shared result); feeds a metric. */
  onExecute?: () => void;
  /**
   * How long a stream ended with `SLOW_CONSUMER` may take to flush before its connection is
   * destroyed, in ms; default {@link SLOW_CONSUMER_CLOSE_MS}.
   */
  slowConsumerCloseMs?: number;
}

export function useEventStreams(options: EventStreamsOptions = {}): Plugin {
  /** Per request: its results as this plugin produced them, before other plugins wrapped them. */
  const direct = new WeakMap<Request, AsyncIterator<ExecutionResult>>();
  const closeMs = options.slowConsumerCloseMs ?? SLOW_CONSUMER_CLOSE_MS;
  return {
    onSubscribe({ args, setSubscribeFn }) {
      const location = locateCursor(args.document, args.operationName ?? undefined);
      if (!location) return;
      const request = (args.contextValue as unknown as { request?: Request }).request;
      setSubscribeFn(async (subscribeArgs) => {
        const result = await subscribeShared(subscribeArgs, location, options);
        if (request && isAsyncIterable(result)) direct.set(request, result);
        return result;
      });
    },
    onResultProcess({ request, result, setResultProcessor, serverContext }) {
      const results = direct.get(request) as
        | (AsyncIterator<ExecutionResult> & Partial<Drainable<ExecutionResult>>)
        | undefined;
      if (!results || !isAsyncIterable(result)) return;
      if (!(request.headers.get('accept') ?? '').includes('text/event-stream')) return;
      const response = (serverContext as { res?: ServerResponse } | undefined)?.res;
      // Other plugins wrapped the stream (subscription accounting, error masking, Yoga's
      // metrics): a promise and an iterator result per layer, per event and subscriber, and
      // closures that keep the whole request (its Request, context and arguments) for as long
      // as the stream is open. The body reads this plugin's results directly, masks errors
      // itself, frees the subscription slot itself when it ends, and lets the wrapped stream go.
      const release = subscriptionReleaseOf(results) ?? (() => {});
      setResultProcessor(
        (_, fetchAPI) =>
          new fetchAPI.Response(new SseBody(results, release, response, closeMs) as never, {
            status: 200,
            headers: SSE_HEADERS,
          }),
        'text/event-stream',
      );
    },
  };
}

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream',
  Connection: 'keep-alive',
  'Cache-Control': 'no-cache',
  'Content-Encoding': 'none',
};

/** The prepared SSE frame of a shared result (absent on results with errors: those are masked later). */
const FRAME = Symbol('agentgate.sseFrame');
type FramedResult = ExecutionResult & { [FRAME]?: Buffer };

/** Per event object: its results by {@link resultKey}. Entries go when the event is collected. */
const sharedResults = new WeakMap<object, Map<string, FramedResult | Promise<FramedResult>>>();
/** Numbers documents: Yoga's parser cache hands out one DocumentNode per query text. */
const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;

/** What makes two subscribers' results of one event identical. */
function resultKey(args: ExecutionArgs): string {
  let documentId = documentIds.get(args.document);
  if (documentId === undefined) {
    documentId = nextDocumentId++;
    documentIds.set(args.document, documentId);
  }
  const tenantId = (args.contextValue as Partial<GraphQLContext> | undefined)?.viewer?.tenantId;
  return `${tenantId}\n${documentId}\n${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {})}`;
}

/**
 * Subscribes like graphql-js (the field's `subscribe` resolver gives the events), then maps each
 * event to its shared result. The first subscriber to pull an event executes and frames it.
 */
async function subscribeShared(
  args: ExecutionArgs,
  location: CursorLocation,
  { onExecute }: EventStreamsOptions,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) return source as ExecutionResult;
  const key = resultKey(args);
  // What executing an event needs — not the request's context: the event fields resolve from the
  // event alone, and a stream that kept the context would keep the whole request alive.
  const { schema, document, variableValues, operationName, fieldResolver, typeResolver } = args;
  const viewer = (args.contextValue as Partial<GraphQLContext> | undefined)?.viewer;
  const executionArgs: ExecutionArgs = {
    schema,
    document,
    variableValues,
    operationName,
    fieldResolver,
    typeResolver,
    contextValue: { viewer },
  };
  const events = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const prepare = (result: FramedResult): FramedResult => {
    if (!result.errors) Object.defineProperty(result, FRAME, { value: frame(result, location) });
    return result;
  };
  const resultOf = (event: unknown): FramedResult | Promise<FramedResult> => {
    if (typeof event !== 'object' || event === null) {
      onExecute?.();
      return execute({ ...executionArgs, rootValue: event });
    }
    let results = sharedResults.get(event);
    if (!results) {
      results = new Map();
      sharedResults.set(event, results);
    }
    let result = results.get(key);
    if (!result) {
      onExecute?.();
      // Stored before anything is awaited, so concurrent subscribers never execute twice.
      const executed = execute({ ...executionArgs, rootValue: event });
      result = executed instanceof Promise ? executed.then(prepare) : prepare(executed);
      results.set(key, result);
    }
    return result;
  };
  // Not an async generator: its return() would wait for a pending next(), keeping the
  // subscription of a client that has gone.
  const drainable = isDrainable<unknown>(events) ? events : undefined;
  /** A result `tryNext` could not hand over at once (its execution is asynchronous). */
  let pending: Promise<FramedResult> | undefined;
  const iterator: AsyncIterableIterator<ExecutionResult> & Partial<Drainable<ExecutionResult>> = {
    async next() {
      if (pending) {
        const result = pending;
        pending = undefined;
        return { done: false, value: await result };
      }
      const step = await events.next();
      if (step.done) return { done: true, value: undefined };
      return { done: false, value: await resultOf(step.value) };
    },
    ...(drainable && {
      tryNext(): IteratorResult<ExecutionResult> | 'empty' | 'async' {
        const step = drainable.tryNext();
        if (step === 'empty' || step === 'async' || step.done) return step;
        const result = resultOf(step.value);
        if (!(result instanceof Promise)) return { done: false, value: result };
        pending = result;
        return 'async';
      },
      onReadable: (listener: (() => void) | null) => drainable.onReadable(listener),
    }),
    async return() {
      await events.return?.();
      return { done: true, value: undefined };
    },
    async throw(error: unknown) {
      await events.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** `event: next`, the cursor as `id:` (for `EventSource` resumption), the result as `data:`. */
function frame(result: ExecutionResult, location: CursorLocation): Buffer {
  return Buffer.from(`event: next\n${idLine(result, location)}data: ${JSON.stringify(result)}\n\n`);
}

function idLine(result: ExecutionResult, location: CursorLocation): string {
  const node = result.data?.[location.fieldKey] as Record<string, unknown> | null | undefined;
  const id = location.idKeys.map((key) => node?.[key]).find((v) => typeof v === 'string');
  // Why the check: a line break in an id would end the SSE field and inject another.
  if (typeof id !== 'string' || /[\r\n\0]/.test(id)) return '';
  return `id: ${id}\n`;
}

/**
 * A result without a prepared frame has errors. The event fields resolve from the event alone and
 * never fail by design, so any error is unexpected, and masked like Yoga masks one.
 */
const MASKED_FRAME = Buffer.from(
  `event: next\ndata: ${JSON.stringify({
    data: null,
    errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
  })}\n\n`,
);

function frameOf(result: FramedResult): Buffer {
  return result[FRAME] ?? MASKED_FRAME;
}

const PING = Buffer.from(':\n\n');
const COMPLETE = Buffer.from('event: complete\ndata:\n\n');

/**
 * How long a stream ended for falling behind may take to flush what it was already sent (and its
 * terminal error) before its connection is destroyed, in ms: a client that reads again within it
 * sees why the stream ended; one that never reads again does not keep its socket.
 */
export const SLOW_CONSUMER_CLOSE_MS = 30_000;

/** The error a subscription failed with, when it means "too far behind" (`SlowConsumerError`). */
function slowConsumer(error: unknown): { limit: number; unit: string } | undefined {
  const { code, limit, unit } = (error ?? {}) as {
    code?: unknown;
    limit?: unknown;
    unit?: unknown;
  };
  return code === 'SLOW_CONSUMER' && typeof limit === 'number' && typeof unit === 'string'
    ? { limit, unit }
    : undefined;
}

/** The terminal frame of a stream ended for falling behind: a GraphQL error with its code. */
function slowConsumerFrame({ limit, unit }: { limit: number; unit: string }): Buffer {
  const setting = unit === 'bytes' ? ' (SSE_MAX_BUFFERED_BYTES)' : '';
  const message = `The client fell too far behind: more than ${limit} ${unit} of events${setting} waited for it. Resubscribe with \`after\` (or Last-Event-ID) set to the id of the last event received.`;
  const result = { data: null, errors: [{ message, extensions: { code: 'SLOW_CONSUMER' } }] };
  return Buffer.from(`event: next\ndata: ${JSON.stringify(result)}\n\n`);
}

/**
 * Keep-alive pings for every open stream from one timer (not one per stream): every 12 s, as
 * Yoga does (300 ms under NODE_ENV=test, as Yoga does too), to streams that are not backed up.
 */
const open = new Set<SseBody>();
let pinger: NodeJS.Timeout | undefined;

function track(body: SseBody): void {
  open.add(body);
  if (pinger) return;
  const intervalMs = process.env.NODE_ENV === 'test' ? 300 : 12_000;
  pinger = setInterval(() => {
    for (const stream of open) stream.ping();
  }, intervalMs);
  pinger.unref();
}

function untrack(body: SseBody): void {
  open.delete(body);
  if (open.size === 0 && pinger) {
    clearInterval(pinger);
    pinger = undefined;
  }
}

/**
 * The response body of one event stream. Results are taken only while the socket has room: a
 * slow client backs up into its own event buffer in the bus, which ends the stream with
 * `SlowConsumerError` past its limits (events, and bytes: `SSE_MAX_BUFFERED_BYTES`). What the
 * gateway holds for a stream beyond that buffer is thus bounded by Node's stream backpressure:
 * this body's buffer and the socket's each take frames only while under their 16 KiB high-water
 * mark, so each holds at most that plus one frame. The bus tells the body of the failure at once
 * (`onReadable` with the error), also while it waits for the socket: the body then ends with a
 * `SLOW_CONSUMER` error frame and `complete` after what it was already sent, and the connection
 * is destroyed if the client has not taken that within {@link SLOW_CONSUMER_CLOSE_MS}. When the
 * client goes, the response's `close` destroys this body and the subscription is closed at once.
 *
 * Delivery is pushed, not pulled, where the stream allows it (`Drainable`): the bus tells the
 * body synchronously that events arrived, and the body hands them to the socket in the same turn
 * — no promise per event and subscriber. Replay pages, failures and asynchronous executions take
 * the `next()` path.
 */
class SseBody extends Readable {
  readonly #results: AsyncIterator<ExecutionResult> & Partial<Drainable<ExecutionResult>>;
  readonly #release: () => void;
  readonly #response: ServerResponse | undefined;
  readonly #slowConsumerCloseMs: number;
  /** A `next()` is in flight: nothing else may read the results. */
  #pulling = false;
  /** The socket is full: wait for `_read`. */
  #blocked = false;
  #ended = false;
  /** The last frame has been pushed: nothing more may be. */
  #finished = false;

  constructor(
    results: AsyncIterator<ExecutionResult> & Partial<Drainable<ExecutionResult>>,
    release: () => void,
    response: ServerResponse | undefined,
    slowConsumerCloseMs: number,
  ) {
    super({ highWaterMark: 16 * 1024 });
    this.#results = results;
    this.#release = release;
    this.#response = response;
    this.#slowConsumerCloseMs = slowConsumerCloseMs;
    // Errors reach the reader through the web stream wrapping this body; never crash on one.
    this.on('error', () => {});
    // Always start with a ping: some clients see no headers until the first bytes arrive.
    this.push(PING);
    track(this);
    results.onReadable?.((failure) => {
      if (failure === undefined) this.#drain();
      else this.#fail(failure);
    });
  }

  ping(): void {
    if (!this.destroyed && !this.#finished && this.readableLength === 0) this.push(PING);
  }

  override _read(): void {
    this.#blocked = false;
    this.#drain();
  }

  /** Hands over everything ready now; goes asynchronous only where it must. */
  #drain(): void {
    if (this.#pulling || this.#ended || this.#finished || this.destroyed) return;
    const { tryNext } = this.#results;
    if (!tryNext) {
      if (!this.#blocked) void this.#pull();
      return;
    }
    while (!this.#blocked && !this.#finished) {
      let step: ReturnType<typeof tryNext>;
      try {
        step = tryNext.call(this.#results);
      } catch (error) {
        this.#fail(error);
        return;
      }
      if (step === 'empty') return;
      if (step === 'async') {
        void this.#pull();
        return;
      }
      if (!this.#accept(step)) return;
    }
  }

  /** One result through `next()`, then back to draining. */
  async #pull(): Promise<void> {
    this.#pulling = true;
    let step: IteratorResult<ExecutionResult>;
    try {
      step = await this.#results.next();
    } catch (error) {
      this.#pulling = false;
      this.#fail(error);
      return;
    }
    this.#pulling = false;
    if (this.destroyed || this.#finished || !this.#accept(step)) return;
    this.#drain();
  }

  /** Writes a result, or ends the stream; false when nothing more is to be read. */
  #accept(step: IteratorResult<ExecutionResult>): boolean {
    if (step.done) {
      this.#finish([COMPLETE]);
      return false;
    }
    if (!this.push(frameOf(step.value as FramedResult))) this.#blocked = true;
    return true;
  }

  /**
   * The subscription failed. Fallen too far behind: the stream ends with a `SLOW_CONSUMER` error
   * frame after what it was already sent, and the client resumes from its last cursor; the
   * connection goes if the client does not take that in time. Any other failure (e.g. the event
   * log unreachable) ends the response abruptly, without `complete`, so the client reconnects as
   * from a broken connection; without a Node response (`yoga.fetch`), the body's reader gets it.
   */
  #fail(error: unknown): void {
    if (this.#finished || this.destroyed) return;
    const behind = slowConsumer(error);
    if (!behind) {
      this.destroy(this.#response ? undefined : (error as Error));
      this.#response?.destroy();
      return;
    }
    this.#finish([slowConsumerFrame(behind), COMPLETE]);
    const response = this.#response;
    if (!response) return;
    const timer = setTimeout(() => response.destroy(), this.#slowConsumerCloseMs);
    timer.unref();
    response.once('close', () => clearTimeout(timer));
  }

  /** Ends the subscription, then sends the last frames and ends the body, once. */
  #finish(frames: Buffer[]): void {
    if (this.#finished) return;
    this.#finished = true;
    void this.#end().then(() => {
      if (this.destroyed) return;
      for (const frame of frames) this.push(frame);
      this.push(null);
    });
  }

  /** Ends the subscription and frees its slot, once. */
  async #end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    untrack(this);
    this.#results.onReadable?.(null);
    this.#release();
    await Promise.allSettled([this.#results.return?.()]);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#end().then(() => callback(error));
  }
}
