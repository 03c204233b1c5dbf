import {
  createGraphQLClient,
  type GraphQLClient,
  GraphQLResponseError,
  operation,
  type RunStatus,
} from '../../e2e/support/graphql-client.ts';

/**
 * The API as the robustness tests drive it: every field they check (run errors, attempts in log
 * details, idempotency keys, ifBusy, workflow limits), and subscriptions that resume through
 * another gateway with the last cursor when theirs dies.
 */

export type { RunStatus };

export interface RunView {
  id: string;
  status: RunStatus;
  prompt: string;
  output: string | null;
  error: { code: string; message: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface MessageView {
  id: string;
  role: string;
  content: string;
  runId: string | null;
}

export interface EventView {
  __typename: string;
  id: string;
  runId: string | null;
  status?: RunStatus;
  error?: { code: string } | null;
  messageId?: string;
  delta?: string;
  message?: MessageView;
  event?: string;
  detail?: Record<string, unknown> | null;
}

const RUN = 'id status prompt output error { code message } createdAt startedAt finishedAt';
const EVENT = `
  __typename id runId
  ... on RunStatusEvent { status error { code } }
  ... on MessageDeltaEvent { messageId delta }
  ... on MessageEvent { message { id role content runId } }
  ... on LogEvent { event detail }
`;

const createAgentOp = operation<{ createAgent: { id: string } }, { model: string }>(
  `mutation ($model: String!) {
    createAgent(input: { name: "robust", systemPrompt: "Answer.", model: $model }) { id }
  }`,
);
const createWorkflowOp = operation<
  { createWorkflow: { id: string; queueTimeoutMs: number | null; runTimeoutMs: number | null } },
  { input: Record<string, unknown> }
>(
  `mutation ($input: CreateWorkflowInput!) {
    createWorkflow(input: $input) { id queueTimeoutMs runTimeoutMs }
  }`,
);
const sendPromptOp = operation<{ sendPrompt: RunView }, { input: Record<string, unknown> }>(
  `mutation ($input: SendPromptInput!) { sendPrompt(input: $input) { ${RUN} } }`,
);
const cancelRunOp = operation<{ cancelRun: RunView }, { id: string }>(
  `mutation ($id: ID!) { cancelRun(id: $id) { ${RUN} } }`,
);
const runOp = operation<{ run: RunView | null }, { id: string }>(
  `query ($id: ID!) { run(id: $id) { ${RUN} } }`,
);
const messagesOp = operation<
  { workflow: { messages: { edges: { node: MessageView }[] } } | null },
  { id: string }
>(
  `query ($id: ID!) {
    workflow(id: $id) { messages(first: 100) { edges { node { id role content runId } } } }
  }`,
);
const runsOp = operation<
  { workflow: { runs: { edges: { node: RunView }[] } } | null },
  { id: string }
>(`query ($id: ID!) { workflow(id: $id) { runs(first: 20) { edges { node { ${RUN} } } } } }`);
const runEventsOp = operation<{ runEvents: EventView }, { runId: string; after?: string }>(
  `subscription ($runId: ID!, $after: String) { runEvents(runId: $runId, after: $after) { ${EVENT} } }`,
);

export type SendPrompt = {
  workflowId: string;
  prompt: string;
  idempotencyKey?: string;
  ifBusy?: 'ENQUEUE' | 'REJECT' | 'INTERRUPT';
};

export interface ApiClient {
  readonly url: string;
  readonly graphql: GraphQLClient;
  createAgent(model?: string): Promise<string>;
  createWorkflow(input: {
    agentId: string;
    queueTimeoutMs?: number;
    runTimeoutMs?: number;
  }): Promise<string>;
  sendPrompt(input: SendPrompt): Promise<RunView>;
  cancelRun(id: string): Promise<RunView>;
  run(id: string): Promise<RunView>;
  messages(workflowId: string): Promise<MessageView[]>;
  /** The workflow's runs, oldest first (its newest 20). */
  runs(workflowId: string): Promise<RunView[]>;
  /** Every event of the run from its first (or after `after`) until its terminal one. */
  runEvents(runId: string, after?: string): AsyncIterable<EventView> & { dispose(): void };
  close(): void;
}

export function createApiClient(baseUrl: string, token: string): ApiClient {
  const graphql = createGraphQLClient(baseUrl, { token });
  return {
    url: baseUrl,
    graphql,
    createAgent: async (model = 'demo:echo') =>
      (await graphql.execute(createAgentOp, { model })).createAgent.id,
    createWorkflow: async (input) =>
      (await graphql.execute(createWorkflowOp, { input })).createWorkflow.id,
    sendPrompt: async (input) => (await graphql.execute(sendPromptOp, { input })).sendPrompt,
    cancelRun: async (id) => (await graphql.execute(cancelRunOp, { id })).cancelRun,
    async run(id) {
      const { run } = await graphql.execute(runOp, { id });
      if (!run) throw new Error(`${baseUrl}: run ${id} not found`);
      return run;
    },
    async messages(workflowId) {
      const { workflow } = await graphql.execute(messagesOp, { id: workflowId });
      if (!workflow) throw new Error(`${baseUrl}: workflow ${workflowId} not found`);
      return workflow.messages.edges.map((edge) => edge.node);
    },
    async runs(workflowId) {
      const { workflow } = await graphql.execute(runsOp, { id: workflowId });
      if (!workflow) throw new Error(`${baseUrl}: workflow ${workflowId} not found`);
      return workflow.runs.edges.map((edge) => edge.node).reverse();
    },
    runEvents(runId, after) {
      const subscription = graphql.subscribe(runEventsOp, after ? { runId, after } : { runId });
      return {
        dispose: subscription.dispose,
        async *[Symbol.asyncIterator]() {
          for await (const data of subscription) yield data.runEvents;
        },
      };
    },
    close: graphql.close,
  };
}

/** The `extensions.code` of a GraphQL error, or undefined for any other failure. */
export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof GraphQLResponseError)) return undefined;
  const code = error.errors[0]?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

export const TERMINAL: ReadonlySet<string> = new Set([
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'MAX_TURNS_REACHED',
  'TIMED_OUT',
]);

export function isTerminalEvent(event: EventView): boolean {
  return event.__typename === 'RunStatusEvent' && TERMINAL.has(event.status ?? '');
}

export interface FollowedRun {
  events: EventView[];
  /** How often the stream was resumed through another gateway after its own dropped. */
  resumes: number;
}

/**
 * Follows a run to its end as a resilient client does: through `clients[0]`, and whenever the
 * stream drops (its gateway died or shut down), again through the next client that answers, with
 * `after` = the last event id received. Fails after `timeoutMs` with what it saw.
 */
export async function followRun(
  clients: () => ApiClient[],
  runId: string,
  options: { timeoutMs?: number; first?: number; onEvent?: (event: EventView) => void } = {},
): Promise<FollowedRun> {
  const events: EventView[] = [];
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let resumes = 0;
  let attempt = options.first ?? 0;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const candidates = clients();
    const client = candidates[attempt % candidates.length];
    if (!client) throw new Error('no client to follow the run with');
    const stream = client.runEvents(runId, events.at(-1)?.id);
    const timer = setTimeout(() => stream.dispose(), Math.max(0, deadline - Date.now()));
    try {
      for await (const event of stream) {
        events.push(event);
        options.onEvent?.(event);
      }
      if (events.some(isTerminalEvent)) return { events, resumes };
    } catch (error) {
      lastError = error;
    } finally {
      clearTimeout(timer);
    }
    // Dropped (or ended before its terminal event was out): resume elsewhere with the cursor.
    attempt += 1;
    resumes += 1;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `run ${runId} did not end in time after ${resumes} resumes; saw ${events.length} events, the last ${JSON.stringify(events.at(-1))}; last error: ${String(lastError)}`,
  );
}

/** The ids are the replay log's: each strictly greater than the one before. */
export function idsStrictlyIncrease(events: readonly EventView[]): boolean {
  const key = (id: string) => {
    const [ms, seq] = id.split('-').map(BigInt);
    return ((ms ?? 0n) << 64n) | (seq ?? 0n);
  };
  return events.every((event, i) => i === 0 || key(events[i - 1]!.id) < key(event.id));
}

/** Resolves with the first event `until` accepts, from a run's stream through `client`. */
export async function waitForEvent(
  client: ApiClient,
  runId: string,
  until: (event: EventView) => boolean,
  timeoutMs = 20_000,
): Promise<EventView> {
  const stream = client.runEvents(runId);
  const timer = setTimeout(() => stream.dispose(), timeoutMs);
  try {
    for await (const event of stream) if (until(event)) return event;
  } finally {
    clearTimeout(timer);
    stream.dispose();
  }
  throw new Error(`no such event of run ${runId} within ${timeoutMs} ms`);
}
