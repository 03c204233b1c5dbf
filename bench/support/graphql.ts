/**
 * The few GraphQL operations the benchmarks set up and drive runs with, over plain `fetch`. A
 * bearer token is sent when `BENCH_TOKEN` is set (or given), for gateways that require one.
 */

export interface GraphQLTarget {
  /** Base URL of a gateway, e.g. `http://127.0.0.1:40123`. */
  url: string;
  token?: string;
}

export function authHeaders(target: GraphQLTarget): Record<string, string> {
  const token = target.token ?? process.env.BENCH_TOKEN;
  return token ? { authorization: `Bearer ${token}` } : {};
}

export async function gql<T>(
  target: GraphQLTarget,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(`${target.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...authHeaders(target),
    },
    body: JSON.stringify({ query, variables }),
    // Generous: a saturated gateway answers late, and that is a result, not a failure.
    signal: AbortSignal.timeout(120_000),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) {
    throw new Error(
      `GraphQL ${response.status}: ${body.errors?.map((e) => e.message).join('; ') ?? 'no data'}`,
    );
  }
  return body.data;
}

export async function createAgent(target: GraphQLTarget): Promise<string> {
  const data = await gql<{ createAgent: { id: string } }>(
    target,
    'mutation { createAgent(input: {name: "bench", systemPrompt: "Be brief.", model: "demo:echo"}) { id } }',
  );
  return data.createAgent.id;
}

/** Creates `count` workflows of the agent, `parallel` requests at a time. */
export async function createWorkflows(
  target: GraphQLTarget,
  agentId: string,
  count: number,
  parallel = 16,
): Promise<string[]> {
  const ids: string[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) {
        const index = next++;
        const data = await gql<{ createWorkflow: { id: string } }>(
          target,
          'mutation($a: ID!) { createWorkflow(input: {agentId: $a, maxTurns: 1}) { id } }',
          { a: agentId },
        );
        ids[index] = data.createWorkflow.id;
      }
    }),
  );
  return ids;
}

export async function sendPrompt(
  target: GraphQLTarget,
  workflowId: string,
  prompt: string,
): Promise<string> {
  const data = await gql<{ sendPrompt: { id: string } }>(
    target,
    'mutation($w: ID!, $p: String!) { sendPrompt(input: {workflowId: $w, prompt: $p}) { id } }',
    { w: workflowId, p: prompt },
  );
  return data.sendPrompt.id;
}

/** Runs `items` through `task`, `parallel` at a time. */
export async function inParallel<T>(
  items: readonly T[],
  parallel: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await task(items[index]!, index);
      }
    }),
  );
}

/** The subscription every SSE benchmark client opens on the gateway. */
export const WORKFLOW_EVENTS = `subscription($w: ID!) { workflowEvents(workflowId: $w) {
  __typename id at runId ... on MessageDeltaEvent { messageId delta }
  ... on RunStatusEvent { status } } }`;
