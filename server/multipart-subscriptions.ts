import type { ExecutionResult, GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';

/**
 * Subscriptions over Apollo's multipart HTTP protocol, what Apollo Client's `HttpLink` (and
 * Apollo Kotlin and iOS) use without any extra link: the client POSTs the subscription with
 * `Accept: multipart/mixed;subscriptionSpec=1.0, application/json`, and the answer is one
 * `multipart/mixed` body whose parts are JSON: `{}` as a heartbeat, `{"payload": <result>}` per
 * event, and the closing boundary when the subscription completes (after a run's terminal
 * status, for `runEvents`). A client that prefers `text/event-stream` (listed first) gets SSE.
 *
 * Only streams go this way. A subscription refused before it starts (NOT_FOUND, a validation
 * error) is a single result, answered as JSON as the client also accepts. A stream that breaks
 * (e.g. the client fell too far behind) ends abruptly, without the closing boundary, so the
 * client sees an error and can subscribe again with `after`.
 */

/** How often a stream without events sends a heartbeat part, in ms. */
export const MULTIPART_HEARTBEAT_MS = 12_000;

const BOUNDARY = 'graphql';
const CONTENT_TYPE = `multipart/mixed;boundary="${BOUNDARY}";subscriptionSpec="1.0"`;
const PART_HEADER = '\r\ncontent-type: application/json; charset=utf-8\r\n\r\n';
/** Every part ends with the delimiter, so a client reads it as soon as it arrives. */
const DELIMITER = `\r\n--${BOUNDARY}`;
const CLOSE = '--\r\n';

export interface MultipartSubscriptionsOptions {
  /** Interval between heartbeats of an idle stream, in ms. Default {@link MULTIPART_HEARTBEAT_MS}. */
  heartbeatMs?: number;
}

export function useMultipartSubscriptions(options: MultipartSubscriptionsOptions = {}): Plugin {
  const heartbeatMs = options.heartbeatMs ?? MULTIPART_HEARTBEAT_MS;
  if (!(heartbeatMs > 0)) throw new RangeError(`heartbeatMs must be positive, got ${heartbeatMs}`);
  return {
    onResultProcess({ request, result, setResultProcessor }) {
      if (!isAsyncIterable(result) || !prefersMultipartSubscriptions(request)) return;
      setResultProcessor(
        (results, fetchAPI) =>
          new fetchAPI.Response(
            multipartBody(results as AsyncIterable<ExecutionResult>, heartbeatMs, fetchAPI),
            { status: 200, headers: { 'content-type': CONTENT_TYPE, 'cache-control': 'no-cache' } },
          ),
        'multipart/mixed',
      );
    },
  };
}

/**
 * True when the first streaming media type the client accepts is Apollo's multipart
 * subscriptions (`multipart/mixed` with a `subscriptionSpec` parameter) rather than SSE.
 */
export function prefersMultipartSubscriptions(request: Request): boolean {
  for (const entry of (request.headers.get('accept') ?? '').toLowerCase().split(',')) {
    const [type, ...parameters] = entry.split(';').map((part) => part.trim());
    if (type === 'text/event-stream') return false;
    if (type === 'multipart/mixed') {
      return parameters.some((parameter) => parameter.startsWith('subscriptionspec='));
    }
  }
  return false;
}

function multipartBody(
  results: AsyncIterable<ExecutionResult>,
  heartbeatMs: number,
  fetchAPI: { ReadableStream: typeof ReadableStream; TextEncoder: typeof TextEncoder },
): ReadableStream<Uint8Array> {
  const encoder = new fetchAPI.TextEncoder();
  const part = (json: string) => encoder.encode(`${PART_HEADER}${json}${DELIMITER}`);
  const iterator = results[Symbol.asyncIterator]();
  let heartbeat: NodeJS.Timeout | undefined;
  return new fetchAPI.ReadableStream<Uint8Array>({
    start(controller) {
      // A heartbeat first: some clients see no headers until the first bytes arrive.
      controller.enqueue(encoder.encode(DELIMITER));
      controller.enqueue(part('{}'));
      heartbeat = setInterval(() => {
        // Only when the client keeps up: a heartbeat never queues behind unread events.
        if ((controller.desiredSize ?? 0) > 0) controller.enqueue(part('{}'));
      }, heartbeatMs);
      heartbeat.unref();
    },
    async pull(controller) {
      try {
        const step = await iterator.next();
        if (step.done) {
          clearInterval(heartbeat);
          controller.enqueue(encoder.encode(CLOSE));
          controller.close();
          return;
        }
        controller.enqueue(part(JSON.stringify({ payload: publicResult(step.value) })));
      } catch (error) {
        clearInterval(heartbeat);
        controller.error(error);
      }
    },
    async cancel() {
      clearInterval(heartbeat);
      await iterator.return?.();
    },
  });
}

/** The result as a client may see it: errors without Yoga's internal `http` extension. */
function publicResult(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  return {
    ...result,
    errors: result.errors.map((error) => {
      const json = (error as GraphQLError).toJSON?.() ?? { message: error.message };
      const { http: _http, ...extensions } = (json.extensions ?? {}) as Record<string, unknown>;
      return { ...json, extensions } as unknown as GraphQLError;
    }),
  };
}
