import {
  Client,
  type CombinedError,
  fetchExchange,
  type OperationResult,
  subscriptionExchange,
} from '@urql/core';
import { createClient as createSseClient } from 'graphql-sse';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EmbeddedGateway, startEmbeddedGateway } from './support/embedded-gateway.ts';

/**
 * urql against a real gateway process, both ways its users subscribe: `fetchExchange` with
 * `fetchSubscriptions` (GraphQL over SSE in fetch), and `subscriptionExchange` forwarding to a
 * graphql-sse client, as urql's documentation shows (docs/clients.md).
 */

let gateway: EmbeddedGateway;
beforeAll(async () => {
  gateway = await startEmbeddedGateway('gateway for urql');
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
});
beforeEach(({ onTestFailed }) => {
  onTestFailed(() => console.error(`Gateway output:\n${gateway.process.output()}`));
});

const auth = () => ({ authorization: `Bearer ${gateway.token}` });

/** urql with `fetchExchange` only: queries as GET within the URL limit, subscriptions over SSE. */
function fetchClient() {
  return new Client({
    url: gateway.graphqlUrl,
    exchanges: [fetchExchange],
    fetchSubscriptions: true,
    fetchOptions: () => ({ headers: auth() }),
  });
}

/** urql with subscriptions forwarded to graphql-sse (distinct connections, its default). */
function graphqlSseClient() {
  const sse = createSseClient({ url: gateway.graphqlUrl, headers: auth });
  const client = new Client({
    url: gateway.graphqlUrl,
    fetchOptions: () => ({ headers: auth() }),
    exchanges: [
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              return { unsubscribe: sse.subscribe(input, sink) };
            },
          };
        },
      }),
    ],
  });
  return { client, dispose: () => sse.dispose() };
}

const CREATE_AGENT = `
  mutation UrqlCreateAgent($name: String!) {
    createAgent(input: { name: $name, systemPrompt: "Echo.", model: "demo:echo" }) { id }
  }
`;
const AGENT = 'query UrqlAgent($id: ID!) { agent(id: $id) { id name } }';
const CREATE_WORKFLOW = `
  mutation UrqlCreateWorkflow($agentId: ID!) { createWorkflow(input: { agentId: $agentId }) { id } }
`;
const SEND_PROMPT = `
  mutation UrqlSendPrompt($workflowId: ID!, $prompt: String!) {
    sendPrompt(input: { workflowId: $workflowId, prompt: $prompt }) { id }
  }
`;
const RUN_EVENTS = `
  subscription UrqlRunEvents($runId: ID!) {
    runEvents(runId: $runId) {
      __typename id
      ... on MessageDeltaEvent { delta }
      ... on RunStatusEvent { status }
    }
  }
`;

interface RunEvent {
  __typename: string;
  id: string;
  delta?: string;
  status?: string;
}

async function data<T>(pending: Promise<OperationResult<T>>): Promise<T> {
  const result = await pending;
  if (result.error) throw result.error;
  return result.data as T;
}

async function startRun(client: Client, prompt: string): Promise<string> {
  const { createAgent } = await data<{ createAgent: { id: string } }>(
    client.mutation(CREATE_AGENT, { name: 'urql' }).toPromise(),
  );
  const { createWorkflow } = await data<{ createWorkflow: { id: string } }>(
    client.mutation(CREATE_WORKFLOW, { agentId: createAgent.id }).toPromise(),
  );
  const { sendPrompt } = await data<{ sendPrompt: { id: string } }>(
    client.mutation(SEND_PROMPT, { workflowId: createWorkflow.id, prompt }).toPromise(),
  );
  return sendPrompt.id;
}

/**
 * The run's events until its terminal status, or the first error. The gateway ends the stream
 * after either, which ends the subscription: unsubscribing first would abort urql's fetch, whose
 * AbortError urql leaves unhandled.
 */
function runEvents(client: Client, runId: string): Promise<RunEvent[] | CombinedError> {
  return new Promise((resolve) => {
    const events: RunEvent[] = [];
    client.subscription<{ runEvents: RunEvent }>(RUN_EVENTS, { runId }).subscribe((result) => {
      if (result.error) {
        resolve(result.error);
        return;
      }
      const event = result.data!.runEvents;
      events.push(event);
      if (event.__typename === 'RunStatusEvent' && event.status === 'SUCCEEDED') resolve(events);
    });
  });
}

function expectWholeRun(events: RunEvent[] | CombinedError, answer: string) {
  if (!Array.isArray(events)) throw events;
  expect(events.map((e) => e.delta ?? '').join('')).toBe(answer);
  expect(events[0]).toMatchObject({ __typename: 'RunStatusEvent', status: 'QUEUED' });
}

describe('urql with fetchExchange', () => {
  it('runs mutations (POST) and queries (GET) with a bearer token', async () => {
    const client = fetchClient();
    const { createAgent } = await data<{ createAgent: { id: string } }>(
      client.mutation(CREATE_AGENT, { name: 'Grace' }).toPromise(),
    );
    const found = await data(client.query(AGENT, { id: createAgent.id }).toPromise());
    expect(found).toEqual({ agent: { id: createAgent.id, name: 'Grace' } });
  });

  it('streams a run to its terminal status over SSE (fetchSubscriptions)', async () => {
    const client = fetchClient();
    const runId = await startRun(client, 'hello from urql');
    expectWholeRun(await runEvents(client, runId), 'echo: hello from urql');
  });

  it('gets a subscription refused before it starts as GraphQL errors with their code', async () => {
    const error = await runEvents(fetchClient(), 'no-such-run');
    expect(Array.isArray(error)).toBe(false);
    expect((error as CombinedError).graphQLErrors[0]?.extensions.code).toBe('NOT_FOUND');
  });
});

describe('urql with subscriptionExchange and graphql-sse', () => {
  it('streams a run to its terminal status', async () => {
    const { client, dispose } = graphqlSseClient();
    try {
      const runId = await startRun(client, 'hello through graphql-sse');
      expectWholeRun(await runEvents(client, runId), 'echo: hello through graphql-sse');
    } finally {
      dispose();
    }
  });

  it('gets a subscription refused before it starts as GraphQL errors with their code', async () => {
    const { client, dispose } = graphqlSseClient();
    try {
      const error = await runEvents(client, 'no-such-run');
      expect((error as CombinedError).graphQLErrors[0]?.extensions.code).toBe('NOT_FOUND');
    } finally {
      dispose();
    }
  });
});
