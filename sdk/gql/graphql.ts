/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** A new agent. */
export type CreateAgentInput = {
  /** Context budget in estimated tokens (100 to 10000000); absent: the deployment's. */
  contextBudget?: number | null | undefined;
  /** Free text (up to 2,000 characters). */
  description?: string | null | undefined;
  /** MCP servers the agent uses, by id (default none). */
  mcpServerIds?: Array<string | number> | null | undefined;
  /** MCP servers the agent uses, by tag (default none). */
  mcpServerTags?: Array<string> | null | undefined;
  /** provider:model, e.g. openai:gpt-4.1, anthropic:claude-sonnet-4-5, demo:echo */
  model: string;
  /** Display name (1–200 characters). */
  name: string;
  /** Skills the agent uses, by id (default none); an unknown id is NOT_FOUND. */
  skillIds?: Array<string | number> | null | undefined;
  /** Skills the agent uses, by tag (default none). */
  skillTags?: Array<string> | null | undefined;
  /** Instructions given to the model. */
  systemPrompt: string;
};

/** A new workflow. */
export type CreateWorkflowInput = {
  /** The agent to talk to. */
  agentId: string | number;
  /** Most tool-calling model steps one run may take (default from config). */
  maxTurns?: number | null | undefined;
  /** provider:model overriding the agent’s model. */
  model?: string | null | undefined;
  /** Queue-wait limit of its runs in ms (100 to 604800000); lowers the deployment’s, a higher value has no effect. */
  queueTimeoutMs?: number | null | undefined;
  /** Execution limit of its runs in ms (100 to 604800000); lowers the deployment’s, a higher value has no effect. */
  runTimeoutMs?: number | null | undefined;
  /** Skills this workflow adds to its agent’s, by id (default none); an unknown id is NOT_FOUND. */
  skillIds?: Array<string | number> | null | undefined;
  /** Display title. */
  title?: string | null | undefined;
};

/** What sendPrompt does when the workflow already has an active run. */
export type IfBusy =
  /** Run after the active runs, in order. */
  | 'ENQUEUE'
  /** Cancel the active runs, then run this one. */
  | 'INTERRUPT'
  /** Fail with CONFLICT. */
  | 'REJECT';

/** Who a message is from. */
export type MessageRole =
  | 'ASSISTANT'
  | 'SYSTEM'
  | 'TOOL'
  | 'USER';

/** Where a run is in its life. Every status but QUEUED and RUNNING is terminal. */
export type RunStatus =
  | 'CANCELLED'
  | 'FAILED'
  | 'MAX_TURNS_REACHED'
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'TIMED_OUT';

/** A prompt for a workflow. */
export type SendPromptInput = {
  /** Same key and same input within 24 h returns the same Run instead of starting another. */
  idempotencyKey?: string | null | undefined;
  /** What to do when the workflow already has an active run. */
  ifBusy?: IfBusy | null | undefined;
  /** The user’s message (non-empty, size-limited). */
  prompt: string;
  /** The workflow to prompt. */
  workflowId: string | number;
};

/** Where a tool call is. */
export type ToolCallStatus =
  | 'FAILED'
  | 'STARTED'
  | 'SUCCEEDED';

/** Changes to an agent; absent fields stay as they are. */
export type UpdateAgentInput = {
  /** Context budget in estimated tokens; null: the deployment’s from then on. */
  contextBudget?: number | null | undefined;
  /** Free text; null clears it. */
  description?: string | null | undefined;
  /** Replaces the MCP servers picked by id. */
  mcpServerIds?: Array<string | number> | null | undefined;
  /** Replaces the MCP server tags. */
  mcpServerTags?: Array<string> | null | undefined;
  /** provider:model. */
  model?: string | null | undefined;
  /** Display name (1–200 characters). */
  name?: string | null | undefined;
  /** Replaces the skills picked by id. */
  skillIds?: Array<string | number> | null | undefined;
  /** Replaces the skill tags. */
  skillTags?: Array<string> | null | undefined;
  /** Instructions given to the model. */
  systemPrompt?: string | null | undefined;
};

export type AgentFieldsFragment = { id: string, name: string, systemPrompt: string, model: string, description: string | null, createdAt: string, updatedAt: string };

export type RunFieldsFragment = { id: string, status: RunStatus, prompt: string, output: string | null, createdAt: string, startedAt: string | null, finishedAt: string | null, error: { code: string, message: string } | null, usage: { inputTokens: number, outputTokens: number, totalTokens: number } };

export type WorkflowFieldsFragment = { id: string, title: string | null, model: string, maxTurns: number, createdAt: string, agent: { id: string, name: string, model: string }, activeRun: { id: string, status: RunStatus, prompt: string, output: string | null, createdAt: string, startedAt: string | null, finishedAt: string | null, error: { code: string, message: string } | null, usage: { inputTokens: number, outputTokens: number, totalTokens: number } } | null, usage: { inputTokens: number, outputTokens: number, totalTokens: number } };

export type MessageFieldsFragment = { id: string, role: MessageRole, content: string, runId: string | null, createdAt: string };

type WorkflowEventFields_LogEvent_Fragment = { __typename: 'LogEvent', event: string, detail: unknown, id: string, workflowId: string, runId: string | null, at: string };

type WorkflowEventFields_MessageDeltaEvent_Fragment = { __typename: 'MessageDeltaEvent', messageId: string, delta: string, id: string, workflowId: string, runId: string | null, at: string };

type WorkflowEventFields_MessageEvent_Fragment = { __typename: 'MessageEvent', id: string, workflowId: string, runId: string | null, at: string, message: { id: string, role: MessageRole, content: string, runId: string | null, createdAt: string } };

type WorkflowEventFields_RunStatusEvent_Fragment = { __typename: 'RunStatusEvent', status: RunStatus, id: string, workflowId: string, runId: string | null, at: string, error: { code: string, message: string } | null };

type WorkflowEventFields_ToolCallEvent_Fragment = { __typename: 'ToolCallEvent', toolCallId: string, name: string, arguments: unknown, result: unknown, id: string, workflowId: string, runId: string | null, at: string, toolStatus: ToolCallStatus };

type WorkflowEventFields_UsageEvent_Fragment = { __typename: 'UsageEvent', id: string, workflowId: string, runId: string | null, at: string, usage: { inputTokens: number, outputTokens: number, totalTokens: number } };

export type WorkflowEventFieldsFragment =
  | WorkflowEventFields_LogEvent_Fragment
  | WorkflowEventFields_MessageDeltaEvent_Fragment
  | WorkflowEventFields_MessageEvent_Fragment
  | WorkflowEventFields_RunStatusEvent_Fragment
  | WorkflowEventFields_ToolCallEvent_Fragment
  | WorkflowEventFields_UsageEvent_Fragment
;

export type PageInfoFieldsFragment = { hasNextPage: boolean, endCursor: string | null };

export type AgentsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type AgentsQuery = { agents: { edges: Array<{ node: { id: string, name: string, systemPrompt: string, model: string, description: string | null, createdAt: string, updatedAt: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type AgentQueryVariables = Exact<{
  id: string | number;
}>;


export type AgentQuery = { agent: { id: string, name: string, systemPrompt: string, model: string, description: string | null, createdAt: string, updatedAt: string } | null };

export type CreateAgentMutationVariables = Exact<{
  input: CreateAgentInput;
}>;


export type CreateAgentMutation = { createAgent: { id: string, name: string, systemPrompt: string, model: string, description: string | null, createdAt: string, updatedAt: string } };

export type UpdateAgentMutationVariables = Exact<{
  id: string | number;
  input: UpdateAgentInput;
}>;


export type UpdateAgentMutation = { updateAgent: { id: string, name: string, systemPrompt: string, model: string, description: string | null, createdAt: string, updatedAt: string } };

export type DeleteAgentMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteAgentMutation = { deleteAgent: string };

export type WorkflowsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type WorkflowsQuery = { workflows: { edges: Array<{ node: { id: string, title: string | null, model: string, maxTurns: number, createdAt: string, agent: { id: string, name: string, model: string }, activeRun: { id: string, status: RunStatus, prompt: string, output: string | null, createdAt: string, startedAt: string | null, finishedAt: string | null, error: { code: string, message: string } | null, usage: { inputTokens: number, outputTokens: number, totalTokens: number } } | null, usage: { inputTokens: number, outputTokens: number, totalTokens: number } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type WorkflowQueryVariables = Exact<{
  id: string | number;
}>;


export type WorkflowQuery = { workflow: { id: string, title: string | null, model: string, maxTurns: number, createdAt: string, agent: { id: string, name: string, model: string }, activeRun: { id: string, status: RunStatus, prompt: string, output: string | null, createdAt: string, startedAt: string | null, finishedAt: string | null, error: { code: string, message: string } | null, usage: { inputTokens: number, outputTokens: number, totalTokens: number } } | null, usage: { inputTokens: number, outputTokens: number, totalTokens: number } } | null };

export type WorkflowMessagesQueryVariables = Exact<{
  id: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type WorkflowMessagesQuery = { workflow: { id: string, messages: { edges: Array<{ node: { id: string, role: MessageRole, content: string, runId: string | null, createdAt: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type WorkflowRunsQueryVariables = Exact<{
  id: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type WorkflowRunsQuery = { workflow: { id: string, runs: { edges: Array<{ node: { id: string, status: RunStatus, prompt: string, output: string | null, createdAt: string, startedAt: string | null, finishedAt: string | null, error: { code: string, message: string } | null, usage: { inputTokens: number, outputTokens: number, totalTokens: number } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type CreateWorkflowMutationVariables = Exact<{
  input: CreateWorkflowInput;
}>;


export type CreateWorkflowMutation = { createWorkflow: { id: string, title: string | null, model: string, maxTurns: number, createdAt: string, agent: { id: string, name: string, model: string }, activeRun: { id: string, status: RunStatus, prompt: string, output: string | null, createdAt: string, startedAt: string | null, finishedAt: string | null, error: { code: string, message: string } | null, usage: { inputTokens: number, outputTokens: number, totalTokens: number } } | null, usage: { inputTokens: number, outputTokens: number, totalTokens: number } } };

export type DeleteWorkflowMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteWorkflowMutation = { deleteWorkflow: string };

export type RunQueryVariables = Exact<{
  id: string | number;
}>;


export type RunQuery = { run: { id: string, status: RunStatus, prompt: string, output: string | null, createdAt: string, startedAt: string | null, finishedAt: string | null, workflow: { id: string }, error: { code: string, message: string } | null, usage: { inputTokens: number, outputTokens: number, totalTokens: number } } | null };

export type SendPromptMutationVariables = Exact<{
  input: SendPromptInput;
}>;


export type SendPromptMutation = { sendPrompt: { id: string, status: RunStatus, prompt: string, output: string | null, createdAt: string, startedAt: string | null, finishedAt: string | null, error: { code: string, message: string } | null, usage: { inputTokens: number, outputTokens: number, totalTokens: number } } };

export type CancelRunMutationVariables = Exact<{
  id: string | number;
}>;


export type CancelRunMutation = { cancelRun: { id: string, status: RunStatus, prompt: string, output: string | null, createdAt: string, startedAt: string | null, finishedAt: string | null, error: { code: string, message: string } | null, usage: { inputTokens: number, outputTokens: number, totalTokens: number } } };

export type RunEventsSubscriptionVariables = Exact<{
  runId: string | number;
  after?: string | null | undefined;
}>;


export type RunEventsSubscription = { runEvents:
    | { __typename: 'LogEvent', event: string, detail: unknown, id: string, workflowId: string, runId: string | null, at: string }
    | { __typename: 'MessageDeltaEvent', messageId: string, delta: string, id: string, workflowId: string, runId: string | null, at: string }
    | { __typename: 'MessageEvent', id: string, workflowId: string, runId: string | null, at: string, message: { id: string, role: MessageRole, content: string, runId: string | null, createdAt: string } }
    | { __typename: 'RunStatusEvent', status: RunStatus, id: string, workflowId: string, runId: string | null, at: string, error: { code: string, message: string } | null }
    | { __typename: 'ToolCallEvent', toolCallId: string, name: string, arguments: unknown, result: unknown, id: string, workflowId: string, runId: string | null, at: string, toolStatus: ToolCallStatus }
    | { __typename: 'UsageEvent', id: string, workflowId: string, runId: string | null, at: string, usage: { inputTokens: number, outputTokens: number, totalTokens: number } }
   };

export type WorkflowEventsSubscriptionVariables = Exact<{
  workflowId: string | number;
  after?: string | null | undefined;
}>;


export type WorkflowEventsSubscription = { workflowEvents:
    | { __typename: 'LogEvent', event: string, detail: unknown, id: string, workflowId: string, runId: string | null, at: string }
    | { __typename: 'MessageDeltaEvent', messageId: string, delta: string, id: string, workflowId: string, runId: string | null, at: string }
    | { __typename: 'MessageEvent', id: string, workflowId: string, runId: string | null, at: string, message: { id: string, role: MessageRole, content: string, runId: string | null, createdAt: string } }
    | { __typename: 'RunStatusEvent', status: RunStatus, id: string, workflowId: string, runId: string | null, at: string, error: { code: string, message: string } | null }
    | { __typename: 'ToolCallEvent', toolCallId: string, name: string, arguments: unknown, result: unknown, id: string, workflowId: string, runId: string | null, at: string, toolStatus: ToolCallStatus }
    | { __typename: 'UsageEvent', id: string, workflowId: string, runId: string | null, at: string, usage: { inputTokens: number, outputTokens: number, totalTokens: number } }
   };

export type CrudTestCreateAgentMutationVariables = Exact<{
  input: CreateAgentInput;
}>;


export type CrudTestCreateAgentMutation = { createAgent: { id: string, name: string, systemPrompt: string, model: string, description: string | null, createdAt: string } };

export type CrudTestUpdateAgentMutationVariables = Exact<{
  id: string | number;
  input: UpdateAgentInput;
}>;


export type CrudTestUpdateAgentMutation = { updateAgent: { id: string, name: string, model: string, description: string | null } };

export type CrudTestAgentsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type CrudTestAgentsQuery = { agents: { edges: Array<{ cursor: string, node: { id: string, name: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type CrudTestAgentNameQueryVariables = Exact<{
  id: string | number;
}>;


export type CrudTestAgentNameQuery = { agent: { name: string } | null };

export type CrudTestAgentIdQueryVariables = Exact<{
  id: string | number;
}>;


export type CrudTestAgentIdQuery = { agent: { id: string } | null };

export type CrudTestMissingAgentQueryVariables = Exact<{ [key: string]: never; }>;


export type CrudTestMissingAgentQuery = { agent: { id: string } | null };

export type CrudTestDeleteAgentMutationVariables = Exact<{
  id: string | number;
}>;


export type CrudTestDeleteAgentMutation = { deleteAgent: string };

export type CrudTestDeleteMissingAgentMutationVariables = Exact<{ [key: string]: never; }>;


export type CrudTestDeleteMissingAgentMutation = { deleteAgent: string };

export type CrudTestCreateWorkflowMutationVariables = Exact<{
  input: CreateWorkflowInput;
}>;


export type CrudTestCreateWorkflowMutation = { createWorkflow: { id: string, title: string | null, model: string, maxTurns: number, createdAt: string, agent: { id: string }, activeRun: { id: string } | null, usage: { totalTokens: number } } };

export type CrudTestWorkflowCursorsQueryVariables = Exact<{ [key: string]: never; }>;


export type CrudTestWorkflowCursorsQuery = { workflows: { edges: Array<{ cursor: string }> } };

export type CrudTestSendPromptMutationVariables = Exact<{
  input: SendPromptInput;
}>;


export type CrudTestSendPromptMutation = { sendPrompt: { id: string } };

export type CrudTestRunEventIdsSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type CrudTestRunEventIdsSubscription = { runEvents:
    | { id: string }
    | { id: string }
    | { id: string }
    | { id: string }
    | { id: string }
    | { id: string }
   };

export type CrudTestDeleteWorkflowMutationVariables = Exact<{
  id: string | number;
}>;


export type CrudTestDeleteWorkflowMutation = { deleteWorkflow: string };

export type CrudTestWorkflowAndRunQueryVariables = Exact<{
  w: string | number;
  r: string | number;
}>;


export type CrudTestWorkflowAndRunQuery = { workflow: { id: string } | null, run: { id: string } | null };

export type CrudTestWorkflowRunCursorsQueryVariables = Exact<{
  id: string | number;
}>;


export type CrudTestWorkflowRunCursorsQuery = { workflow: { runs: { edges: Array<{ cursor: string }> } } | null };

export type CrudTestMissingRunAndWorkflowQueryVariables = Exact<{ [key: string]: never; }>;


export type CrudTestMissingRunAndWorkflowQuery = { run: { id: string } | null, workflow: { id: string } | null };

export type CrudTestCancelMissingRunMutationVariables = Exact<{ [key: string]: never; }>;


export type CrudTestCancelMissingRunMutation = { cancelRun: { id: string } };

export type RunsTestSendMutationVariables = Exact<{
  input: SendPromptInput;
}>;


export type RunsTestSendMutation = { sendPrompt: { id: string, status: RunStatus, prompt: string } };

export type RunsTestRunEventsSubscriptionVariables = Exact<{
  runId: string | number;
  after?: string | null | undefined;
}>;


export type RunsTestRunEventsSubscription = { runEvents:
    | { __typename: 'LogEvent', event: string, detail: unknown, id: string, workflowId: string, runId: string | null, at: string }
    | { __typename: 'MessageDeltaEvent', messageId: string, delta: string, id: string, workflowId: string, runId: string | null, at: string }
    | { __typename: 'MessageEvent', id: string, workflowId: string, runId: string | null, at: string, message: { id: string, role: MessageRole, content: string, runId: string | null } }
    | { __typename: 'RunStatusEvent', status: RunStatus, id: string, workflowId: string, runId: string | null, at: string, error: { code: string, message: string } | null }
    | { __typename: 'ToolCallEvent', toolCallId: string, name: string, arguments: unknown, result: unknown, id: string, workflowId: string, runId: string | null, at: string, toolStatus: ToolCallStatus }
    | { __typename: 'UsageEvent', id: string, workflowId: string, runId: string | null, at: string, usage: { inputTokens: number, outputTokens: number, totalTokens: number } }
   };

export type RunsTestWorkflowEventsSubscriptionVariables = Exact<{
  workflowId: string | number;
  after?: string | null | undefined;
}>;


export type RunsTestWorkflowEventsSubscription = { workflowEvents:
    | { __typename: 'LogEvent', event: string, detail: unknown, id: string, workflowId: string, runId: string | null, at: string }
    | { __typename: 'MessageDeltaEvent', messageId: string, delta: string, id: string, workflowId: string, runId: string | null, at: string }
    | { __typename: 'MessageEvent', id: string, workflowId: string, runId: string | null, at: string, message: { id: string, role: MessageRole, content: string, runId: string | null } }
    | { __typename: 'RunStatusEvent', status: RunStatus, id: string, workflowId: string, runId: string | null, at: string, error: { code: string, message: string } | null }
    | { __typename: 'ToolCallEvent', toolCallId: string, name: string, arguments: unknown, result: unknown, id: string, workflowId: string, runId: string | null, at: string, toolStatus: ToolCallStatus }
    | { __typename: 'UsageEvent', id: string, workflowId: string, runId: string | null, at: string, usage: { inputTokens: number, outputTokens: number, totalTokens: number } }
   };

export type RunsTestRunQueryVariables = Exact<{
  id: string | number;
}>;


export type RunsTestRunQuery = { run: { id: string, status: RunStatus, output: string | null, startedAt: string | null, finishedAt: string | null, error: { code: string, message: string } | null, usage: { inputTokens: number, outputTokens: number, totalTokens: number }, workflow: { id: string } } | null };

export type RunsTestMessagesQueryVariables = Exact<{
  id: string | number;
}>;


export type RunsTestMessagesQuery = { workflow: { messages: { edges: Array<{ node: { role: MessageRole, content: string, runId: string | null } }> } } | null };

export type RunsTestFirstMessagesQueryVariables = Exact<{
  id: string | number;
}>;


export type RunsTestFirstMessagesQuery = { workflow: { messages: { edges: Array<{ node: { content: string } }> } } | null };

export type RunsTestCancelMutationVariables = Exact<{
  id: string | number;
}>;


export type RunsTestCancelMutation = { cancelRun: { id: string, status: RunStatus, finishedAt: string | null } };

export type SseTestSendMutationVariables = Exact<{
  input: SendPromptInput;
}>;


export type SseTestSendMutation = { sendPrompt: { id: string } };

export type SseTestRunEventIdsSubscriptionVariables = Exact<{
  runId: string | number;
}>;


export type SseTestRunEventIdsSubscription = { runEvents:
    | { id: string }
    | { id: string }
    | { id: string }
    | { id: string }
    | { id: string }
    | { id: string }
   };

export type TestCreateDemoAgentMutationVariables = Exact<{
  input: CreateAgentInput;
}>;


export type TestCreateDemoAgentMutation = { createAgent: { id: string } };

export type TestCreateDemoWorkflowMutationVariables = Exact<{
  input: CreateWorkflowInput;
}>;


export type TestCreateDemoWorkflowMutation = { createWorkflow: { id: string } };

type TestEventFields_LogEvent_Fragment = { __typename: 'LogEvent', event: string, detail: unknown, id: string, workflowId: string, runId: string | null, at: string };

type TestEventFields_MessageDeltaEvent_Fragment = { __typename: 'MessageDeltaEvent', messageId: string, delta: string, id: string, workflowId: string, runId: string | null, at: string };

type TestEventFields_MessageEvent_Fragment = { __typename: 'MessageEvent', id: string, workflowId: string, runId: string | null, at: string, message: { id: string, role: MessageRole, content: string, runId: string | null } };

type TestEventFields_RunStatusEvent_Fragment = { __typename: 'RunStatusEvent', status: RunStatus, id: string, workflowId: string, runId: string | null, at: string, error: { code: string, message: string } | null };

type TestEventFields_ToolCallEvent_Fragment = { __typename: 'ToolCallEvent', toolCallId: string, name: string, arguments: unknown, result: unknown, id: string, workflowId: string, runId: string | null, at: string, toolStatus: ToolCallStatus };

type TestEventFields_UsageEvent_Fragment = { __typename: 'UsageEvent', id: string, workflowId: string, runId: string | null, at: string, usage: { inputTokens: number, outputTokens: number, totalTokens: number } };

export type TestEventFieldsFragment =
  | TestEventFields_LogEvent_Fragment
  | TestEventFields_MessageDeltaEvent_Fragment
  | TestEventFields_MessageEvent_Fragment
  | TestEventFields_RunStatusEvent_Fragment
  | TestEventFields_ToolCallEvent_Fragment
  | TestEventFields_UsageEvent_Fragment
;

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const AgentFieldsFragmentDoc = new TypedDocumentString(`
    fragment AgentFields on Agent {
  id
  name
  systemPrompt
  model
  description
  createdAt
  updatedAt
}
    `, {"fragmentName":"AgentFields"}) as unknown as TypedDocumentString<AgentFieldsFragment, unknown>;
export const RunFieldsFragmentDoc = new TypedDocumentString(`
    fragment RunFields on Run {
  id
  status
  prompt
  output
  error {
    code
    message
  }
  usage {
    inputTokens
    outputTokens
    totalTokens
  }
  createdAt
  startedAt
  finishedAt
}
    `, {"fragmentName":"RunFields"}) as unknown as TypedDocumentString<RunFieldsFragment, unknown>;
export const WorkflowFieldsFragmentDoc = new TypedDocumentString(`
    fragment WorkflowFields on Workflow {
  id
  title
  model
  maxTurns
  createdAt
  agent {
    id
    name
    model
  }
  activeRun {
    ...RunFields
  }
  usage {
    inputTokens
    outputTokens
    totalTokens
  }
}
    fragment RunFields on Run {
  id
  status
  prompt
  output
  error {
    code
    message
  }
  usage {
    inputTokens
    outputTokens
    totalTokens
  }
  createdAt
  startedAt
  finishedAt
}`, {"fragmentName":"WorkflowFields"}) as unknown as TypedDocumentString<WorkflowFieldsFragment, unknown>;
export const MessageFieldsFragmentDoc = new TypedDocumentString(`
    fragment MessageFields on Message {
  id
  role
  content
  runId
  createdAt
}
    `, {"fragmentName":"MessageFields"}) as unknown as TypedDocumentString<MessageFieldsFragment, unknown>;
export const WorkflowEventFieldsFragmentDoc = new TypedDocumentString(`
    fragment WorkflowEventFields on WorkflowEvent {
  __typename
  id
  workflowId
  runId
  at
  ... on RunStatusEvent {
    status
    error {
      code
      message
    }
  }
  ... on MessageDeltaEvent {
    messageId
    delta
  }
  ... on MessageEvent {
    message {
      ...MessageFields
    }
  }
  ... on ToolCallEvent {
    toolCallId
    name
    toolStatus: status
    arguments
    result
  }
  ... on UsageEvent {
    usage {
      inputTokens
      outputTokens
      totalTokens
    }
  }
  ... on LogEvent {
    event
    detail
  }
}
    fragment MessageFields on Message {
  id
  role
  content
  runId
  createdAt
}`, {"fragmentName":"WorkflowEventFields"}) as unknown as TypedDocumentString<WorkflowEventFieldsFragment, unknown>;
export const PageInfoFieldsFragmentDoc = new TypedDocumentString(`
    fragment PageInfoFields on PageInfo {
  hasNextPage
  endCursor
}
    `, {"fragmentName":"PageInfoFields"}) as unknown as TypedDocumentString<PageInfoFieldsFragment, unknown>;
export const TestEventFieldsFragmentDoc = new TypedDocumentString(`
    fragment TestEventFields on WorkflowEvent {
  __typename
  id
  workflowId
  runId
  at
  ... on RunStatusEvent {
    status
    error {
      code
      message
    }
  }
  ... on MessageDeltaEvent {
    messageId
    delta
  }
  ... on MessageEvent {
    message {
      id
      role
      content
      runId
    }
  }
  ... on UsageEvent {
    usage {
      inputTokens
      outputTokens
      totalTokens
    }
  }
  ... on LogEvent {
    event
    detail
  }
  ... on ToolCallEvent {
    toolCallId
    name
    toolStatus: status
    arguments
    result
  }
}
    `, {"fragmentName":"TestEventFields"}) as unknown as TypedDocumentString<TestEventFieldsFragment, unknown>;
export const AgentsDocument = new TypedDocumentString(`
    query Agents($first: Int, $after: String) {
  agents(first: $first, after: $after) {
    edges {
      node {
        ...AgentFields
      }
    }
    pageInfo {
      ...PageInfoFields
    }
  }
}
    fragment AgentFields on Agent {
  id
  name
  systemPrompt
  model
  description
  createdAt
  updatedAt
}
fragment PageInfoFields on PageInfo {
  hasNextPage
  endCursor
}`) as unknown as TypedDocumentString<AgentsQuery, AgentsQueryVariables>;
export const AgentDocument = new TypedDocumentString(`
    query Agent($id: ID!) {
  agent(id: $id) {
    ...AgentFields
  }
}
    fragment AgentFields on Agent {
  id
  name
  systemPrompt
  model
  description
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<AgentQuery, AgentQueryVariables>;
export const CreateAgentDocument = new TypedDocumentString(`
    mutation CreateAgent($input: CreateAgentInput!) {
  createAgent(input: $input) {
    ...AgentFields
  }
}
    fragment AgentFields on Agent {
  id
  name
  systemPrompt
  model
  description
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<CreateAgentMutation, CreateAgentMutationVariables>;
export const UpdateAgentDocument = new TypedDocumentString(`
    mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {
  updateAgent(id: $id, input: $input) {
    ...AgentFields
  }
}
    fragment AgentFields on Agent {
  id
  name
  systemPrompt
  model
  description
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<UpdateAgentMutation, UpdateAgentMutationVariables>;
export const DeleteAgentDocument = new TypedDocumentString(`
    mutation DeleteAgent($id: ID!) {
  deleteAgent(id: $id)
}
    `) as unknown as TypedDocumentString<DeleteAgentMutation, DeleteAgentMutationVariables>;
export const WorkflowsDocument = new TypedDocumentString(`
    query Workflows($first: Int, $after: String) {
  workflows(first: $first, after: $after) {
    edges {
      node {
        ...WorkflowFields
      }
    }
    pageInfo {
      ...PageInfoFields
    }
  }
}
    fragment RunFields on Run {
  id
  status
  prompt
  output
  error {
    code
    message
  }
  usage {
    inputTokens
    outputTokens
    totalTokens
  }
  createdAt
  startedAt
  finishedAt
}
fragment WorkflowFields on Workflow {
  id
  title
  model
  maxTurns
  createdAt
  agent {
    id
    name
    model
  }
  activeRun {
    ...RunFields
  }
  usage {
    inputTokens
    outputTokens
    totalTokens
  }
}
fragment PageInfoFields on PageInfo {
  hasNextPage
  endCursor
}`) as unknown as TypedDocumentString<WorkflowsQuery, WorkflowsQueryVariables>;
export const WorkflowDocument = new TypedDocumentString(`
    query Workflow($id: ID!) {
  workflow(id: $id) {
    ...WorkflowFields
  }
}
    fragment RunFields on Run {
  id
  status
  prompt
  output
  error {
    code
    message
  }
  usage {
    inputTokens
    outputTokens
    totalTokens
  }
  createdAt
  startedAt
  finishedAt
}
fragment WorkflowFields on Workflow {
  id
  title
  model
  maxTurns
  createdAt
  agent {
    id
    name
    model
  }
  activeRun {
    ...RunFields
  }
  usage {
    inputTokens
    outputTokens
    totalTokens
  }
}`) as unknown as TypedDocumentString<WorkflowQuery, WorkflowQueryVariables>;
export const WorkflowMessagesDocument = new TypedDocumentString(`
    query WorkflowMessages($id: ID!, $first: Int, $after: String) {
  workflow(id: $id) {
    id
    messages(first: $first, after: $after) {
      edges {
        node {
          ...MessageFields
        }
      }
      pageInfo {
        ...PageInfoFields
      }
    }
  }
}
    fragment MessageFields on Message {
  id
  role
  content
  runId
  createdAt
}
fragment PageInfoFields on PageInfo {
  hasNextPage
  endCursor
}`) as unknown as TypedDocumentString<WorkflowMessagesQuery, WorkflowMessagesQueryVariables>;
export const WorkflowRunsDocument = new TypedDocumentString(`
    query WorkflowRuns($id: ID!, $first: Int, $after: String) {
  workflow(id: $id) {
    id
    runs(first: $first, after: $after) {
      edges {
        node {
          ...RunFields
        }
      }
      pageInfo {
        ...PageInfoFields
      }
    }
  }
}
    fragment RunFields on Run {
  id
  status
  prompt
  output
  error {
    code
    message
  }
  usage {
    inputTokens
    outputTokens
    totalTokens
  }
  createdAt
  startedAt
  finishedAt
}
fragment PageInfoFields on PageInfo {
  hasNextPage
  endCursor
}`) as unknown as TypedDocumentString<WorkflowRunsQuery, WorkflowRunsQueryVariables>;
export const CreateWorkflowDocument = new TypedDocumentString(`
    mutation CreateWorkflow($input: CreateWorkflowInput!) {
  createWorkflow(input: $input) {
    ...WorkflowFields
  }
}
    fragment RunFields on Run {
  id
  status
  prompt
  output
  error {
    code
    message
  }
  usage {
    inputTokens
    outputTokens
    totalTokens
  }
  createdAt
  startedAt
  finishedAt
}
fragment WorkflowFields on Workflow {
  id
  title
  model
  maxTurns
  createdAt
  agent {
    id
    name
    model
  }
  activeRun {
    ...RunFields
  }
  usage {
    inputTokens
    outputTokens
    totalTokens
  }
}`) as unknown as TypedDocumentString<CreateWorkflowMutation, CreateWorkflowMutationVariables>;
export const DeleteWorkflowDocument = new TypedDocumentString(`
    mutation DeleteWorkflow($id: ID!) {
  deleteWorkflow(id: $id)
}
    `) as unknown as TypedDocumentString<DeleteWorkflowMutation, DeleteWorkflowMutationVariables>;
export const RunDocument = new TypedDocumentString(`
    query Run($id: ID!) {
  run(id: $id) {
    ...RunFields
    workflow {
      id
    }
  }
}
    fragment RunFields on Run {
  id
  status
  prompt
  output
  error {
    code
    message
  }
  usage {
    inputTokens
    outputTokens
    totalTokens
  }
  createdAt
  startedAt
  finishedAt
}`) as unknown as TypedDocumentString<RunQuery, RunQueryVariables>;
export const SendPromptDocument = new TypedDocumentString(`
    mutation SendPrompt($input: SendPromptInput!) {
  sendPrompt(input: $input) {
    ...RunFields
  }
}
    fragment RunFields on Run {
  id
  status
  prompt
  output
  error {
    code
    message
  }
  usage {
    inputTokens
    outputTokens
    totalTokens
  }
  createdAt
  startedAt
  finishedAt
}`) as unknown as TypedDocumentString<SendPromptMutation, SendPromptMutationVariables>;
export const CancelRunDocument = new TypedDocumentString(`
    mutation CancelRun($id: ID!) {
  cancelRun(id: $id) {
    ...RunFields
  }
}
    fragment RunFields on Run {
  id
  status
  prompt
  output
  error {
    code
    message
  }
  usage {
    inputTokens
    outputTokens
    totalTokens
  }
  createdAt
  startedAt
  finishedAt
}`) as unknown as TypedDocumentString<CancelRunMutation, CancelRunMutationVariables>;
export const RunEventsDocument = new TypedDocumentString(`
    subscription RunEvents($runId: ID!, $after: String) {
  runEvents(runId: $runId, after: $after) {
    ...WorkflowEventFields
  }
}
    fragment MessageFields on Message {
  id
  role
  content
  runId
  createdAt
}
fragment WorkflowEventFields on WorkflowEvent {
  __typename
  id
  workflowId
  runId
  at
  ... on RunStatusEvent {
    status
    error {
      code
      message
    }
  }
  ... on MessageDeltaEvent {
    messageId
    delta
  }
  ... on MessageEvent {
    message {
      ...MessageFields
    }
  }
  ... on ToolCallEvent {
    toolCallId
    name
    toolStatus: status
    arguments
    result
  }
  ... on UsageEvent {
    usage {
      inputTokens
      outputTokens
      totalTokens
    }
  }
  ... on LogEvent {
    event
    detail
  }
}`) as unknown as TypedDocumentString<RunEventsSubscription, RunEventsSubscriptionVariables>;
export const WorkflowEventsDocument = new TypedDocumentString(`
    subscription WorkflowEvents($workflowId: ID!, $after: String) {
  workflowEvents(workflowId: $workflowId, after: $after) {
    ...WorkflowEventFields
  }
}
    fragment MessageFields on Message {
  id
  role
  content
  runId
  createdAt
}
fragment WorkflowEventFields on WorkflowEvent {
  __typename
  id
  workflowId
  runId
  at
  ... on RunStatusEvent {
    status
    error {
      code
      message
    }
  }
  ... on MessageDeltaEvent {
    messageId
    delta
  }
  ... on MessageEvent {
    message {
      ...MessageFields
    }
  }
  ... on ToolCallEvent {
    toolCallId
    name
    toolStatus: status
    arguments
    result
  }
  ... on UsageEvent {
    usage {
      inputTokens
      outputTokens
      totalTokens
    }
  }
  ... on LogEvent {
    event
    detail
  }
}`) as unknown as TypedDocumentString<WorkflowEventsSubscription, WorkflowEventsSubscriptionVariables>;
export const CrudTestCreateAgentDocument = new TypedDocumentString(`
    mutation CrudTestCreateAgent($input: CreateAgentInput!) {
  createAgent(input: $input) {
    id
    name
    systemPrompt
    model
    description
    createdAt
  }
}
    `) as unknown as TypedDocumentString<CrudTestCreateAgentMutation, CrudTestCreateAgentMutationVariables>;
export const CrudTestUpdateAgentDocument = new TypedDocumentString(`
    mutation CrudTestUpdateAgent($id: ID!, $input: UpdateAgentInput!) {
  updateAgent(id: $id, input: $input) {
    id
    name
    model
    description
  }
}
    `) as unknown as TypedDocumentString<CrudTestUpdateAgentMutation, CrudTestUpdateAgentMutationVariables>;
export const CrudTestAgentsDocument = new TypedDocumentString(`
    query CrudTestAgents($first: Int, $after: String) {
  agents(first: $first, after: $after) {
    edges {
      cursor
      node {
        id
        name
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<CrudTestAgentsQuery, CrudTestAgentsQueryVariables>;
export const CrudTestAgentNameDocument = new TypedDocumentString(`
    query CrudTestAgentName($id: ID!) {
  agent(id: $id) {
    name
  }
}
    `) as unknown as TypedDocumentString<CrudTestAgentNameQuery, CrudTestAgentNameQueryVariables>;
export const CrudTestAgentIdDocument = new TypedDocumentString(`
    query CrudTestAgentId($id: ID!) {
  agent(id: $id) {
    id
  }
}
    `) as unknown as TypedDocumentString<CrudTestAgentIdQuery, CrudTestAgentIdQueryVariables>;
export const CrudTestMissingAgentDocument = new TypedDocumentString(`
    query CrudTestMissingAgent {
  agent(id: "missing") {
    id
  }
}
    `) as unknown as TypedDocumentString<CrudTestMissingAgentQuery, CrudTestMissingAgentQueryVariables>;
export const CrudTestDeleteAgentDocument = new TypedDocumentString(`
    mutation CrudTestDeleteAgent($id: ID!) {
  deleteAgent(id: $id)
}
    `) as unknown as TypedDocumentString<CrudTestDeleteAgentMutation, CrudTestDeleteAgentMutationVariables>;
export const CrudTestDeleteMissingAgentDocument = new TypedDocumentString(`
    mutation CrudTestDeleteMissingAgent {
  deleteAgent(id: "missing")
}
    `) as unknown as TypedDocumentString<CrudTestDeleteMissingAgentMutation, CrudTestDeleteMissingAgentMutationVariables>;
export const CrudTestCreateWorkflowDocument = new TypedDocumentString(`
    mutation CrudTestCreateWorkflow($input: CreateWorkflowInput!) {
  createWorkflow(input: $input) {
    id
    title
    model
    maxTurns
    agent {
      id
    }
    activeRun {
      id
    }
    usage {
      totalTokens
    }
    createdAt
  }
}
    `) as unknown as TypedDocumentString<CrudTestCreateWorkflowMutation, CrudTestCreateWorkflowMutationVariables>;
export const CrudTestWorkflowCursorsDocument = new TypedDocumentString(`
    query CrudTestWorkflowCursors {
  workflows(first: 100) {
    edges {
      cursor
    }
  }
}
    `) as unknown as TypedDocumentString<CrudTestWorkflowCursorsQuery, CrudTestWorkflowCursorsQueryVariables>;
export const CrudTestSendPromptDocument = new TypedDocumentString(`
    mutation CrudTestSendPrompt($input: SendPromptInput!) {
  sendPrompt(input: $input) {
    id
  }
}
    `) as unknown as TypedDocumentString<CrudTestSendPromptMutation, CrudTestSendPromptMutationVariables>;
export const CrudTestRunEventIdsDocument = new TypedDocumentString(`
    subscription CrudTestRunEventIds($id: ID!) {
  runEvents(runId: $id) {
    id
  }
}
    `) as unknown as TypedDocumentString<CrudTestRunEventIdsSubscription, CrudTestRunEventIdsSubscriptionVariables>;
export const CrudTestDeleteWorkflowDocument = new TypedDocumentString(`
    mutation CrudTestDeleteWorkflow($id: ID!) {
  deleteWorkflow(id: $id)
}
    `) as unknown as TypedDocumentString<CrudTestDeleteWorkflowMutation, CrudTestDeleteWorkflowMutationVariables>;
export const CrudTestWorkflowAndRunDocument = new TypedDocumentString(`
    query CrudTestWorkflowAndRun($w: ID!, $r: ID!) {
  workflow(id: $w) {
    id
  }
  run(id: $r) {
    id
  }
}
    `) as unknown as TypedDocumentString<CrudTestWorkflowAndRunQuery, CrudTestWorkflowAndRunQueryVariables>;
export const CrudTestWorkflowRunCursorsDocument = new TypedDocumentString(`
    query CrudTestWorkflowRunCursors($id: ID!) {
  workflow(id: $id) {
    runs {
      edges {
        cursor
      }
    }
  }
}
    `) as unknown as TypedDocumentString<CrudTestWorkflowRunCursorsQuery, CrudTestWorkflowRunCursorsQueryVariables>;
export const CrudTestMissingRunAndWorkflowDocument = new TypedDocumentString(`
    query CrudTestMissingRunAndWorkflow {
  run(id: "missing") {
    id
  }
  workflow(id: "missing") {
    id
  }
}
    `) as unknown as TypedDocumentString<CrudTestMissingRunAndWorkflowQuery, CrudTestMissingRunAndWorkflowQueryVariables>;
export const CrudTestCancelMissingRunDocument = new TypedDocumentString(`
    mutation CrudTestCancelMissingRun {
  cancelRun(id: "missing") {
    id
  }
}
    `) as unknown as TypedDocumentString<CrudTestCancelMissingRunMutation, CrudTestCancelMissingRunMutationVariables>;
export const RunsTestSendDocument = new TypedDocumentString(`
    mutation RunsTestSend($input: SendPromptInput!) {
  sendPrompt(input: $input) {
    id
    status
    prompt
  }
}
    `) as unknown as TypedDocumentString<RunsTestSendMutation, RunsTestSendMutationVariables>;
export const RunsTestRunEventsDocument = new TypedDocumentString(`
    subscription RunsTestRunEvents($runId: ID!, $after: String) {
  runEvents(runId: $runId, after: $after) {
    ...TestEventFields
  }
}
    fragment TestEventFields on WorkflowEvent {
  __typename
  id
  workflowId
  runId
  at
  ... on RunStatusEvent {
    status
    error {
      code
      message
    }
  }
  ... on MessageDeltaEvent {
    messageId
    delta
  }
  ... on MessageEvent {
    message {
      id
      role
      content
      runId
    }
  }
  ... on UsageEvent {
    usage {
      inputTokens
      outputTokens
      totalTokens
    }
  }
  ... on LogEvent {
    event
    detail
  }
  ... on ToolCallEvent {
    toolCallId
    name
    toolStatus: status
    arguments
    result
  }
}`) as unknown as TypedDocumentString<RunsTestRunEventsSubscription, RunsTestRunEventsSubscriptionVariables>;
export const RunsTestWorkflowEventsDocument = new TypedDocumentString(`
    subscription RunsTestWorkflowEvents($workflowId: ID!, $after: String) {
  workflowEvents(workflowId: $workflowId, after: $after) {
    ...TestEventFields
  }
}
    fragment TestEventFields on WorkflowEvent {
  __typename
  id
  workflowId
  runId
  at
  ... on RunStatusEvent {
    status
    error {
      code
      message
    }
  }
  ... on MessageDeltaEvent {
    messageId
    delta
  }
  ... on MessageEvent {
    message {
      id
      role
      content
      runId
    }
  }
  ... on UsageEvent {
    usage {
      inputTokens
      outputTokens
      totalTokens
    }
  }
  ... on LogEvent {
    event
    detail
  }
  ... on ToolCallEvent {
    toolCallId
    name
    toolStatus: status
    arguments
    result
  }
}`) as unknown as TypedDocumentString<RunsTestWorkflowEventsSubscription, RunsTestWorkflowEventsSubscriptionVariables>;
export const RunsTestRunDocument = new TypedDocumentString(`
    query RunsTestRun($id: ID!) {
  run(id: $id) {
    id
    status
    output
    error {
      code
      message
    }
    usage {
      inputTokens
      outputTokens
      totalTokens
    }
    startedAt
    finishedAt
    workflow {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<RunsTestRunQuery, RunsTestRunQueryVariables>;
export const RunsTestMessagesDocument = new TypedDocumentString(`
    query RunsTestMessages($id: ID!) {
  workflow(id: $id) {
    messages {
      edges {
        node {
          role
          content
          runId
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<RunsTestMessagesQuery, RunsTestMessagesQueryVariables>;
export const RunsTestFirstMessagesDocument = new TypedDocumentString(`
    query RunsTestFirstMessages($id: ID!) {
  workflow(id: $id) {
    messages(first: 10) {
      edges {
        node {
          content
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<RunsTestFirstMessagesQuery, RunsTestFirstMessagesQueryVariables>;
export const RunsTestCancelDocument = new TypedDocumentString(`
    mutation RunsTestCancel($id: ID!) {
  cancelRun(id: $id) {
    id
    status
    finishedAt
  }
}
    `) as unknown as TypedDocumentString<RunsTestCancelMutation, RunsTestCancelMutationVariables>;
export const SseTestSendDocument = new TypedDocumentString(`
    mutation SseTestSend($input: SendPromptInput!) {
  sendPrompt(input: $input) {
    id
  }
}
    `) as unknown as TypedDocumentString<SseTestSendMutation, SseTestSendMutationVariables>;
export const SseTestRunEventIdsDocument = new TypedDocumentString(`
    subscription SseTestRunEventIds($runId: ID!) {
  runEvents(runId: $runId) {
    id
  }
}
    `) as unknown as TypedDocumentString<SseTestRunEventIdsSubscription, SseTestRunEventIdsSubscriptionVariables>;
export const TestCreateDemoAgentDocument = new TypedDocumentString(`
    mutation TestCreateDemoAgent($input: CreateAgentInput!) {
  createAgent(input: $input) {
    id
  }
}
    `) as unknown as TypedDocumentString<TestCreateDemoAgentMutation, TestCreateDemoAgentMutationVariables>;
export const TestCreateDemoWorkflowDocument = new TypedDocumentString(`
    mutation TestCreateDemoWorkflow($input: CreateWorkflowInput!) {
  createWorkflow(input: $input) {
    id
  }
}
    `) as unknown as TypedDocumentString<TestCreateDemoWorkflowMutation, TestCreateDemoWorkflowMutationVariables>;