import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrudTestAgentsQuery } from '../../sdk/gql/graphql.ts';
import { graphql } from '../../sdk/gql/index.ts';
import { createDemoWorkflow, createTestApp, type TestApp } from '../support/test-app.ts';

const CREATE_AGENT = graphql(`
  mutation CrudTestCreateAgent($input: CreateAgentInput!) {
    createAgent(input: $input) { id name systemPrompt model description createdAt }
  }
`);
const UPDATE_AGENT = graphql(`
  mutation CrudTestUpdateAgent($id: ID!, $input: UpdateAgentInput!) {
    updateAgent(id: $id, input: $input) { id name model description }
  }
`);
const AGENTS = graphql(`
  query CrudTestAgents($first: Int, $after: String) {
    agents(first: $first, after: $after) {
      edges { cursor node { id name } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);
const AGENT_NAME = graphql(`query CrudTestAgentName($id: ID!) { agent(id: $id) { name } }`);
const AGENT_ID = graphql(`query CrudTestAgentId($id: ID!) { agent(id: $id) { id } }`);
const MISSING_AGENT = graphql(`query CrudTestMissingAgent { agent(id: "missing") { id } }`);
const DELETE_AGENT = graphql(`mutation CrudTestDeleteAgent($id: ID!) { deleteAgent(id: $id) }`);
const DELETE_MISSING_AGENT = graphql(`
  mutation CrudTestDeleteMissingAgent { deleteAgent(id: "missing") }
`);
const CREATE_WORKFLOW = graphql(`
  mutation CrudTestCreateWorkflow($input: CreateWorkflowInput!) {
    createWorkflow(input: $input) {
      id title model maxTurns agent { id } activeRun { id } usage { totalTokens } createdAt
    }
  }
`);
const WORKFLOW_CURSORS = graphql(`
  query CrudTestWorkflowCursors { workflows(first: 100) { edges { cursor } } }
`);
const SEND_PROMPT = graphql(`
  mutation CrudTestSendPrompt($input: SendPromptInput!) { sendPrompt(input: $input) { id } }
`);
const RUN_EVENT_IDS = graphql(`
  subscription CrudTestRunEventIds($id: ID!) { runEvents(runId: $id) { id } }
`);
const DELETE_WORKFLOW = graphql(`
  mutation CrudTestDeleteWorkflow($id: ID!) { deleteWorkflow(id: $id) }
`);
const WORKFLOW_AND_RUN = graphql(`
  query CrudTestWorkflowAndRun($w: ID!, $r: ID!) { workflow(id: $w) { id } run(id: $r) { id } }
`);
const WORKFLOW_RUN_CURSORS = graphql(`
  query CrudTestWorkflowRunCursors($id: ID!) { workflow(id: $id) { runs { edges { cursor } } } }
`);
const MISSING_RUN_AND_WORKFLOW = graphql(`
  query CrudTestMissingRunAndWorkflow { run(id: "missing") { id } workflow(id: "missing") { id } }
`);
const CANCEL_MISSING_RUN = graphql(`
  mutation CrudTestCancelMissingRun { cancelRun(id: "missing") { id } }
`);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0]?.extensions?.code;

async function countAgents() {
  const { agents } = await t.data(AGENTS, { first: 100 });
  return agents.edges.length;
}

describe('agents', () => {
  it('creates, reads, updates and deletes an agent', async () => {
    const { createAgent } = await t.data(CREATE_AGENT, {
      input: { name: ' Helper ', systemPrompt: 'Be kind.', model: 'demo:echo', description: 'd' },
    });
    expect(createAgent).toMatchObject({
      name: 'Helper',
      systemPrompt: 'Be kind.',
      model: 'demo:echo',
      description: 'd',
    });
    expect(Date.parse(createAgent.createdAt)).not.toBeNaN();
    const id = createAgent.id;

    const { agent } = await t.data(AGENT_NAME, { id });
    expect(agent?.name).toBe('Helper');

    const { updateAgent } = await t.data(UPDATE_AGENT, {
      id,
      input: { name: 'Renamed', description: null },
    });
    expect(updateAgent).toMatchObject({ name: 'Renamed', model: 'demo:echo', description: null });

    const { deleteAgent } = await t.data(DELETE_AGENT, { id });
    expect(deleteAgent).toBe(id);
    const after = await t.data(AGENT_ID, { id });
    expect(after.agent).toBeNull();
  });

  it('pages through agents newest first with cursors', async () => {
    const names = ['p1', 'p2', 'p3', 'p4', 'p5'];
    for (const name of names) {
      await t.data(CREATE_AGENT, { input: { name, systemPrompt: '', model: 'demo:echo' } });
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { agents }: CrudTestAgentsQuery = await t.data(AGENTS, { first: 2, after });
      seen.push(...agents.edges.map((e) => e.node.name));
      if (!agents.pageInfo.hasNextPage) break;
      after = agents.pageInfo.endCursor;
    }
    const mine = seen.filter((n) => names.includes(n));
    expect(mine).toEqual([...names].reverse());
  });

  it('rejects an unknown model provider, an empty name and a bad page size, writing nothing', async () => {
    const before = await countAgents();
    const unknown = await t.gql(CREATE_AGENT, {
      input: { name: 'x', systemPrompt: '', model: 'nosuch:model' },
    });
    expect(codeOf(unknown)).toBe('BAD_USER_INPUT');
    expect(unknown.errors?.[0]?.message).toMatch(/nosuch/);
    const malformed = await t.gql(CREATE_AGENT, {
      input: { name: 'x', systemPrompt: '', model: 'no-colon' },
    });
    expect(codeOf(malformed)).toBe('BAD_USER_INPUT');
    const empty = await t.gql(CREATE_AGENT, {
      input: { name: '   ', systemPrompt: '', model: 'demo:echo' },
    });
    expect(codeOf(empty)).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(AGENTS, { first: 0 }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(AGENTS, { first: 5, after: 'garbage' }))).toBe('BAD_USER_INPUT');
    expect(await countAgents()).toBe(before);
  });

  it('answers null for an unknown id and NOT_FOUND from mutations on it', async () => {
    const query = await t.data(MISSING_AGENT);
    expect(query.agent).toBeNull();
    expect(codeOf(await t.gql(UPDATE_AGENT, { id: 'missing', input: { name: 'x' } }))).toBe(
      'NOT_FOUND',
    );
    expect(codeOf(await t.gql(DELETE_MISSING_AGENT))).toBe('NOT_FOUND');
  });

  it('refuses to delete an agent that workflows use', async () => {
    const { agentId } = await createDemoWorkflow(t);
    const result = await t.gql(DELETE_AGENT, { id: agentId });
    expect(codeOf(result)).toBe('CONFLICT');
    const still = await t.data(AGENT_ID, { id: agentId });
    expect(still.agent?.id).toBe(agentId);
  });
});

describe('workflows', () => {
  it('creates a workflow that follows its agent’s model unless it has its own', async () => {
    const { createAgent } = await t.data(CREATE_AGENT, {
      input: { name: 'a', systemPrompt: '', model: 'demo:echo' },
    });
    const { createWorkflow } = await t.data(CREATE_WORKFLOW, {
      input: { agentId: createAgent.id, title: 'Chat', maxTurns: 3 },
    });
    expect(createWorkflow).toMatchObject({
      title: 'Chat',
      model: 'demo:echo',
      maxTurns: 3,
      agent: { id: createAgent.id },
      activeRun: null,
      usage: { totalTokens: 0 },
    });
  });

  it('rejects an unknown agent, a bad maxTurns and an unknown model, writing nothing', async () => {
    const count = async () => (await t.data(WORKFLOW_CURSORS)).workflows.edges.length;
    const before = await count();
    expect(codeOf(await t.gql(CREATE_WORKFLOW, { input: { agentId: 'missing' } }))).toBe(
      'NOT_FOUND',
    );
    const { agentId } = await createDemoWorkflow(t);
    const afterSetup = await count();
    expect(afterSetup).toBe(before + 1);
    expect(codeOf(await t.gql(CREATE_WORKFLOW, { input: { agentId, maxTurns: 0 } }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(codeOf(await t.gql(CREATE_WORKFLOW, { input: { agentId, model: 'zzz:1' } }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(await count()).toBe(afterSetup);
  });

  it('deletes a workflow with its runs and messages', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const { sendPrompt } = await t.data(SEND_PROMPT, { input: { workflowId, prompt: 'hi' } });
    await t.collect(RUN_EVENT_IDS, { id: sendPrompt.id });
    const { deleteWorkflow } = await t.data(DELETE_WORKFLOW, { id: workflowId });
    expect(deleteWorkflow).toBe(workflowId);
    const gone = await t.data(WORKFLOW_AND_RUN, { w: workflowId, r: sendPrompt.id });
    expect(gone).toEqual({ workflow: null, run: null });
    expect(codeOf(await t.gql(DELETE_WORKFLOW, { id: workflowId }))).toBe('NOT_FOUND');
  });
});

describe('sendPrompt input checks', () => {
  const SEND = SEND_PROMPT;

  it('rejects an empty or oversized prompt and an unknown workflow, starting no run', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const runs = async () =>
      (await t.data(WORKFLOW_RUN_CURSORS, { id: workflowId })).workflow!.runs.edges.length;
    expect(codeOf(await t.gql(SEND, { input: { workflowId, prompt: '  ' } }))).toBe(
      'BAD_USER_INPUT',
    );
    const oversized = await t.gql(SEND, { input: { workflowId, prompt: 'x'.repeat(10_001) } });
    expect(codeOf(oversized)).toBe('BAD_USER_INPUT');
    expect(oversized.errors?.[0]?.message).toContain('10000');
    expect(codeOf(await t.gql(SEND, { input: { workflowId: 'missing', prompt: 'hi' } }))).toBe(
      'NOT_FOUND',
    );
    expect(await runs()).toBe(0);
  });

  it('answers null for unknown run and workflow ids and NOT_FOUND when cancelling one', async () => {
    const result = await t.data(MISSING_RUN_AND_WORKFLOW);
    expect(result).toEqual({ run: null, workflow: null });
    expect(codeOf(await t.gql(CANCEL_MISSING_RUN))).toBe('NOT_FOUND');
  });
});
