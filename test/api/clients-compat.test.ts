import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.ts';

/**
 * What real clients send and need (server/client-compat.ts): Apollo Client 4's extra parameter,
 * request errors an SSE client can read, and an explanation for graphql-sse's single connection
 * mode.
 */

let t: TestApp;
let token: string;
beforeAll(async () => {
  // Tokens on, a budget small enough to run out in one test, and a small body limit.
  t = await createTestApp({
    worker: false,
    auth: true,
    protection: { ratePerMinute: 20, maxBodyBytes: 4_096 },
  });
  token = await t.createToken('compat');
});
afterAll(async () => {
  await t.close();
});

const URL_ = 'http://agentgate.test/graphql';

function post(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return t.app.fetch(URL_, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

interface Body {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** The events of an SSE answer (pings left out): their names and parsed data. */
async function sseEvents(response: Response): Promise<{ event: string; data?: Body }[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .map((block) => ({
      event: /^event: (.*)$/m.exec(block)?.[1] ?? '',
      data: /^data: (.+)$/m.exec(block)?.[1],
    }))
    .filter((frame) => frame.event)
    .map(({ event, data }) => ({ event, data: data ? (JSON.parse(data) as Body) : undefined }));
}

const SSE = { accept: 'text/event-stream' };

describe('request parameters', () => {
  it("accepts Apollo Client 4's operationType beside query, variables and operationName", async () => {
    const response = await post({
      query: 'query Ping { __typename }',
      operationName: 'Ping',
      variables: {},
      operationType: 'query',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('still refuses a parameter no client sends', async () => {
    const response = await post({ query: '{ __typename }', operationTypo: 'query' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as Body;
    expect(body.errors?.[0]?.message).toBe(
      'Unexpected parameter "operationTypo" in the request body.',
    );
  });

  it('refuses a persisted document id without a document, and says why', async () => {
    const response = await post({ documentId: 'sha256:abc' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as Body;
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringContaining('does not store persisted documents'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('runs the document when a documentId comes with it', async () => {
    const response = await post({ query: '{ __typename }', documentId: 'sha256:abc' });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('a refused SSE request', () => {
  it.each([
    [
      'an unexpected parameter',
      { query: 'subscription { runEvents(runId: "x") { id } }', x: 1 },
      {},
      'BAD_USER_INPUT',
    ],
    [
      'a document that does not validate',
      { query: 'subscription { runEvents { nope } }' },
      {},
      'BAD_USER_INPUT',
    ],
    [
      'no token',
      { query: 'subscription { runEvents(runId: "x") { id } }' },
      { authorization: '' },
      'UNAUTHENTICATED',
    ],
    [
      'a body over the size limit',
      { query: `subscription { runEvents(runId: "${'x'.repeat(5_000)}") { id } }` },
      {},
      'BAD_USER_INPUT',
    ],
  ])(
    'is answered 200 with the errors as its one event, then complete: %s',
    async (_, body, headers, code) => {
      const response = await post(body, { ...SSE, ...headers });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const events = await sseEvents(response);
      expect(events.map((e) => e.event)).toEqual(['next', 'complete']);
      expect(events[0]?.data?.errors?.[0]?.extensions?.code).toBe(code);
    },
  );

  it('keeps the status of a request that is not SSE', async () => {
    const response = await post(
      { query: 'subscription { runEvents { nope } }' },
      { accept: 'application/graphql-response+json' },
    );
    expect(response.status).toBe(400);
  });

  it('keeps 429 and Retry-After: a rate-limited client should retry later', async () => {
    const other = await t.createToken('compat-rate');
    let response: Response | undefined;
    for (let i = 0; i < 30 && response?.status !== 429; i++) {
      response = await post(
        { query: 'subscription { runEvents(runId: "x") { id } }' },
        {
          ...SSE,
          authorization: `Bearer ${other}`,
        },
      );
      if (response.status !== 429) await response.text();
    }
    expect(response?.status).toBe(429);
    expect(response?.headers.get('retry-after')).toMatch(/^\d+$/);
    const events = await sseEvents(response!);
    expect(events[0]?.data?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });
});

describe("graphql-sse's single connection mode", () => {
  it.each([
    ['the PUT that reserves a stream', 'PUT', {}],
    ['the DELETE that stops an operation', 'DELETE', {}],
    ['a request with a reservation token', 'GET', { 'x-graphql-event-stream-token': 'abc' }],
  ])('is refused with 405 and an explanation: %s', async (_, method, headers) => {
    // No content type and no token: the explanation comes before the checks that need them.
    const response = await t.app.fetch(URL_, { method, headers });
    expect(response.status).toBe(405);
    expect(response.statusText).toBe(
      'Single connection mode is not supported; use distinct connections',
    );
    expect(response.headers.get('allow')).toBe('GET, POST');
    const body = (await response.json()) as Body;
    expect(body.errors?.[0]?.message).toMatch(
      /distinct connections mode only.*singleConnection: false/,
    );
  });
});
