import { createClient } from 'graphql-sse';
import {
  AgentDocument,
  AgentsDocument,
  CancelRunDocument,
  CreateAgentDocument,
  CreateWorkflowDocument,
  DeleteAgentDocument,
  DeleteWorkflowDocument,
  RunDocument,
  RunEventsDocument,
  SendPromptDocument,
  UpdateAgentDocument,
  WorkflowDocument,
  WorkflowEventsDocument,
  WorkflowMessagesDocument,
  WorkflowRunsDocument,
  WorkflowsDocument,
} from './documents.ts';
import { AgentgateError, type GraphQLErrorPayload } from './errors.ts';
import type {
  AgentFieldsFragment,
  CreateAgentInput,
  CreateWorkflowInput,
  MessageFieldsFragment,
  PageInfoFieldsFragment,
  RunFieldsFragment,
  RunStatus,
  SendPromptInput,
  TypedDocumentString,
  UpdateAgentInput,
  WorkflowEventFieldsFragment,
  WorkflowFieldsFragment,
} from './gql/graphql.ts';
import {
  DEFAULT_RETRY,
  errorOfResponse,
  type RetryOptions,
  resumableStream,
  type StreamOptions,
} from './stream.ts';

export type Agent = AgentFieldsFragment;
export type Workflow = WorkflowFieldsFragment;
export type Run = RunFieldsFragment;
export type Message = MessageFieldsFragment;
/** One event of a workflow's stream; narrow it by `__typename`. */
export type WorkflowEvent = WorkflowEventFieldsFragment;
export type EventOf<T extends WorkflowEvent['__typename']> = Extract<
  WorkflowEvent,
  { __typename: T }
>;

/** A page of a connection: its items, oldest or newest first as the field defines. */
export interface Page<T> {
  nodes: T[];
  pageInfo: PageInfoFieldsFragment;
}

/** `first` (page size) and `after` (the previous page's `pageInfo.endCursor`). */
export interface PageArgs {
  first?: number;
  after?: string | null;
}

export interface AgentgateClientOptions {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  url: string;
  /**
   * The API token, sent as `Authorization: Bearer <token>`. A function is asked before every
   * request and reconnect (e.g. to read it from storage); absent or empty: no header.
   */
  token?: string | null | (() => string | null | undefined);
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  /** How streams reconnect after a dropped connection. */
  retry?: RetryOptions;
}

const TERMINAL_STATUSES: ReadonlySet<RunStatus> = new Set([
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'MAX_TURNS_REACHED',
  'TIMED_OUT',
]);

/** True for every status but QUEUED and RUNNING: the run has ended. */
export function isTerminalStatus(status: RunStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** True for the one event that ends a run: its terminal RunStatusEvent. */
export function isTerminalEvent(event: WorkflowEvent): event is EventOf<'RunStatusEvent'> {
  return event.__typename === 'RunStatusEvent' && isTerminalStatus(event.status);
}

/**
 * A typed Agentgate client for Node (20+) and browsers: queries and mutations over `fetch`, and
 * run and workflow streams over GraphQL-over-SSE that resume on their own after a dropped
 * connection. Every failure is an `AgentgateError` with a `code`.
 */
export function createAgentgateClient(options: AgentgateClientOptions) {
  const { url } = options;
  // Why a wrapper: browsers reject `fetch` called with another `this` ("Illegal invocation").
  const fetchFn: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const retry = { ...DEFAULT_RETRY, ...options.retry };

  function authHeaders(): Record<string, string> {
    const token = typeof options.token === 'function' ? options.token() : options.token;
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  const sse = createClient({
    url,
    fetchFn,
    singleConnection: false,
    headers: authHeaders,
    // Why: graphql-sse would resend the original `after`; resumableStream resumes from the last
    // event it delivered instead.
    retryAttempts: 0,
  });

  /** Runs any typed query or mutation; rejects with `AgentgateError` when `errors[]` is present. */
  async function request<TResult, TVariables>(
    document: TypedDocumentString<TResult, TVariables>,
    variables: TVariables,
  ): Promise<TResult> {
    let response: Response;
    try {
      response = await fetchFn(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...authHeaders(),
        },
        body: JSON.stringify({ query: document.toString(), variables }),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new AgentgateError('NETWORK_ERROR', `${url}: ${message}`, [], undefined, {
        cause: error,
      });
    }
    const type = response.headers.get('content-type') ?? '';
    if (!type.includes('json')) throw await errorOfResponse(response);
    const body = (await response.json()) as { data?: TResult; errors?: GraphQLErrorPayload[] };
    if (body.errors?.length) throw AgentgateError.fromGraphQLErrors(body.errors, response.status);
    if (body.data === undefined || body.data === null) {
      throw AgentgateError.fromStatus(response.status, 'no data in the response');
    }
    return body.data;
  }

  const page = <T>(connection: { edges: { node: T }[]; pageInfo: PageInfoFieldsFragment }) => ({
    nodes: connection.edges.map((edge) => edge.node),
    pageInfo: connection.pageInfo,
  });

  function found<T>(value: T | null, type: string, id: string): T {
    if (value === null) throw new AgentgateError('NOT_FOUND', `${type} ${id} was not found.`);
    return value;
  }

  return {
    url,
    request,

    async agents(args: PageArgs = {}): Promise<Page<Agent>> {
      return page((await request(AgentsDocument, args)).agents);
    },
    /** The agent, or null when there is none with this id (or it belongs to another tenant). */
    async agent(id: string): Promise<Agent | null> {
      return (await request(AgentDocument, { id })).agent;
    },
    async createAgent(input: CreateAgentInput): Promise<Agent> {
      return (await request(CreateAgentDocument, { input })).createAgent;
    },
    async updateAgent(id: string, input: UpdateAgentInput): Promise<Agent> {
      return (await request(UpdateAgentDocument, { id, input })).updateAgent;
    },
    async deleteAgent(id: string): Promise<string> {
      return (await request(DeleteAgentDocument, { id })).deleteAgent;
    },

    async workflows(args: PageArgs = {}): Promise<Page<Workflow>> {
      return page((await request(WorkflowsDocument, args)).workflows);
    },
    async workflow(id: string): Promise<Workflow | null> {
      return (await request(WorkflowDocument, { id })).workflow;
    },
    async createWorkflow(input: CreateWorkflowInput): Promise<Workflow> {
      return (await request(CreateWorkflowDocument, { input })).createWorkflow;
    },
    async deleteWorkflow(id: string): Promise<string> {
      return (await request(DeleteWorkflowDocument, { id })).deleteWorkflow;
    },
    /** The workflow's conversation, oldest first. */
    async messages(workflowId: string, args: PageArgs = {}): Promise<Page<Message>> {
      const { workflow } = await request(WorkflowMessagesDocument, { id: workflowId, ...args });
      return page(found(workflow, 'Workflow', workflowId).messages);
    },
    /** The workflow's runs, as the API orders them. */
    async runs(workflowId: string, args: PageArgs = {}): Promise<Page<Run>> {
      const { workflow } = await request(WorkflowRunsDocument, { id: workflowId, ...args });
      return page(found(workflow, 'Workflow', workflowId).runs);
    },

    async run(id: string): Promise<(Run & { workflow: { id: string } }) | null> {
      return (await request(RunDocument, { id })).run;
    },
    /** Queues a run and returns it at once (QUEUED); watch it with `streamRun`. */
    async sendPrompt(input: SendPromptInput): Promise<Run> {
      return (await request(SendPromptDocument, { input })).sendPrompt;
    },
    async cancelRun(id: string): Promise<Run> {
      return (await request(CancelRunDocument, { id })).cancelRun;
    },

    /**
     * The run's events from its first one (or after `options.after`), ending after its terminal
     * RunStatusEvent. Reconnects and resumes on its own: no gap, no duplicate.
     */
    streamRun(runId: string, streamOptions: StreamOptions = {}) {
      return resumableStream<WorkflowEvent>({
        sse,
        query: RunEventsDocument.toString(),
        variables: (after) => ({ runId, after }),
        pick: (data) => data.runEvents as WorkflowEvent,
        isLast: isTerminalEvent,
        retry,
        options: streamOptions,
      });
    },

    /**
     * Every event of the workflow after `options.after` (live only when absent), until aborted or
     * broken out of. Reconnects and resumes on its own: no gap, no duplicate — from the first event
     * on: a stream started live that drops before any event arrives has no cursor yet and resumes
     * live, so pass `after` (e.g. the last id you stored) to be gap-free from a known point.
     */
    streamWorkflow(workflowId: string, streamOptions: StreamOptions = {}) {
      return resumableStream<WorkflowEvent>({
        sse,
        query: WorkflowEventsDocument.toString(),
        variables: (after) => ({ workflowId, after }),
        pick: (data) => data.workflowEvents as WorkflowEvent,
        resumeOnComplete: true,
        retry,
        options: streamOptions,
      });
    },

    /** Closes every open stream. */
    dispose(): void {
      sse.dispose();
    },
  };
}

export type AgentgateClient = ReturnType<typeof createAgentgateClient>;
