import { graphql } from './gql/index.ts';

/**
 * The SDK's operations. `npm run codegen` reads every `graphql()` call in sdk/, web/ and test/ and
 * writes their result and variable types to `sdk/gql/`.
 */

export const AgentFieldsFragment = graphql(`
  fragment AgentFields on Agent {
    id
    name
    systemPrompt
    model
    description
    createdAt
    updatedAt
  }
`);

export const RunFieldsFragment = graphql(`
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
`);

export const WorkflowFieldsFragment = graphql(`
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
`);

export const MessageFieldsFragment = graphql(`
  fragment MessageFields on Message {
    id
    role
    content
    runId
    createdAt
  }
`);

/** Every field of every event type; `toolStatus` because RunStatusEvent has a `status` too. */
export const WorkflowEventFieldsFragment = graphql(`
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
`);

export const PageInfoFieldsFragment = graphql(`
  fragment PageInfoFields on PageInfo {
    hasNextPage
    endCursor
  }
`);

export const AgentsDocument = graphql(`
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
`);

export const AgentDocument = graphql(`
  query Agent($id: ID!) {
    agent(id: $id) {
      ...AgentFields
    }
  }
`);

export const CreateAgentDocument = graphql(`
  mutation CreateAgent($input: CreateAgentInput!) {
    createAgent(input: $input) {
      ...AgentFields
    }
  }
`);

export const UpdateAgentDocument = graphql(`
  mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {
    updateAgent(id: $id, input: $input) {
      ...AgentFields
    }
  }
`);

export const DeleteAgentDocument = graphql(`
  mutation DeleteAgent($id: ID!) {
    deleteAgent(id: $id)
  }
`);

export const WorkflowsDocument = graphql(`
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
`);

export const WorkflowDocument = graphql(`
  query Workflow($id: ID!) {
    workflow(id: $id) {
      ...WorkflowFields
    }
  }
`);

export const WorkflowMessagesDocument = graphql(`
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
`);

export const WorkflowRunsDocument = graphql(`
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
`);

export const CreateWorkflowDocument = graphql(`
  mutation CreateWorkflow($input: CreateWorkflowInput!) {
    createWorkflow(input: $input) {
      ...WorkflowFields
    }
  }
`);

export const DeleteWorkflowDocument = graphql(`
  mutation DeleteWorkflow($id: ID!) {
    deleteWorkflow(id: $id)
  }
`);

export const RunDocument = graphql(`
  query Run($id: ID!) {
    run(id: $id) {
      ...RunFields
      workflow {
        id
      }
    }
  }
`);

export const SendPromptDocument = graphql(`
  mutation SendPrompt($input: SendPromptInput!) {
    sendPrompt(input: $input) {
      ...RunFields
    }
  }
`);

export const CancelRunDocument = graphql(`
  mutation CancelRun($id: ID!) {
    cancelRun(id: $id) {
      ...RunFields
    }
  }
`);

export const RunEventsDocument = graphql(`
  subscription RunEvents($runId: ID!, $after: String) {
    runEvents(runId: $runId, after: $after) {
      ...WorkflowEventFields
    }
  }
`);

export const WorkflowEventsDocument = graphql(`
  subscription WorkflowEvents($workflowId: ID!, $after: String) {
    workflowEvents(workflowId: $workflowId, after: $after) {
      ...WorkflowEventFields
    }
  }
`);
