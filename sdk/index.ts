/**
 * The Agentgate SDK (`@agentgate/sdk`): a typed client for Node (20+) and browsers. See
 * docs/clients.md.
 */
export {
  type Agent,
  type AgentgateClient,
  type AgentgateClientOptions,
  createAgentgateClient,
  type EventOf,
  isTerminalEvent,
  isTerminalStatus,
  type Message,
  type Page,
  type PageArgs,
  type Run,
  type Workflow,
  type WorkflowEvent,
} from './client.ts';
export { compareCursors, cursorKey } from './cursor.ts';
export { AgentgateError, type AgentgateErrorCode, type GraphQLErrorPayload } from './errors.ts';
export type {
  CreateAgentInput,
  CreateWorkflowInput,
  IfBusy,
  RunStatus,
  SendPromptInput,
  ToolCallStatus,
  UpdateAgentInput,
} from './gql/graphql.ts';
export { graphql } from './gql/index.ts';
export type { ReconnectInfo, RetryOptions, StreamOptions } from './stream.ts';
export {
  createRunTranscript,
  type RunTranscript,
  type TranscriptChange,
  type TranscriptMessage,
} from './transcript.ts';
