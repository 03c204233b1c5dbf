/* eslint-disable */
import * as types from './graphql.ts';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment AgentFields on Agent {\n    id\n    name\n    systemPrompt\n    model\n    description\n    createdAt\n    updatedAt\n  }\n": typeof types.AgentFieldsFragmentDoc,
    "\n  fragment RunFields on Run {\n    id\n    status\n    prompt\n    output\n    error {\n      code\n      message\n    }\n    usage {\n      inputTokens\n      outputTokens\n      totalTokens\n    }\n    createdAt\n    startedAt\n    finishedAt\n  }\n": typeof types.RunFieldsFragmentDoc,
    "\n  fragment WorkflowFields on Workflow {\n    id\n    title\n    model\n    maxTurns\n    createdAt\n    agent {\n      id\n      name\n      model\n    }\n    activeRun {\n      ...RunFields\n    }\n    usage {\n      inputTokens\n      outputTokens\n      totalTokens\n    }\n  }\n": typeof types.WorkflowFieldsFragmentDoc,
    "\n  fragment MessageFields on Message {\n    id\n    role\n    content\n    runId\n    createdAt\n  }\n": typeof types.MessageFieldsFragmentDoc,
    "\n  fragment WorkflowEventFields on WorkflowEvent {\n    __typename\n    id\n    workflowId\n    runId\n    at\n    ... on RunStatusEvent {\n      status\n      error {\n        code\n        message\n      }\n    }\n    ... on MessageDeltaEvent {\n      messageId\n      delta\n    }\n    ... on MessageEvent {\n      message {\n        ...MessageFields\n      }\n    }\n    ... on ToolCallEvent {\n      toolCallId\n      name\n      toolStatus: status\n      arguments\n      result\n    }\n    ... on UsageEvent {\n      usage {\n        inputTokens\n        outputTokens\n        totalTokens\n      }\n    }\n    ... on LogEvent {\n      event\n      detail\n    }\n  }\n": typeof types.WorkflowEventFieldsFragmentDoc,
    "\n  fragment PageInfoFields on PageInfo {\n    hasNextPage\n    endCursor\n  }\n": typeof types.PageInfoFieldsFragmentDoc,
    "\n  query Agents($first: Int, $after: String) {\n    agents(first: $first, after: $after) {\n      edges {\n        node {\n          ...AgentFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n": typeof types.AgentsDocument,
    "\n  query Agent($id: ID!) {\n    agent(id: $id) {\n      ...AgentFields\n    }\n  }\n": typeof types.AgentDocument,
    "\n  mutation CreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) {\n      ...AgentFields\n    }\n  }\n": typeof types.CreateAgentDocument,
    "\n  mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {\n    updateAgent(id: $id, input: $input) {\n      ...AgentFields\n    }\n  }\n": typeof types.UpdateAgentDocument,
    "\n  mutation DeleteAgent($id: ID!) {\n    deleteAgent(id: $id)\n  }\n": typeof types.DeleteAgentDocument,
    "\n  query Workflows($first: Int, $after: String) {\n    workflows(first: $first, after: $after) {\n      edges {\n        node {\n          ...WorkflowFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n": typeof types.WorkflowsDocument,
    "\n  query Workflow($id: ID!) {\n    workflow(id: $id) {\n      ...WorkflowFields\n    }\n  }\n": typeof types.WorkflowDocument,
    "\n  query WorkflowMessages($id: ID!, $first: Int, $after: String) {\n    workflow(id: $id) {\n      id\n      messages(first: $first, after: $after) {\n        edges {\n          node {\n            ...MessageFields\n          }\n        }\n        pageInfo {\n          ...PageInfoFields\n        }\n      }\n    }\n  }\n": typeof types.WorkflowMessagesDocument,
    "\n  query WorkflowRuns($id: ID!, $first: Int, $after: String) {\n    workflow(id: $id) {\n      id\n      runs(first: $first, after: $after) {\n        edges {\n          node {\n            ...RunFields\n          }\n        }\n        pageInfo {\n          ...PageInfoFields\n        }\n      }\n    }\n  }\n": typeof types.WorkflowRunsDocument,
    "\n  mutation CreateWorkflow($input: CreateWorkflowInput!) {\n    createWorkflow(input: $input) {\n      ...WorkflowFields\n    }\n  }\n": typeof types.CreateWorkflowDocument,
    "\n  mutation DeleteWorkflow($id: ID!) {\n    deleteWorkflow(id: $id)\n  }\n": typeof types.DeleteWorkflowDocument,
    "\n  query Run($id: ID!) {\n    run(id: $id) {\n      ...RunFields\n      workflow {\n        id\n      }\n    }\n  }\n": typeof types.RunDocument,
    "\n  mutation SendPrompt($input: SendPromptInput!) {\n    sendPrompt(input: $input) {\n      ...RunFields\n    }\n  }\n": typeof types.SendPromptDocument,
    "\n  mutation CancelRun($id: ID!) {\n    cancelRun(id: $id) {\n      ...RunFields\n    }\n  }\n": typeof types.CancelRunDocument,
    "\n  subscription RunEvents($runId: ID!, $after: String) {\n    runEvents(runId: $runId, after: $after) {\n      ...WorkflowEventFields\n    }\n  }\n": typeof types.RunEventsDocument,
    "\n  subscription WorkflowEvents($workflowId: ID!, $after: String) {\n    workflowEvents(workflowId: $workflowId, after: $after) {\n      ...WorkflowEventFields\n    }\n  }\n": typeof types.WorkflowEventsDocument,
    "\n  mutation CrudTestCreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) { id name systemPrompt model description createdAt }\n  }\n": typeof types.CrudTestCreateAgentDocument,
    "\n  mutation CrudTestUpdateAgent($id: ID!, $input: UpdateAgentInput!) {\n    updateAgent(id: $id, input: $input) { id name model description }\n  }\n": typeof types.CrudTestUpdateAgentDocument,
    "\n  query CrudTestAgents($first: Int, $after: String) {\n    agents(first: $first, after: $after) {\n      edges { cursor node { id name } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.CrudTestAgentsDocument,
    "query CrudTestAgentName($id: ID!) { agent(id: $id) { name } }": typeof types.CrudTestAgentNameDocument,
    "query CrudTestAgentId($id: ID!) { agent(id: $id) { id } }": typeof types.CrudTestAgentIdDocument,
    "query CrudTestMissingAgent { agent(id: \"missing\") { id } }": typeof types.CrudTestMissingAgentDocument,
    "mutation CrudTestDeleteAgent($id: ID!) { deleteAgent(id: $id) }": typeof types.CrudTestDeleteAgentDocument,
    "\n  mutation CrudTestDeleteMissingAgent { deleteAgent(id: \"missing\") }\n": typeof types.CrudTestDeleteMissingAgentDocument,
    "\n  mutation CrudTestCreateWorkflow($input: CreateWorkflowInput!) {\n    createWorkflow(input: $input) {\n      id title model maxTurns agent { id } activeRun { id } usage { totalTokens } createdAt\n    }\n  }\n": typeof types.CrudTestCreateWorkflowDocument,
    "\n  query CrudTestWorkflowCursors { workflows(first: 100) { edges { cursor } } }\n": typeof types.CrudTestWorkflowCursorsDocument,
    "\n  mutation CrudTestSendPrompt($input: SendPromptInput!) { sendPrompt(input: $input) { id } }\n": typeof types.CrudTestSendPromptDocument,
    "\n  subscription CrudTestRunEventIds($id: ID!) { runEvents(runId: $id) { id } }\n": typeof types.CrudTestRunEventIdsDocument,
    "\n  mutation CrudTestDeleteWorkflow($id: ID!) { deleteWorkflow(id: $id) }\n": typeof types.CrudTestDeleteWorkflowDocument,
    "\n  query CrudTestWorkflowAndRun($w: ID!, $r: ID!) { workflow(id: $w) { id } run(id: $r) { id } }\n": typeof types.CrudTestWorkflowAndRunDocument,
    "\n  query CrudTestWorkflowRunCursors($id: ID!) { workflow(id: $id) { runs { edges { cursor } } } }\n": typeof types.CrudTestWorkflowRunCursorsDocument,
    "\n  query CrudTestMissingRunAndWorkflow { run(id: \"missing\") { id } workflow(id: \"missing\") { id } }\n": typeof types.CrudTestMissingRunAndWorkflowDocument,
    "\n  mutation CrudTestCancelMissingRun { cancelRun(id: \"missing\") { id } }\n": typeof types.CrudTestCancelMissingRunDocument,
    "\n  mutation RunsTestSend($input: SendPromptInput!) {\n    sendPrompt(input: $input) { id status prompt }\n  }\n": typeof types.RunsTestSendDocument,
    "\n  subscription RunsTestRunEvents($runId: ID!, $after: String) {\n    runEvents(runId: $runId, after: $after) { ...TestEventFields }\n  }\n": typeof types.RunsTestRunEventsDocument,
    "\n  subscription RunsTestWorkflowEvents($workflowId: ID!, $after: String) {\n    workflowEvents(workflowId: $workflowId, after: $after) { ...TestEventFields }\n  }\n": typeof types.RunsTestWorkflowEventsDocument,
    "\n  query RunsTestRun($id: ID!) {\n    run(id: $id) {\n      id status output error { code message } usage { inputTokens outputTokens totalTokens }\n      startedAt finishedAt workflow { id }\n    }\n  }\n": typeof types.RunsTestRunDocument,
    "\n  query RunsTestMessages($id: ID!) {\n    workflow(id: $id) { messages { edges { node { role content runId } } } }\n  }\n": typeof types.RunsTestMessagesDocument,
    "\n  query RunsTestFirstMessages($id: ID!) {\n    workflow(id: $id) { messages(first: 10) { edges { node { content } } } }\n  }\n": typeof types.RunsTestFirstMessagesDocument,
    "\n  mutation RunsTestCancel($id: ID!) { cancelRun(id: $id) { id status finishedAt } }\n": typeof types.RunsTestCancelDocument,
    "\n  mutation SseTestSend($input: SendPromptInput!) { sendPrompt(input: $input) { id } }\n": typeof types.SseTestSendDocument,
    "\n  subscription SseTestRunEventIds($runId: ID!) { runEvents(runId: $runId) { id } }\n": typeof types.SseTestRunEventIdsDocument,
    "\n  mutation TestCreateDemoAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) {\n      id\n    }\n  }\n": typeof types.TestCreateDemoAgentDocument,
    "\n  mutation TestCreateDemoWorkflow($input: CreateWorkflowInput!) {\n    createWorkflow(input: $input) {\n      id\n    }\n  }\n": typeof types.TestCreateDemoWorkflowDocument,
    "\n  fragment TestEventFields on WorkflowEvent {\n    __typename\n    id\n    workflowId\n    runId\n    at\n    ... on RunStatusEvent {\n      status\n      error {\n        code\n        message\n      }\n    }\n    ... on MessageDeltaEvent {\n      messageId\n      delta\n    }\n    ... on MessageEvent {\n      message {\n        id\n        role\n        content\n        runId\n      }\n    }\n    ... on UsageEvent {\n      usage {\n        inputTokens\n        outputTokens\n        totalTokens\n      }\n    }\n    ... on LogEvent {\n      event\n      detail\n    }\n    ... on ToolCallEvent {\n      toolCallId\n      name\n      toolStatus: status\n      arguments\n      result\n    }\n  }\n": typeof types.TestEventFieldsFragmentDoc,
};
const documents: Documents = {
    "\n  fragment AgentFields on Agent {\n    id\n    name\n    systemPrompt\n    model\n    description\n    createdAt\n    updatedAt\n  }\n": types.AgentFieldsFragmentDoc,
    "\n  fragment RunFields on Run {\n    id\n    status\n    prompt\n    output\n    error {\n      code\n      message\n    }\n    usage {\n      inputTokens\n      outputTokens\n      totalTokens\n    }\n    createdAt\n    startedAt\n    finishedAt\n  }\n": types.RunFieldsFragmentDoc,
    "\n  fragment WorkflowFields on Workflow {\n    id\n    title\n    model\n    maxTurns\n    createdAt\n    agent {\n      id\n      name\n      model\n    }\n    activeRun {\n      ...RunFields\n    }\n    usage {\n      inputTokens\n      outputTokens\n      totalTokens\n    }\n  }\n": types.WorkflowFieldsFragmentDoc,
    "\n  fragment MessageFields on Message {\n    id\n    role\n    content\n    runId\n    createdAt\n  }\n": types.MessageFieldsFragmentDoc,
    "\n  fragment WorkflowEventFields on WorkflowEvent {\n    __typename\n    id\n    workflowId\n    runId\n    at\n    ... on RunStatusEvent {\n      status\n      error {\n        code\n        message\n      }\n    }\n    ... on MessageDeltaEvent {\n      messageId\n      delta\n    }\n    ... on MessageEvent {\n      message {\n        ...MessageFields\n      }\n    }\n    ... on ToolCallEvent {\n      toolCallId\n      name\n      toolStatus: status\n      arguments\n      result\n    }\n    ... on UsageEvent {\n      usage {\n        inputTokens\n        outputTokens\n        totalTokens\n      }\n    }\n    ... on LogEvent {\n      event\n      detail\n    }\n  }\n": types.WorkflowEventFieldsFragmentDoc,
    "\n  fragment PageInfoFields on PageInfo {\n    hasNextPage\n    endCursor\n  }\n": types.PageInfoFieldsFragmentDoc,
    "\n  query Agents($first: Int, $after: String) {\n    agents(first: $first, after: $after) {\n      edges {\n        node {\n          ...AgentFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n": types.AgentsDocument,
    "\n  query Agent($id: ID!) {\n    agent(id: $id) {\n      ...AgentFields\n    }\n  }\n": types.AgentDocument,
    "\n  mutation CreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) {\n      ...AgentFields\n    }\n  }\n": types.CreateAgentDocument,
    "\n  mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {\n    updateAgent(id: $id, input: $input) {\n      ...AgentFields\n    }\n  }\n": types.UpdateAgentDocument,
    "\n  mutation DeleteAgent($id: ID!) {\n    deleteAgent(id: $id)\n  }\n": types.DeleteAgentDocument,
    "\n  query Workflows($first: Int, $after: String) {\n    workflows(first: $first, after: $after) {\n      edges {\n        node {\n          ...WorkflowFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n": types.WorkflowsDocument,
    "\n  query Workflow($id: ID!) {\n    workflow(id: $id) {\n      ...WorkflowFields\n    }\n  }\n": types.WorkflowDocument,
    "\n  query WorkflowMessages($id: ID!, $first: Int, $after: String) {\n    workflow(id: $id) {\n      id\n      messages(first: $first, after: $after) {\n        edges {\n          node {\n            ...MessageFields\n          }\n        }\n        pageInfo {\n          ...PageInfoFields\n        }\n      }\n    }\n  }\n": types.WorkflowMessagesDocument,
    "\n  query WorkflowRuns($id: ID!, $first: Int, $after: String) {\n    workflow(id: $id) {\n      id\n      runs(first: $first, after: $after) {\n        edges {\n          node {\n            ...RunFields\n          }\n        }\n        pageInfo {\n          ...PageInfoFields\n        }\n      }\n    }\n  }\n": types.WorkflowRunsDocument,
    "\n  mutation CreateWorkflow($input: CreateWorkflowInput!) {\n    createWorkflow(input: $input) {\n      ...WorkflowFields\n    }\n  }\n": types.CreateWorkflowDocument,
    "\n  mutation DeleteWorkflow($id: ID!) {\n    deleteWorkflow(id: $id)\n  }\n": types.DeleteWorkflowDocument,
    "\n  query Run($id: ID!) {\n    run(id: $id) {\n      ...RunFields\n      workflow {\n        id\n      }\n    }\n  }\n": types.RunDocument,
    "\n  mutation SendPrompt($input: SendPromptInput!) {\n    sendPrompt(input: $input) {\n      ...RunFields\n    }\n  }\n": types.SendPromptDocument,
    "\n  mutation CancelRun($id: ID!) {\n    cancelRun(id: $id) {\n      ...RunFields\n    }\n  }\n": types.CancelRunDocument,
    "\n  subscription RunEvents($runId: ID!, $after: String) {\n    runEvents(runId: $runId, after: $after) {\n      ...WorkflowEventFields\n    }\n  }\n": types.RunEventsDocument,
    "\n  subscription WorkflowEvents($workflowId: ID!, $after: String) {\n    workflowEvents(workflowId: $workflowId, after: $after) {\n      ...WorkflowEventFields\n    }\n  }\n": types.WorkflowEventsDocument,
    "\n  mutation CrudTestCreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) { id name systemPrompt model description createdAt }\n  }\n": types.CrudTestCreateAgentDocument,
    "\n  mutation CrudTestUpdateAgent($id: ID!, $input: UpdateAgentInput!) {\n    updateAgent(id: $id, input: $input) { id name model description }\n  }\n": types.CrudTestUpdateAgentDocument,
    "\n  query CrudTestAgents($first: Int, $after: String) {\n    agents(first: $first, after: $after) {\n      edges { cursor node { id name } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.CrudTestAgentsDocument,
    "query CrudTestAgentName($id: ID!) { agent(id: $id) { name } }": types.CrudTestAgentNameDocument,
    "query CrudTestAgentId($id: ID!) { agent(id: $id) { id } }": types.CrudTestAgentIdDocument,
    "query CrudTestMissingAgent { agent(id: \"missing\") { id } }": types.CrudTestMissingAgentDocument,
    "mutation CrudTestDeleteAgent($id: ID!) { deleteAgent(id: $id) }": types.CrudTestDeleteAgentDocument,
    "\n  mutation CrudTestDeleteMissingAgent { deleteAgent(id: \"missing\") }\n": types.CrudTestDeleteMissingAgentDocument,
    "\n  mutation CrudTestCreateWorkflow($input: CreateWorkflowInput!) {\n    createWorkflow(input: $input) {\n      id title model maxTurns agent { id } activeRun { id } usage { totalTokens } createdAt\n    }\n  }\n": types.CrudTestCreateWorkflowDocument,
    "\n  query CrudTestWorkflowCursors { workflows(first: 100) { edges { cursor } } }\n": types.CrudTestWorkflowCursorsDocument,
    "\n  mutation CrudTestSendPrompt($input: SendPromptInput!) { sendPrompt(input: $input) { id } }\n": types.CrudTestSendPromptDocument,
    "\n  subscription CrudTestRunEventIds($id: ID!) { runEvents(runId: $id) { id } }\n": types.CrudTestRunEventIdsDocument,
    "\n  mutation CrudTestDeleteWorkflow($id: ID!) { deleteWorkflow(id: $id) }\n": types.CrudTestDeleteWorkflowDocument,
    "\n  query CrudTestWorkflowAndRun($w: ID!, $r: ID!) { workflow(id: $w) { id } run(id: $r) { id } }\n": types.CrudTestWorkflowAndRunDocument,
    "\n  query CrudTestWorkflowRunCursors($id: ID!) { workflow(id: $id) { runs { edges { cursor } } } }\n": types.CrudTestWorkflowRunCursorsDocument,
    "\n  query CrudTestMissingRunAndWorkflow { run(id: \"missing\") { id } workflow(id: \"missing\") { id } }\n": types.CrudTestMissingRunAndWorkflowDocument,
    "\n  mutation CrudTestCancelMissingRun { cancelRun(id: \"missing\") { id } }\n": types.CrudTestCancelMissingRunDocument,
    "\n  mutation RunsTestSend($input: SendPromptInput!) {\n    sendPrompt(input: $input) { id status prompt }\n  }\n": types.RunsTestSendDocument,
    "\n  subscription RunsTestRunEvents($runId: ID!, $after: String) {\n    runEvents(runId: $runId, after: $after) { ...TestEventFields }\n  }\n": types.RunsTestRunEventsDocument,
    "\n  subscription RunsTestWorkflowEvents($workflowId: ID!, $after: String) {\n    workflowEvents(workflowId: $workflowId, after: $after) { ...TestEventFields }\n  }\n": types.RunsTestWorkflowEventsDocument,
    "\n  query RunsTestRun($id: ID!) {\n    run(id: $id) {\n      id status output error { code message } usage { inputTokens outputTokens totalTokens }\n      startedAt finishedAt workflow { id }\n    }\n  }\n": types.RunsTestRunDocument,
    "\n  query RunsTestMessages($id: ID!) {\n    workflow(id: $id) { messages { edges { node { role content runId } } } }\n  }\n": types.RunsTestMessagesDocument,
    "\n  query RunsTestFirstMessages($id: ID!) {\n    workflow(id: $id) { messages(first: 10) { edges { node { content } } } }\n  }\n": types.RunsTestFirstMessagesDocument,
    "\n  mutation RunsTestCancel($id: ID!) { cancelRun(id: $id) { id status finishedAt } }\n": types.RunsTestCancelDocument,
    "\n  mutation SseTestSend($input: SendPromptInput!) { sendPrompt(input: $input) { id } }\n": types.SseTestSendDocument,
    "\n  subscription SseTestRunEventIds($runId: ID!) { runEvents(runId: $runId) { id } }\n": types.SseTestRunEventIdsDocument,
    "\n  mutation TestCreateDemoAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) {\n      id\n    }\n  }\n": types.TestCreateDemoAgentDocument,
    "\n  mutation TestCreateDemoWorkflow($input: CreateWorkflowInput!) {\n    createWorkflow(input: $input) {\n      id\n    }\n  }\n": types.TestCreateDemoWorkflowDocument,
    "\n  fragment TestEventFields on WorkflowEvent {\n    __typename\n    id\n    workflowId\n    runId\n    at\n    ... on RunStatusEvent {\n      status\n      error {\n        code\n        message\n      }\n    }\n    ... on MessageDeltaEvent {\n      messageId\n      delta\n    }\n    ... on MessageEvent {\n      message {\n        id\n        role\n        content\n        runId\n      }\n    }\n    ... on UsageEvent {\n      usage {\n        inputTokens\n        outputTokens\n        totalTokens\n      }\n    }\n    ... on LogEvent {\n      event\n      detail\n    }\n    ... on ToolCallEvent {\n      toolCallId\n      name\n      toolStatus: status\n      arguments\n      result\n    }\n  }\n": types.TestEventFieldsFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AgentFields on Agent {\n    id\n    name\n    systemPrompt\n    model\n    description\n    createdAt\n    updatedAt\n  }\n"): typeof import('./graphql.ts').AgentFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RunFields on Run {\n    id\n    status\n    prompt\n    output\n    error {\n      code\n      message\n    }\n    usage {\n      inputTokens\n      outputTokens\n      totalTokens\n    }\n    createdAt\n    startedAt\n    finishedAt\n  }\n"): typeof import('./graphql.ts').RunFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WorkflowFields on Workflow {\n    id\n    title\n    model\n    maxTurns\n    createdAt\n    agent {\n      id\n      name\n      model\n    }\n    activeRun {\n      ...RunFields\n    }\n    usage {\n      inputTokens\n      outputTokens\n      totalTokens\n    }\n  }\n"): typeof import('./graphql.ts').WorkflowFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MessageFields on Message {\n    id\n    role\n    content\n    runId\n    createdAt\n  }\n"): typeof import('./graphql.ts').MessageFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WorkflowEventFields on WorkflowEvent {\n    __typename\n    id\n    workflowId\n    runId\n    at\n    ... on RunStatusEvent {\n      status\n      error {\n        code\n        message\n      }\n    }\n    ... on MessageDeltaEvent {\n      messageId\n      delta\n    }\n    ... on MessageEvent {\n      message {\n        ...MessageFields\n      }\n    }\n    ... on ToolCallEvent {\n      toolCallId\n      name\n      toolStatus: status\n      arguments\n      result\n    }\n    ... on UsageEvent {\n      usage {\n        inputTokens\n        outputTokens\n        totalTokens\n      }\n    }\n    ... on LogEvent {\n      event\n      detail\n    }\n  }\n"): typeof import('./graphql.ts').WorkflowEventFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PageInfoFields on PageInfo {\n    hasNextPage\n    endCursor\n  }\n"): typeof import('./graphql.ts').PageInfoFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Agents($first: Int, $after: String) {\n    agents(first: $first, after: $after) {\n      edges {\n        node {\n          ...AgentFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n"): typeof import('./graphql.ts').AgentsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Agent($id: ID!) {\n    agent(id: $id) {\n      ...AgentFields\n    }\n  }\n"): typeof import('./graphql.ts').AgentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) {\n      ...AgentFields\n    }\n  }\n"): typeof import('./graphql.ts').CreateAgentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {\n    updateAgent(id: $id, input: $input) {\n      ...AgentFields\n    }\n  }\n"): typeof import('./graphql.ts').UpdateAgentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteAgent($id: ID!) {\n    deleteAgent(id: $id)\n  }\n"): typeof import('./graphql.ts').DeleteAgentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Workflows($first: Int, $after: String) {\n    workflows(first: $first, after: $after) {\n      edges {\n        node {\n          ...WorkflowFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n"): typeof import('./graphql.ts').WorkflowsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Workflow($id: ID!) {\n    workflow(id: $id) {\n      ...WorkflowFields\n    }\n  }\n"): typeof import('./graphql.ts').WorkflowDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkflowMessages($id: ID!, $first: Int, $after: String) {\n    workflow(id: $id) {\n      id\n      messages(first: $first, after: $after) {\n        edges {\n          node {\n            ...MessageFields\n          }\n        }\n        pageInfo {\n          ...PageInfoFields\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.ts').WorkflowMessagesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkflowRuns($id: ID!, $first: Int, $after: String) {\n    workflow(id: $id) {\n      id\n      runs(first: $first, after: $after) {\n        edges {\n          node {\n            ...RunFields\n          }\n        }\n        pageInfo {\n          ...PageInfoFields\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.ts').WorkflowRunsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateWorkflow($input: CreateWorkflowInput!) {\n    createWorkflow(input: $input) {\n      ...WorkflowFields\n    }\n  }\n"): typeof import('./graphql.ts').CreateWorkflowDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWorkflow($id: ID!) {\n    deleteWorkflow(id: $id)\n  }\n"): typeof import('./graphql.ts').DeleteWorkflowDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Run($id: ID!) {\n    run(id: $id) {\n      ...RunFields\n      workflow {\n        id\n      }\n    }\n  }\n"): typeof import('./graphql.ts').RunDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendPrompt($input: SendPromptInput!) {\n    sendPrompt(input: $input) {\n      ...RunFields\n    }\n  }\n"): typeof import('./graphql.ts').SendPromptDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelRun($id: ID!) {\n    cancelRun(id: $id) {\n      ...RunFields\n    }\n  }\n"): typeof import('./graphql.ts').CancelRunDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RunEvents($runId: ID!, $after: String) {\n    runEvents(runId: $runId, after: $after) {\n      ...WorkflowEventFields\n    }\n  }\n"): typeof import('./graphql.ts').RunEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WorkflowEvents($workflowId: ID!, $after: String) {\n    workflowEvents(workflowId: $workflowId, after: $after) {\n      ...WorkflowEventFields\n    }\n  }\n"): typeof import('./graphql.ts').WorkflowEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CrudTestCreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) { id name systemPrompt model description createdAt }\n  }\n"): typeof import('./graphql.ts').CrudTestCreateAgentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CrudTestUpdateAgent($id: ID!, $input: UpdateAgentInput!) {\n    updateAgent(id: $id, input: $input) { id name model description }\n  }\n"): typeof import('./graphql.ts').CrudTestUpdateAgentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CrudTestAgents($first: Int, $after: String) {\n    agents(first: $first, after: $after) {\n      edges { cursor node { id name } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): typeof import('./graphql.ts').CrudTestAgentsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CrudTestAgentName($id: ID!) { agent(id: $id) { name } }"): typeof import('./graphql.ts').CrudTestAgentNameDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CrudTestAgentId($id: ID!) { agent(id: $id) { id } }"): typeof import('./graphql.ts').CrudTestAgentIdDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CrudTestMissingAgent { agent(id: \"missing\") { id } }"): typeof import('./graphql.ts').CrudTestMissingAgentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CrudTestDeleteAgent($id: ID!) { deleteAgent(id: $id) }"): typeof import('./graphql.ts').CrudTestDeleteAgentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CrudTestDeleteMissingAgent { deleteAgent(id: \"missing\") }\n"): typeof import('./graphql.ts').CrudTestDeleteMissingAgentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CrudTestCreateWorkflow($input: CreateWorkflowInput!) {\n    createWorkflow(input: $input) {\n      id title model maxTurns agent { id } activeRun { id } usage { totalTokens } createdAt\n    }\n  }\n"): typeof import('./graphql.ts').CrudTestCreateWorkflowDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CrudTestWorkflowCursors { workflows(first: 100) { edges { cursor } } }\n"): typeof import('./graphql.ts').CrudTestWorkflowCursorsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CrudTestSendPrompt($input: SendPromptInput!) { sendPrompt(input: $input) { id } }\n"): typeof import('./graphql.ts').CrudTestSendPromptDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CrudTestRunEventIds($id: ID!) { runEvents(runId: $id) { id } }\n"): typeof import('./graphql.ts').CrudTestRunEventIdsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CrudTestDeleteWorkflow($id: ID!) { deleteWorkflow(id: $id) }\n"): typeof import('./graphql.ts').CrudTestDeleteWorkflowDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CrudTestWorkflowAndRun($w: ID!, $r: ID!) { workflow(id: $w) { id } run(id: $r) { id } }\n"): typeof import('./graphql.ts').CrudTestWorkflowAndRunDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CrudTestWorkflowRunCursors($id: ID!) { workflow(id: $id) { runs { edges { cursor } } } }\n"): typeof import('./graphql.ts').CrudTestWorkflowRunCursorsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CrudTestMissingRunAndWorkflow { run(id: \"missing\") { id } workflow(id: \"missing\") { id } }\n"): typeof import('./graphql.ts').CrudTestMissingRunAndWorkflowDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CrudTestCancelMissingRun { cancelRun(id: \"missing\") { id } }\n"): typeof import('./graphql.ts').CrudTestCancelMissingRunDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RunsTestSend($input: SendPromptInput!) {\n    sendPrompt(input: $input) { id status prompt }\n  }\n"): typeof import('./graphql.ts').RunsTestSendDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RunsTestRunEvents($runId: ID!, $after: String) {\n    runEvents(runId: $runId, after: $after) { ...TestEventFields }\n  }\n"): typeof import('./graphql.ts').RunsTestRunEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RunsTestWorkflowEvents($workflowId: ID!, $after: String) {\n    workflowEvents(workflowId: $workflowId, after: $after) { ...TestEventFields }\n  }\n"): typeof import('./graphql.ts').RunsTestWorkflowEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RunsTestRun($id: ID!) {\n    run(id: $id) {\n      id status output error { code message } usage { inputTokens outputTokens totalTokens }\n      startedAt finishedAt workflow { id }\n    }\n  }\n"): typeof import('./graphql.ts').RunsTestRunDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RunsTestMessages($id: ID!) {\n    workflow(id: $id) { messages { edges { node { role content runId } } } }\n  }\n"): typeof import('./graphql.ts').RunsTestMessagesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RunsTestFirstMessages($id: ID!) {\n    workflow(id: $id) { messages(first: 10) { edges { node { content } } } }\n  }\n"): typeof import('./graphql.ts').RunsTestFirstMessagesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RunsTestCancel($id: ID!) { cancelRun(id: $id) { id status finishedAt } }\n"): typeof import('./graphql.ts').RunsTestCancelDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SseTestSend($input: SendPromptInput!) { sendPrompt(input: $input) { id } }\n"): typeof import('./graphql.ts').SseTestSendDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SseTestRunEventIds($runId: ID!) { runEvents(runId: $runId) { id } }\n"): typeof import('./graphql.ts').SseTestRunEventIdsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TestCreateDemoAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql.ts').TestCreateDemoAgentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TestCreateDemoWorkflow($input: CreateWorkflowInput!) {\n    createWorkflow(input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql.ts').TestCreateDemoWorkflowDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TestEventFields on WorkflowEvent {\n    __typename\n    id\n    workflowId\n    runId\n    at\n    ... on RunStatusEvent {\n      status\n      error {\n        code\n        message\n      }\n    }\n    ... on MessageDeltaEvent {\n      messageId\n      delta\n    }\n    ... on MessageEvent {\n      message {\n        id\n        role\n        content\n        runId\n      }\n    }\n    ... on UsageEvent {\n      usage {\n        inputTokens\n        outputTokens\n        totalTokens\n      }\n    }\n    ... on LogEvent {\n      event\n      detail\n    }\n    ... on ToolCallEvent {\n      toolCallId\n      name\n      toolStatus: status\n      arguments\n      result\n    }\n  }\n"): typeof import('./graphql.ts').TestEventFieldsFragmentDoc;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
