import { type Client, NetworkError } from 'graphql-sse';
import { cursorKey } from './cursor.ts';
import { AgentgateError, type GraphQLErrorPayload, isRetryable } from './errors.ts';

/** How a stream reconnects after a dropped connection. */
export interface RetryOptions {
  /** Consecutive failed attempts before the stream fails with the last error (default 10). */
  maxAttempts?: number;
  /** Delay before the first reconnect, in ms (default 250); it doubles per failed attempt. */
  minDelayMs?: number;
  /** Longest delay between two attempts, in ms (default 5000). */
  maxDelayMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  maxAttempts: 10,
  minDelayMs: 250,
  maxDelayMs: 5_000,
};

/** What a stream tells `onReconnect` before it waits and reconnects. */
export interface ReconnectInfo {
  /** 1 for the first reconnect after a failure; reset by every event received. */
  attempt: number;
  delayMs: number;
  /** Why the connection ended. */
  error: AgentgateError;
  /** The id of the last event delivered: the stream resumes after it. */
  after: string | undefined;
}

export interface StreamOptions {
  /** Start after this event id (default: the run's first event, or live for a workflow). */
  after?: string;
  /** Ends the stream (without an error) when aborted. */
  signal?: AbortSignal;
  /** Called before every reconnect, e.g. to show "reconnecting…". */
  onReconnect?: (info: ReconnectInfo) => void;
}

export interface ResumableStreamSpec<TEvent extends { id: string }> {
  sse: Client;
  query: string;
  /** The subscription's variables when resuming after `after` (undefined: from the start). */
  variables: (after: string | undefined) => Record<string, unknown>;
  /** The event inside one result's `data`. */
  pick: (data: Record<string, unknown>) => TEvent;
  /** True for the event after which the stream ends on its own (the gateway completes it too). */
  isLast?: (event: TEvent) => boolean;
  /**
   * Whether the gateway ending the stream means "reconnect" (an endless stream, cut short, e.g.
   * when a gateway sheds a slow client) rather than "done" (default false).
   */
  resumeOnComplete?: boolean;
  retry: Required<RetryOptions>;
  options: StreamOptions;
}

/**
 * A subscription that survives dropped connections: it remembers the id of the last event it
 * delivered, reconnects with backoff and `after: <that id>`, and skips anything at or below that
 * id, so the caller sees every event once, in order. GraphQL errors (NOT_FOUND, BAD_USER_INPUT …)
 * and exhausted retries end it with an `AgentgateError`; the gateway completing it ends it
 * normally unless `resumeOnComplete` says the stream has no end.
 */
export async function* resumableStream<TEvent extends { id: string }>(
  spec: ResumableStreamSpec<TEvent>,
): AsyncGenerator<TEvent, void, undefined> {
  const { signal, onReconnect } = spec.options;
  let lastId = spec.options.after;
  let lastKey = lastId === undefined ? null : cursorKey(lastId);
  let failures = 0;
  while (!signal?.aborted) {
    const results = spec.sse.iterate<Record<string, unknown>>({
      query: spec.query,
      variables: spec.variables(lastId),
    });
    const stop = () => void results.return?.();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      for await (const result of results) {
        // Results already buffered when the caller aborted are not delivered.
        if (signal?.aborted) return;
        if (result.errors?.length) {
          throw AgentgateError.fromGraphQLErrors(result.errors as unknown as GraphQLErrorPayload[]);
        }
        const event = spec.pick(result.data ?? {});
        const key = cursorKey(event.id);
        // Why: a resumed subscription may repeat what the broken one already delivered.
        if (key !== null && lastKey !== null && key <= lastKey) continue;
        lastId = event.id;
        lastKey = key;
        failures = 0;
        yield event;
        if (spec.isLast?.(event)) return;
      }
      if (!spec.resumeOnComplete || signal?.aborted) return;
      throw new AgentgateError('NETWORK_ERROR', 'The gateway ended an endless stream.');
    } catch (thrown) {
      if (signal?.aborted) return;
      const error = await toAgentgateError(thrown);
      failures += 1;
      if (!isRetryable(error) || failures > spec.retry.maxAttempts) throw error;
      const delayMs = backoff(failures, spec.retry);
      onReconnect?.({ attempt: failures, delayMs, error, after: lastId });
      await sleep(delayMs, signal);
    } finally {
      signal?.removeEventListener('abort', stop);
      await results.return?.();
    }
  }
}

/** Exponential, capped, with ±20 % jitter so many clients do not reconnect in lockstep. */
function backoff(attempt: number, retry: Required<RetryOptions>): number {
  const base = Math.min(retry.maxDelayMs, retry.minDelayMs * 2 ** (attempt - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** graphql-sse's failures as `AgentgateError`s: HTTP answers by their body or status. */
export async function toAgentgateError(thrown: unknown): Promise<AgentgateError> {
  if (thrown instanceof AgentgateError) return thrown;
  if (thrown instanceof NetworkError) {
    const response = thrown.response as Response | undefined;
    if (!response) {
      return new AgentgateError('NETWORK_ERROR', thrown.message, [], undefined, { cause: thrown });
    }
    return errorOfResponse(response);
  }
  // Anything else (a malformed stream, a broken body) is treated as a broken connection.
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new AgentgateError('NETWORK_ERROR', message, [], undefined, { cause: thrown });
}

/**
 * A failed HTTP answer: its GraphQL `errors[]` if it carries any (as a JSON body, or in the first
 * `data:` line of an event stream, which is how a subscription that fails before it starts is
 * answered), else its status.
 */
export async function errorOfResponse(response: Response): Promise<AgentgateError> {
  const text = await response.text().catch(() => '');
  const json = response.headers.get('content-type')?.includes('text/event-stream')
    ? (/^data: ?(.+)$/m.exec(text)?.[1] ?? '')
    : text;
  try {
    const body = JSON.parse(json) as { errors?: GraphQLErrorPayload[] };
    if (body.errors?.length) return AgentgateError.fromGraphQLErrors(body.errors, response.status);
  } catch {
    // Not GraphQL: fall through to the status.
  }
  return AgentgateError.fromStatus(response.status, text.slice(0, 200) || response.statusText);
}
