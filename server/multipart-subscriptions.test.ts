import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import {
  prefersMultipartSubscriptions,
  useMultipartSubscriptions,
} from './multipart-subscriptions.ts';

/**
 * A schema whose subscription counts to 3, or (`idle: true`) sends nothing until it is closed,
 * counting closes in `closed`.
 */
function createApp(closed: { count: number }) {
  const idleStream = (): AsyncIterableIterator<never> => ({
    next: () => new Promise(() => {}),
    return: async () => {
      closed.count += 1;
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  });
  return createYoga({
    schema: createSchema({
      typeDefs: `
        type Query { ok: Boolean }
        type Subscription { count(idle: Boolean): Int }
      `,
      resolvers: {
        Subscription: {
          count: {
            subscribe: (_: unknown, { idle }: { idle?: boolean }) =>
              idle
                ? idleStream()
                : (async function* () {
                    for (let n = 1; n <= 3; n++) yield { count: n };
                  })(),
          },
        },
      },
    }),
    plugins: [useMultipartSubscriptions({ heartbeatMs: 20 })],
  });
}

const APOLLO_ACCEPT = 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json';

function subscribe(app: ReturnType<typeof createApp>, query: string, accept = APOLLO_ACCEPT) {
  return app.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept },
    body: JSON.stringify({ query }),
  });
}

/**
 * The complete JSON parts of (the start of) a multipart body — each is followed by a delimiter —
 * and whether it ended with the closing boundary.
 */
function partsOf(text: string) {
  const chunks = text.split('\r\n--graphql');
  const closed = chunks.at(-1) === '--\r\n';
  const parts = chunks
    .slice(1, -1)
    .map((chunk) => JSON.parse(chunk.slice(chunk.indexOf('\r\n\r\n') + 4)) as unknown);
  return { preamble: chunks[0], parts, closed };
}

describe("Apollo's multipart HTTP subscriptions", () => {
  it('sends a heartbeat, then one payload part per result, then the closing boundary', async () => {
    const response = await subscribe(createApp({ count: 0 }), 'subscription { count }');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"',
    );
    const { preamble, parts, closed } = partsOf(await response.text());
    expect(preamble).toBe('');
    expect(parts.filter((part) => JSON.stringify(part) !== '{}')).toEqual([
      { payload: { data: { count: 1 } } },
      { payload: { data: { count: 2 } } },
      { payload: { data: { count: 3 } } },
    ]);
    expect(parts[0]).toEqual({});
    expect(closed).toBe(true);
  });

  it('keeps an idle stream alive with heartbeats and closes the subscription when the client goes', async () => {
    const closed = { count: 0 };
    const response = await subscribe(createApp(closed), 'subscription { count(idle: true) }');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (partsOf(text).parts.length < 3) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended');
      text += decoder.decode(value, { stream: true });
    }
    expect(new Set(partsOf(text).parts.map((part) => JSON.stringify(part)))).toEqual(
      new Set(['{}']),
    );
    await reader.cancel();
    await expect.poll(() => closed.count).toBe(1);
  });

  it('leaves a client that lists text/event-stream first to SSE', async () => {
    const response = await subscribe(
      createApp({ count: 0 }),
      'subscription { count }',
      'text/event-stream, multipart/mixed;subscriptionSpec=1.0',
    );
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    await response.text();
  });

  it('leaves results that are not streams to the JSON answer the client also accepts', async () => {
    const response = await subscribe(createApp({ count: 0 }), 'subscription { nope }');
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(((await response.json()) as { errors: unknown[] }).errors).toHaveLength(1);
  });
});

describe('prefersMultipartSubscriptions', () => {
  const prefers = (accept: string) =>
    prefersMultipartSubscriptions(new Request('http://test/graphql', { headers: { accept } }));

  it('reads the first streaming type the client accepts', () => {
    expect(prefers(APOLLO_ACCEPT)).toBe(true);
    expect(prefers('application/json, multipart/mixed; subscriptionSpec="1.0"')).toBe(true);
    expect(prefers('text/event-stream, multipart/mixed;subscriptionSpec=1.0')).toBe(false);
    expect(prefers('application/json')).toBe(false);
  });

  it('leaves multipart without subscriptionSpec (incremental delivery) alone', () => {
    expect(prefers('multipart/mixed, application/json')).toBe(false);
  });
});

it('refuses a heartbeat interval that is not positive', () => {
  expect(() => useMultipartSubscriptions({ heartbeatMs: 0 })).toThrow(RangeError);
});
