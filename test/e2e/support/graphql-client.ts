import type { GraphQLFormattedError } from 'graphql';
import { createClient } from 'graphql-sse';

/**
 * A small typed client of one gateway: queries and mutations over `fetch` (POST JSON), and
 * subscriptions over graphql-sse's distinct-connections mode, each exposed as an async iterable.
 */

/** A GraphQL document tagged with the types of its result and its variables. */
export interface Operation<TData, TVariables> {
  readonly source: string;
  /** Never set; carries the types. */
  readonly types?: { data: TData; variables: TVariables };
}

export function operation<TData, TVariables extends Record<string, unknown>>(
  source: string,
): Operation<TData, TVariables> {
  return { source };
}

/** A response with `errors[]`, or one that was not GraphQL at all. */
export class GraphQLResponseError extends Error {
  constructor(
    readonly url: string,
    readonly errors: readonly GraphQLFormattedError[],
  ) {
    super(
      `${url} answered with errors: ${errors
        .map((e) => `${e.message} [${String(e.extensions?.code ?? 'no code')}]`)
        .join('; ')}`,
    );
    this.name = 'GraphQLResponseError';
  }
}

/** A live subscription: iterate it for its data; breaking out of the loop disposes it. */
export interface Subscription<T> extends AsyncIterable<T> {
  /**
   * Resolves once the gateway has answered with an event stream. The gateway answers only after
   * the subscribe resolver returned its iterator, so the subscription is attached by then.
   */
  readonly connected: Promise<void>;
  /** Closes the connection; iteration ends after the data already received. */
  dispose(): void;
}

export interface GraphQLClient {
  readonly url: string;
  /** Runs a query or mutation; rejects with `GraphQLResponseError` when `errors[]` is present. */
  execute<TData, TVariables extends Record<string, unknown>>(
    op: Operation<TData, TVariables>,
    variables: TVariables,
  ): Promise<TData>;
  subscribe<TData, TVariables extends Record<string, unknown>>(
    op: Operation<TData, TVariables>,
    variables: TVariables,
  ): Subscription<TData>;
  /** Disposes every subscription still open. */
  close(): void;
}

export interface GraphQLClientOptions {
  /** Sent as `Authorization: Bearer <token>` with every request (distributed gateways need one). */
  token?: string;
}

export function createGraphQLClient(
  baseUrl: string,
  options: GraphQLClientOptions = {},
): GraphQLClient {
  const url = `${baseUrl}/graphql`;
  const auth: Record<string, string> = options.token
    ? { authorization: `Bearer ${options.token}` }
    : {};
  const sse = createClient({
    url,
    headers: auth,
    singleConnection: false,
    // Why: a silent reconnect would resend the same request and replay events twice; a dropped
    // stream must fail the test instead.
    retryAttempts: 0,
  });

  return {
    url,
    async execute(op, variables) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...auth },
        body: JSON.stringify({ query: op.source, variables }),
      });
      const text = await response.text();
      let body: { data?: unknown; errors?: GraphQLFormattedError[] };
      try {
        body = JSON.parse(text);
      } catch {
        throw new GraphQLResponseError(url, [{ message: `HTTP ${response.status}: ${text}` }]);
      }
      if (body.errors?.length) throw new GraphQLResponseError(url, body.errors);
      if (body.data === undefined || body.data === null) {
        throw new GraphQLResponseError(url, [{ message: `HTTP ${response.status}: no data` }]);
      }
      return body.data as never;
    },

    subscribe(op, variables) {
      type TData = NonNullable<(typeof op)['types']>['data'];
      const queue = createAsyncQueue<TData>();
      let onConnected: () => void = () => {};
      const connected = new Promise<void>((resolve, reject) => {
        onConnected = resolve;
        // A subscription that fails before it connects rejects `connected` too.
        queue.ended.then(() => reject(new Error(`${url}: the subscription ended unconnected`)));
        queue.failed.catch(reject);
      });
      connected.catch(() => {});
      const dispose = sse.subscribe<TData>(
        { query: op.source, variables },
        {
          next(result) {
            if (result.errors?.length) queue.fail(new GraphQLResponseError(url, result.errors));
            else if (result.data !== undefined && result.data !== null) queue.push(result.data);
          },
          error(error) {
            queue.fail(error instanceof Error ? error : new Error(`${url}: ${describe(error)}`));
          },
          complete() {
            queue.end();
          },
        },
        { connected: () => onConnected() },
      );
      return {
        connected,
        dispose() {
          dispose();
          queue.end();
        },
        [Symbol.asyncIterator]() {
          return queue.iterate(() => {
            dispose();
            queue.end();
          });
        },
      };
    },

    close() {
      sse.dispose();
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof Response) return `HTTP ${error.status} ${error.statusText}`;
  return String(error);
}

/** A single-consumer buffer between a push-based sink and a pull-based iterator. */
function createAsyncQueue<T>() {
  const items: T[] = [];
  let error: Error | undefined;
  let done = false;
  let wake: (() => void) | undefined;
  let resolveEnded: () => void = () => {};
  let rejectFailed: (error: Error) => void = () => {};
  const ended = new Promise<void>((resolve) => {
    resolveEnded = resolve;
  });
  const failed = new Promise<never>((_, reject) => {
    rejectFailed = reject;
  });
  failed.catch(() => {});
  const notify = () => {
    wake?.();
    wake = undefined;
  };

  return {
    ended,
    failed,
    push(item: T) {
      if (done) return;
      items.push(item);
      notify();
    },
    fail(cause: Error) {
      if (done) return;
      error = cause;
      done = true;
      rejectFailed(cause);
      notify();
    },
    end() {
      if (done) return;
      done = true;
      resolveEnded();
      notify();
    },
    iterate(onReturn: () => void): AsyncIterator<T> {
      return {
        async next(): Promise<IteratorResult<T>> {
          for (;;) {
            if (items.length > 0) return { done: false, value: items.shift()! };
            if (error) throw error;
            if (done) return { done: true, value: undefined };
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
          }
        },
        async return(): Promise<IteratorResult<T>> {
          onReturn();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The Agentgate API (API.md), typed by hand for the fields these tests select.

export type RunStatus =
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'CANCELLED'
  | 'MAX_TURNS_REACHED'
  | 'TIMED_OUT';
export type MessageRole = 'SYSTEM' | 'USER' | 'ASSISTANT' | 'TOOL';
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}
export interface Message {
  id: string;
  role: MessageRole;
  content: string;
  runId: string | null;
}
export interface Run {
  id: string;
  status: RunStatus;
  prompt: string;
  output: string | null;
  usage: Usage;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

interface EventBase {
  id: string;
  workflowId: string;
  runId: string | null;
}
export type WorkflowEvent = EventBase &
  (
    | { __typename: 'RunStatusEvent'; status: RunStatus; error: { code: string } | null }
    | { __typename: 'MessageDeltaEvent'; messageId: string; delta: string }
    | { __typename: 'MessageEvent'; message: Message }
    | { __typename: 'UsageEvent'; usage: Usage }
    | { __typename: 'LogEvent'; event: string }
    | { __typename: 'ToolCallEvent'; toolCallId: string; name: string }
  );
export type EventOf<T extends WorkflowEvent['__typename']> = Extract<
  WorkflowEvent,
  { __typename: T }
>;

const TERMINAL: ReadonlySet<RunStatus> = new Set([
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'MAX_TURNS_REACHED',
  'TIMED_OUT',
]);

export function isTerminalStatusEvent(event: WorkflowEvent): event is EventOf<'RunStatusEvent'> {
  return event.__typename === 'RunStatusEvent' && TERMINAL.has(event.status);
}

const EVENT_FIELDS = `
  id __typename workflowId runId
  ... on RunStatusEvent { status error { code } }
  ... on MessageDeltaEvent { messageId delta }
  ... on MessageEvent { message { id role content runId } }
  ... on UsageEvent { usage { inputTokens outputTokens totalTokens } }
  ... on LogEvent { event }
  ... on ToolCallEvent { toolCallId name }
`;
const RUN_FIELDS =
  'id status prompt output usage { inputTokens outputTokens totalTokens } createdAt startedAt finishedAt';

const createAgentOp = operation<
  { createAgent: { id: string } },
  { input: { name: string; systemPrompt: string; model: string } }
>('mutation ($input: CreateAgentInput!) { createAgent(input: $input) { id } }');
const createWorkflowOp = operation<{ createWorkflow: { id: string } }, { agentId: string }>(
  'mutation ($agentId: ID!) { createWorkflow(input: { agentId: $agentId }) { id } }',
);
const sendPromptOp = operation<{ sendPrompt: Run }, { workflowId: string; prompt: string }>(
  `mutation ($workflowId: ID!, $prompt: String!) {
    sendPrompt(input: { workflowId: $workflowId, prompt: $prompt }) { ${RUN_FIELDS} }
  }`,
);
const cancelRunOp = operation<{ cancelRun: Run }, { id: string }>(
  `mutation ($id: ID!) { cancelRun(id: $id) { ${RUN_FIELDS} } }`,
);
const runOp = operation<{ run: Run | null }, { id: string }>(
  `query ($id: ID!) { run(id: $id) { ${RUN_FIELDS} } }`,
);
const messagesOp = operation<
  { workflow: { messages: { edges: { node: Message }[] } } | null },
  { id: string }
>(
  `query ($id: ID!) {
    workflow(id: $id) { messages(first: 100) { edges { node { id role content runId } } } }
  }`,
);
const runEventsOp = operation<{ runEvents: WorkflowEvent }, { runId: string; after?: string }>(
  `subscription ($runId: ID!, $after: String) {
    runEvents(runId: $runId, after: $after) { ${EVENT_FIELDS} }
  }`,
);
const workflowEventsOp = operation<
  { workflowEvents: WorkflowEvent },
  { workflowId: string; after?: string }
>(
  `subscription ($workflowId: ID!, $after: String) {
    workflowEvents(workflowId: $workflowId, after: $after) { ${EVENT_FIELDS} }
  }`,
);

/** The operations the end-to-end tests use, through one gateway. */
export interface AgentgateClient {
  readonly url: string;
  createAgent(input: { name: string; systemPrompt: string; model: string }): Promise<string>;
  createWorkflow(agentId: string): Promise<string>;
  sendPrompt(workflowId: string, prompt: string): Promise<Run>;
  cancelRun(id: string): Promise<Run>;
  run(id: string): Promise<Run | null>;
  /** The workflow's conversation, oldest first (first 100). */
  messages(workflowId: string): Promise<Message[]>;
  runEvents(runId: string, after?: string): Subscription<WorkflowEvent>;
  workflowEvents(workflowId: string, after?: string): Subscription<WorkflowEvent>;
  close(): void;
}

export function createAgentgateClient(
  baseUrl: string,
  options: GraphQLClientOptions = {},
): AgentgateClient {
  const client = createGraphQLClient(baseUrl, options);
  const unwrap = <T, K extends keyof T>(
    subscription: Subscription<T>,
    key: K,
  ): Subscription<T[K]> => ({
    connected: subscription.connected,
    dispose: subscription.dispose,
    async *[Symbol.asyncIterator]() {
      for await (const data of subscription) yield data[key];
    },
  });
  return {
    url: client.url,
    createAgent: async (input) => (await client.execute(createAgentOp, { input })).createAgent.id,
    createWorkflow: async (agentId) =>
      (await client.execute(createWorkflowOp, { agentId })).createWorkflow.id,
    sendPrompt: async (workflowId, prompt) =>
      (await client.execute(sendPromptOp, { workflowId, prompt })).sendPrompt,
    cancelRun: async (id) => (await client.execute(cancelRunOp, { id })).cancelRun,
    run: async (id) => (await client.execute(runOp, { id })).run,
    async messages(workflowId) {
      const { workflow } = await client.execute(messagesOp, { id: workflowId });
      if (!workflow) throw new Error(`${client.url}: workflow ${workflowId} not found`);
      return workflow.messages.edges.map((edge) => edge.node);
    },
    runEvents: (runId, after) =>
      unwrap(client.subscribe(runEventsOp, after ? { runId, after } : { runId }), 'runEvents'),
    workflowEvents: (workflowId, after) =>
      unwrap(
        client.subscribe(workflowEventsOp, after ? { workflowId, after } : { workflowId }),
        'workflowEvents',
      ),
    close: client.close,
  };
}
