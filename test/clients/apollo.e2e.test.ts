import {
  ApolloClient,
  ApolloLink,
  CombinedGraphQLErrors,
  HttpLink,
  InMemoryCache,
} from '@apollo/client';
import { parse, print } from 'graphql';
import { type Client, createClient } from 'graphql-sse';
import { Observable } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EmbeddedGateway, startEmbeddedGateway } from './support/embedded-gateway.ts';

/**
 * Apollo Client 4 against a real gateway process, the two ways its users subscribe: its own
 * `HttpLink` (Apollo's multipart HTTP subscriptions) and the link recipe graphql-sse publishes,
 * which sends Apollo 4's operation as it is, `operationType` included (docs/clients.md).
 */

let gateway: EmbeddedGateway;
beforeAll(async () => {
  gateway = await startEmbeddedGateway('gateway for Apollo Client');
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
});
beforeEach(({ onTestFailed }) => {
  onTestFailed(() => console.error(`Gateway output:\n${gateway.process.output()}`));
});

// Documents are parsed, not `gql`-tagged: codegen collects tagged ones into the SDK's types.

/** graphql-sse's published Apollo link (its README's recipe), in Apollo 4's types. */
class SSELink extends ApolloLink {
  constructor(private readonly client: Client) {
    super();
  }

  override request(operation: ApolloLink.Operation): Observable<ApolloLink.Result> {
    return new Observable((sink) =>
      this.client.subscribe({ ...operation, query: print(operation.query) } as never, {
        next: (result) => sink.next(result as ApolloLink.Result),
        complete: sink.complete.bind(sink),
        error: sink.error.bind(sink),
      }),
    );
  }
}

/** A fetch that records what it sent and what came back. */
function recordingFetch() {
  const calls: { body: Record<string, unknown>; contentType: string | null; status: number }[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    calls.push({
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : {},
      contentType: response.headers.get('content-type'),
      status: response.status,
    });
    return response;
  };
  return { calls, fetchFn };
}

const auth = () => ({ authorization: `Bearer ${gateway.token}` });

function httpClient(fetchFn: typeof fetch = fetch) {
  return new ApolloClient({
    link: new HttpLink({ uri: gateway.graphqlUrl, headers: auth(), fetch: fetchFn }),
    cache: new InMemoryCache(),
  });
}

function sseClient(options: { fetchFn?: typeof fetch; headers?: Record<string, string> } = {}) {
  const client = createClient({
    url: gateway.graphqlUrl,
    headers: options.headers ?? auth(),
    fetchFn: options.fetchFn ?? fetch,
  });
  return {
    apollo: new ApolloClient({ link: new SSELink(client), cache: new InMemoryCache() }),
    dispose: () => client.dispose(),
  };
}

const CREATE_AGENT = parse(`
  mutation ApolloCreateAgent($name: String!) {
    createAgent(input: { name: $name, systemPrompt: "Echo.", model: "demo:echo" }) {
      id
      name
    }
  }
`);
const AGENT = parse(`
  query ApolloAgent($id: ID!) {
    agent(id: $id) {
      id
      name
    }
  }
`);
const CREATE_WORKFLOW = parse(`
  mutation ApolloCreateWorkflow($agentId: ID!) {
    createWorkflow(input: { agentId: $agentId }) {
      id
    }
  }
`);
const SEND_PROMPT = parse(`
  mutation ApolloSendPrompt($workflowId: ID!, $prompt: String!) {
    sendPrompt(input: { workflowId: $workflowId, prompt: $prompt }) {
      id
    }
  }
`);
const RUN_EVENTS = parse(`
  subscription ApolloRunEvents($runId: ID!, $after: ID) {
    runEvents(runId: $runId, afterId: $after) {
      __typename
      id
      ... on MessageDeltaEvent {
        delta
      }
      ... on RunStatusEvent {
        status
      }
    }
  }
`);

interface RunEvent {
  __typename: string;
  id: string;
  delta?: string;
  status?: string;
}
type SubscriptionResult = ApolloClient.SubscribeResult<{ runEvents: RunEvent }>;

/** Starts a demo:echo run through `apollo` and returns its id. */
async function startRun(apollo: ApolloClient, prompt: string): Promise<string> {
  const agent = await apollo.mutate({ mutation: CREATE_AGENT, variables: { name: 'Apollo' } });
  const agentId = (agent.data as { createAgent: { id: string } }).createAgent.id;
  const workflow = await apollo.mutate({ mutation: CREATE_WORKFLOW, variables: { agentId } });
  const workflowId = (workflow.data as { createWorkflow: { id: string } }).createWorkflow.id;
  const run = await apollo.mutate({ mutation: SEND_PROMPT, variables: { workflowId, prompt } });
  return (run.data as { sendPrompt: { id: string } }).sendPrompt.id;
}

/** Every result of a subscription until it completes. */
function collect(apollo: ApolloClient, variables: Record<string, unknown>) {
  return new Promise<SubscriptionResult[]>((resolve, reject) => {
    const results: SubscriptionResult[] = [];
    apollo
      .subscribe<{ runEvents: RunEvent }>({ query: RUN_EVENTS, variables, fetchPolicy: 'no-cache' })
      .subscribe({
        next: (result) => results.push(result),
        error: reject,
        complete: () => resolve(results),
      });
  });
}

function expectWholeRun(results: SubscriptionResult[], answer: string) {
  const events = results.map((result) => {
    expect(result.error).toBeUndefined();
    return result.data!.runEvents;
  });
  expect(events.map((e) => e.delta ?? '').join('')).toBe(answer);
  expect(events.at(-1)).toMatchObject({ __typename: 'RunStatusEvent', status: 'SUCCEEDED' });
}

/** The code of the first GraphQL error of a result; fails on any other kind of error. */
function graphQLErrorCode(result: SubscriptionResult | undefined): unknown {
  const error = result?.error;
  if (!CombinedGraphQLErrors.is(error)) throw new Error(`not GraphQL errors: ${String(error)}`);
  return error.errors[0]?.extensions?.code;
}

describe('Apollo Client 4 with its HttpLink', () => {
  it('runs mutations and queries with a bearer token', async () => {
    const apollo = httpClient();
    const created = await apollo.mutate({ mutation: CREATE_AGENT, variables: { name: 'Ada' } });
    const { id } = (created.data as { createAgent: { id: string } }).createAgent;
    const { data } = await apollo.query({ query: AGENT, variables: { id } });
    expect(data).toEqual({ agent: { __typename: 'Agent', id, name: 'Ada' } });
  });

  it('streams a run to its terminal status over multipart HTTP subscriptions', async () => {
    const { calls, fetchFn } = recordingFetch();
    const apollo = httpClient(fetchFn);
    const runId = await startRun(apollo, 'hello from apollo');
    expectWholeRun(await collect(apollo, { runId }), 'echo: hello from apollo');
    expect(calls.at(-1)).toMatchObject({ status: 200 });
    expect(calls.at(-1)?.contentType).toMatch(
      /^multipart\/mixed;boundary="graphql";subscriptionSpec/,
    );
  });

  it('gets a subscription refused before it starts as GraphQL errors with their code', async () => {
    const [result] = await collect(httpClient(), { runId: 'no-such-run' });
    expect(graphQLErrorCode(result)).toBe('NOT_FOUND');
  });
});

describe("Apollo Client 4 with graphql-sse's link recipe", () => {
  it('streams a run, although the link sends operationType with every operation', async () => {
    const { calls, fetchFn } = recordingFetch();
    const { apollo, dispose } = sseClient({ fetchFn });
    try {
      const runId = await startRun(apollo, 'hello over sse');
      expectWholeRun(await collect(apollo, { runId }), 'echo: hello over sse');
      expect(calls.map((call) => call.body.operationType)).toEqual([
        'mutation',
        'mutation',
        'mutation',
        'subscription',
      ]);
    } finally {
      dispose();
    }
  });

  it('reads a request refused with a 4xx at once, from one request, with its code', async () => {
    const { calls, fetchFn } = recordingFetch();
    // No token: refused before the body is read. graphql-sse retries (5 times, over ~41 s) what
    // it cannot read; the gateway answers so that it can.
    const { apollo, dispose } = sseClient({ fetchFn, headers: {} });
    try {
      const started = Date.now();
      const [result] = await collect(apollo, { runId: 'any' });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(calls).toHaveLength(1);
      expect(graphQLErrorCode(result)).toBe('UNAUTHENTICATED');
    } finally {
      dispose();
    }
  });
});
