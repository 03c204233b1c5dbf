import { EventSource } from 'eventsource';
import { createClient, NetworkError } from 'graphql-sse';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EmbeddedGateway, startEmbeddedGateway } from './support/embedded-gateway.ts';

/**
 * graphql-sse's own client and a plain `EventSource` against a real gateway process, over real
 * HTTP (status lines included): distinct connections stream, request errors are readable at
 * once, and single connection mode is refused with an explanation.
 */

let gateway: EmbeddedGateway;
beforeAll(async () => {
  gateway = await startEmbeddedGateway('gateway for graphql-sse');
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
});
beforeEach(({ onTestFailed }) => {
  onTestFailed(() => console.error(`Gateway output:\n${gateway.process.output()}`));
});

const auth = () => ({ authorization: `Bearer ${gateway.token}` });

/** A fetch that records the method of each request, and the body of answers that are not streams. */
function recordingFetch() {
  const calls: { method: string; body?: string }[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const stream = response.headers.get('content-type')?.startsWith('text/event-stream');
    // Read before graphql-sse sees it: it aborts the request as soon as it gives up.
    const body = stream ? undefined : await response.clone().text();
    calls.push({ method: init?.method ?? 'GET', body });
    return response;
  };
  return { calls, fetchFn };
}

type Result = {
  data?: Record<string, unknown> | null;
  errors?: { extensions?: { code?: string } }[];
};

/** Every result of one subscription, and how it ended. */
function subscribe(client: ReturnType<typeof createClient>, query: string) {
  return new Promise<{ results: Result[]; error?: unknown }>((resolve) => {
    const results: Result[] = [];
    client.subscribe<Record<string, unknown>>(
      { query },
      {
        next: (result) => results.push(result as Result),
        error: (error) => resolve({ results, error }),
        complete: () => resolve({ results }),
      },
    );
  });
}

async function startRun(prompt: string): Promise<string> {
  const post = async (query: string) => {
    const response = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth() },
      body: JSON.stringify({ query }),
    });
    return ((await response.json()) as { data: Record<string, { id: string }> }).data;
  };
  const { createAgent } = await post(
    'mutation { createAgent(input: { name: "sse", systemPrompt: "Echo.", model: "demo:echo" }) { id } }',
  );
  const { createWorkflow } = await post(
    `mutation { createWorkflow(input: { agentId: "${createAgent!.id}" }) { id } }`,
  );
  const { sendPrompt } = await post(
    `mutation { sendPrompt(input: { workflowId: "${createWorkflow!.id}", prompt: "${prompt}" }) { id } }`,
  );
  return sendPrompt!.id;
}

describe('graphql-sse in distinct connections mode (its default)', () => {
  it('streams a run until the gateway completes it', async () => {
    const client = createClient({ url: gateway.graphqlUrl, headers: auth });
    const runId = await startRun('hello');
    const { results, error } = await subscribe(
      client,
      `subscription { runEvents(runId: "${runId}") { __typename ... on RunStatusEvent { status } } }`,
    );
    expect(error).toBeUndefined();
    expect(results.at(-1)?.data).toEqual({
      runEvents: { __typename: 'RunStatusEvent', status: 'SUCCEEDED' },
    });
  });

  it('reads a document that does not validate as GraphQL errors, from one request, at once', async () => {
    const { calls, fetchFn } = recordingFetch();
    // Default retries: 5, over about 41 s, for anything it cannot read.
    const client = createClient({ url: gateway.graphqlUrl, headers: auth, fetchFn });
    const { results, error } = await subscribe(client, 'subscription { runEvents { nope } }');
    expect(error).toBeUndefined();
    expect(results).toHaveLength(1);
    expect(results[0]?.errors?.map((e) => e.extensions?.code)).toContain('BAD_USER_INPUT');
    expect(calls.map((call) => call.method)).toEqual(['POST']);
  });
});

describe('graphql-sse in single connection mode', () => {
  it('is refused at its reservation with an explanation in the error message', async () => {
    const { calls, fetchFn } = recordingFetch();
    const client = createClient({
      url: gateway.graphqlUrl,
      headers: auth,
      fetchFn,
      singleConnection: true,
      retryAttempts: 0,
    });
    const { results, error } = await subscribe(
      client,
      'subscription { runEvents(runId: "x") { id } }',
    );
    expect(results).toEqual([]);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe(
      'Server responded with 405: Single connection mode is not supported; use distinct connections',
    );
    expect(calls.map((call) => call.method)).toEqual(['PUT']);
    const body = JSON.parse(calls[0]?.body ?? '{}') as { errors: { message: string }[] };
    expect(body.errors[0]?.message).toContain('singleConnection: false');
  });
});

describe('a plain EventSource (no headers, hence no token)', () => {
  it('receives the refusal as its one event, then complete', async () => {
    const query = encodeURIComponent('subscription { runEvents(runId: "x") { id } }');
    const source = new EventSource(`${gateway.graphqlUrl}?query=${query}`);
    try {
      const events = await new Promise<{ type: string; data: string }[]>((resolve, reject) => {
        const seen: { type: string; data: string }[] = [];
        source.addEventListener('next', (message) =>
          seen.push({ type: 'next', data: message.data }),
        );
        source.addEventListener('complete', () => resolve(seen));
        source.addEventListener('error', () => reject(new Error('the EventSource failed')));
      });
      expect(events).toHaveLength(1);
      const refusal = JSON.parse(events[0]!.data) as Result;
      expect(refusal.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      source.close();
    }
  });
});
