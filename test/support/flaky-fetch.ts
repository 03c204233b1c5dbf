/**
 * A `fetch` in front of another that misbehaves on purpose for SSE requests, so reconnect logic
 * can be tested without sockets: it can break the n-th event stream after a number of events (as
 * a dropped connection would) and rewrite the variables of the n-th request.
 */

export interface FlakyFetchPlan {
  /** For the i-th SSE request (0-based): break its body after this many events; absent: never. */
  breakAfterEvents?: readonly (number | undefined)[];
  /** For the i-th SSE request: end it normally (`event: complete`) after this many events. */
  completeAfterEvents?: readonly (number | undefined)[];
  /** Rewrites the variables of the i-th SSE request before it is sent. */
  rewriteVariables?: (index: number, variables: Record<string, unknown>) => Record<string, unknown>;
}

export interface FlakyFetch {
  fetch: typeof fetch;
  /** The body of every SSE request sent, in order (after any rewrite). */
  readonly sseRequests: { query: string; variables: Record<string, unknown> }[];
  /** Every request's headers, in order. */
  readonly headers: Headers[];
}

export function createFlakyFetch(inner: typeof fetch, plan: FlakyFetchPlan = {}): FlakyFetch {
  const sseRequests: FlakyFetch['sseRequests'] = [];
  const headers: Headers[] = [];
  const flaky: typeof fetch = async (input, init) => {
    const requestHeaders = new Headers(init?.headers);
    headers.push(requestHeaders);
    if (!requestHeaders.get('accept')?.includes('text/event-stream')) return inner(input, init);
    const index = sseRequests.length;
    const body = JSON.parse(String(init?.body)) as FlakyFetch['sseRequests'][number];
    body.variables = plan.rewriteVariables?.(index, body.variables ?? {}) ?? body.variables ?? {};
    sseRequests.push(body);
    const response = await inner(input, { ...init, body: JSON.stringify(body) });
    const broken = plan.breakAfterEvents?.[index];
    const completed = plan.completeAfterEvents?.[index];
    const limit = broken ?? completed;
    if (limit === undefined || !response.body) return response;
    return new Response(cutAfter(response.body, limit, broken === undefined), {
      status: response.status,
      headers: response.headers,
    });
  };
  return { fetch: flaky, sseRequests, headers };
}

/**
 * Passes whole SSE frames through until `events` `next` events went by, then fails the body (as a
 * broken connection) or, with `complete`, ends it as the gateway ends a finished stream.
 */
function cutAfter(
  body: ReadableStream<Uint8Array>,
  events: number,
  complete: boolean,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let buffer = '';
  let passed = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const frame = buffer.slice(0, end + 2);
          buffer = buffer.slice(end + 2);
          controller.enqueue(encoder.encode(frame));
          if (frame.startsWith('event: next') && ++passed >= events) {
            await reader.cancel();
            if (complete) {
              controller.enqueue(encoder.encode('event: complete\ndata:\n\n'));
              controller.close();
            } else {
              controller.error(new TypeError('the network connection was lost'));
            }
          }
          return;
        }
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        buffer += decoder.decode(value, { stream: true });
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
