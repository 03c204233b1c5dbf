import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../shared/logger.ts';

/** The header a load balancer may set (nginx: `$request_id`) and the gateway answers with. */
export const REQUEST_ID_HEADER = 'x-request-id';
/** What an incoming id may look like; anything else is replaced, so logs stay clean. */
const VALID_ID = /^[\w.:-]{1,128}$/;
/** Paths probed or scraped every few seconds: not worth a log line each. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Request ids: the incoming `x-request-id` when it is sane, else a fresh UUID. Every response
 * carries it back, the request's logger (the GraphQL context's) logs it as `requestId`, and one
 * record per request (debug; warn for a 5xx) says how it ended. For SSE the record is written
 * when the stream starts.
 */
export function createRequestIds(logger: Logger) {
  const ids = new WeakMap<Request, string>();
  const startedAt = new WeakMap<Request, number>();
  function of(request: Request): string {
    let id = ids.get(request);
    if (id === undefined) {
      const incoming = request.headers.get(REQUEST_ID_HEADER);
      id = incoming && VALID_ID.test(incoming) ? incoming : randomUUID();
      ids.set(request, id);
    }
    return id;
  }
  const plugin: Plugin = {
    onRequest({ request }) {
      startedAt.set(request, performance.now());
    },
    onResponse({ request, response }) {
      const requestId = of(request);
      response.headers.set(REQUEST_ID_HEADER, requestId);
      const path = new URL(request.url).pathname;
      if (QUIET_PATHS.has(path) && response.status < 500) return;
      const started = startedAt.get(request);
      const record = {
        requestId,
        method: request.method,
        path,
        status: response.status,
        ms: started === undefined ? undefined : Math.round(performance.now() - started),
      };
      if (response.status >= 500) logger.warn(record, 'request failed');
      else logger.debug(record, 'request');
    },
  };
  return { of, plugin };
}
