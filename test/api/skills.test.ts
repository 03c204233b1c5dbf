import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Skills through the API: records, agents choosing them by id and tag, workflows adding their
 * own, the effective set a run injects, and what deleting one does. Also the agent's context
 * budget. (What the model receives is proven at the worker level: run-agent-context.test.ts.)
 */

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

afterAll(async () => {
  await t.close();
});

interface SkillFields {
  id: string;
  name: string;
  description: string | null;
  instructions: string;
  tags: string[];
}

const SKILL_FIELDS = 'id name description instructions tags createdAt updatedAt';

async function createSkill(input: Record<string, unknown>): Promise<SkillFields> {
  const { createSkill } = await t.data<{ createSkill: SkillFields }>(
    `mutation ($input: CreateSkillInput!) { createSkill(input: $input) { ${SKILL_FIELDS} } }`,
    { input: { instructions: 'Do it well.', ...input } },
  );
  return createSkill;
}

async function codeOf(query: string, variables: Record<string, unknown>) {
  const result = await t.gql(query, variables);
  return result.errors?.map((e) => e.extensions?.code);
}

const CREATE_AGENT = `mutation ($input: CreateAgentInput!) {
  createAgent(input: $input) { id skillIds skillTags contextBudget skills { name } }
}`;

const WORKFLOW_SKILLS = `query ($id: ID!) {
  workflow(id: $id) { skillIds skills { id name } agent { skillIds skills { name } } }
}`;

describe('skill records', () => {
  it('creates, reads, lists, updates and deletes a skill', async () => {
    const created = await createSkill({
      name: 'Release notes',
      description: 'Writing release notes.',
      instructions: 'Group changes by area.',
      tags: ['writing', ' docs ', 'writing'],
    });
    expect(created).toMatchObject({
      name: 'Release notes',
      description: 'Writing release notes.',
      instructions: 'Group changes by area.',
      tags: ['writing', 'docs'],
    });

    const { skill } = await t.data<{ skill: SkillFields }>(
      `query ($id: ID!) { skill(id: $id) { ${SKILL_FIELDS} } }`,
      { id: created.id },
    );
    expect(skill).toEqual(created);
    const { skills } = await t.data<{ skills: { edges: { node: { id: string } }[] } }>(
      'query { skills(first: 50) { edges { node { id } } pageInfo { hasNextPage } } }',
    );
    expect(skills.edges.map((e) => e.node.id)).toContain(created.id);

    const { updateSkill } = await t.data<{ updateSkill: SkillFields }>(
      `mutation ($id: ID!, $input: UpdateSkillInput!) { updateSkill(id: $id, input: $input) { ${SKILL_FIELDS} } }`,
      { id: created.id, input: { instructions: 'One line per change.', description: null } },
    );
    expect(updateSkill).toMatchObject({
      name: 'Release notes',
      description: null,
      instructions: 'One line per change.',
      tags: ['writing', 'docs'],
    });

    const { deleteSkill } = await t.data<{ deleteSkill: string }>(
      'mutation ($id: ID!) { deleteSkill(id: $id) }',
      { id: created.id },
    );
    expect(deleteSkill).toBe(created.id);
    expect(await t.data('query ($id: ID!) { skill(id: $id) { id } }', { id: created.id })).toEqual({
      skill: null,
    });
    expect(
      await codeOf('mutation ($id: ID!) { deleteSkill(id: $id) }', { id: created.id }),
    ).toEqual(['NOT_FOUND']);
    expect(
      await codeOf(
        'mutation ($id: ID!, $input: UpdateSkillInput!) { updateSkill(id: $id, input: $input) { id } }',
        { id: created.id, input: { name: 'x' } },
      ),
    ).toEqual(['NOT_FOUND']);
  });

  it.each([
    ['an empty name', { name: '  ', instructions: 'x' }],
    ['a name over 200 characters', { name: 'n'.repeat(201), instructions: 'x' }],
    ['empty instructions', { name: 'n', instructions: ' \n ' }],
    ['instructions over 50,000 characters', { name: 'n', instructions: 'i'.repeat(50_001) }],
    [
      'more than 20 tags',
      { name: 'n', instructions: 'x', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
    ],
    ['a tag over 100 characters', { name: 'n', instructions: 'x', tags: ['t'.repeat(101)] }],
  ])('refuses %s with BAD_USER_INPUT', async (_, input) => {
    expect(
      await codeOf('mutation ($input: CreateSkillInput!) { createSkill(input: $input) { id } }', {
        input,
      }),
    ).toEqual(['BAD_USER_INPUT']);
  });
});

describe('the skills of agents and workflows', () => {
  it('resolves the agent’s skills by id and tag and the workflow’s own into one set, each once, by name', async () => {
    const zeta = await createSkill({ name: 'Zeta', tags: ['team-a'] });
    const alpha = await createSkill({ name: 'Alpha' });
    const mid = await createSkill({ name: 'Mid', tags: ['team-a', 'team-b'] });
    const own = await createSkill({ name: 'Beta' });
    const { createAgent } = await t.data<{
      createAgent: {
        id: string;
        skillIds: string[];
        skillTags: string[];
        skills: { name: string }[];
      };
    }>(CREATE_AGENT, {
      input: {
        name: 'Skilled',
        systemPrompt: 'You help.',
        model: 'demo:echo',
        skillIds: [mid.id, alpha.id, mid.id],
        skillTags: ['team-a'],
      },
    });
    expect(createAgent).toMatchObject({ skillIds: [mid.id, alpha.id], skillTags: ['team-a'] });
    expect(createAgent.skills.map((s) => s.name)).toEqual(['Alpha', 'Mid', 'Zeta']);

    const { createWorkflow } = await t.data<{ createWorkflow: { id: string; skillIds: string[] } }>(
      'mutation ($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id skillIds } }',
      { input: { agentId: createAgent.id, skillIds: [own.id, zeta.id] } },
    );
    expect(createWorkflow.skillIds).toEqual([own.id, zeta.id]);
    const { workflow } = await t.data<{
      workflow: { skills: { id: string; name: string }[] };
    }>(WORKFLOW_SKILLS, { id: createWorkflow.id });
    expect(workflow.skills.map((s) => s.name)).toEqual(['Alpha', 'Beta', 'Mid', 'Zeta']);

    const { setWorkflowSkills } = await t.data<{
      setWorkflowSkills: { skillIds: string[]; skills: { name: string }[] };
    }>(
      'mutation ($id: ID!, $ids: [ID!]!) { setWorkflowSkills(workflowId: $id, skillIds: $ids) { skillIds skills { name } } }',
      { id: createWorkflow.id, ids: [] },
    );
    expect(setWorkflowSkills).toEqual({
      skillIds: [],
      skills: [{ name: 'Alpha' }, { name: 'Mid' }, { name: 'Zeta' }],
    });

    // A run with skills runs as any other.
    const { sendPrompt } = await t.data<{ sendPrompt: { id: string } }>(
      'mutation ($input: SendPromptInput!) { sendPrompt(input: $input) { id } }',
      { input: { workflowId: createWorkflow.id, prompt: 'hello' } },
    );
    await t.collect('subscription ($id: ID!) { runEvents(runId: $id) { __typename } }', {
      id: sendPrompt.id,
    });
    const { run } = await t.data<{ run: { status: string; output: string } }>(
      'query ($id: ID!) { run(id: $id) { status output } }',
      { id: sendPrompt.id },
    );
    expect(run).toEqual({ status: 'SUCCEEDED', output: 'echo: hello' });
  });

  it('answers NOT_FOUND for an unknown skill id on agents and workflows', async () => {
    const missing = '01HZZZZZZZZZZZZZZZZZZZZZZZ';
    const input = { name: 'A', systemPrompt: 'x', model: 'demo:echo' };
    expect(await codeOf(CREATE_AGENT, { input: { ...input, skillIds: [missing] } })).toEqual([
      'NOT_FOUND',
    ]);
    const { createAgent } = await t.data<{ createAgent: { id: string } }>(CREATE_AGENT, { input });
    expect(
      await codeOf(
        'mutation ($id: ID!, $input: UpdateAgentInput!) { updateAgent(id: $id, input: $input) { id } }',
        { id: createAgent.id, input: { skillIds: [missing] } },
      ),
    ).toEqual(['NOT_FOUND']);
    expect(
      await codeOf(
        'mutation ($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }',
        { input: { agentId: createAgent.id, skillIds: [missing] } },
      ),
    ).toEqual(['NOT_FOUND']);
    const { createWorkflow } = await t.data<{ createWorkflow: { id: string } }>(
      'mutation ($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }',
      { input: { agentId: createAgent.id } },
    );
    const setSkills =
      'mutation ($id: ID!, $ids: [ID!]!) { setWorkflowSkills(workflowId: $id, skillIds: $ids) { id } }';
    expect(await codeOf(setSkills, { id: createWorkflow.id, ids: [missing] })).toEqual([
      'NOT_FOUND',
    ]);
    expect(await codeOf(setSkills, { id: missing, ids: [] })).toEqual(['NOT_FOUND']);
  });

  it('drops a deleted skill from every agent and workflow that named it', async () => {
    const gone = await createSkill({ name: 'Gone', tags: ['old'] });
    const kept = await createSkill({ name: 'Kept' });
    const { createAgent } = await t.data<{ createAgent: { id: string } }>(CREATE_AGENT, {
      input: {
        name: 'A',
        systemPrompt: 'x',
        model: 'demo:echo',
        skillIds: [gone.id, kept.id],
        skillTags: ['old'],
      },
    });
    const { createWorkflow } = await t.data<{ createWorkflow: { id: string } }>(
      'mutation ($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }',
      { input: { agentId: createAgent.id, skillIds: [gone.id] } },
    );

    await t.data('mutation ($id: ID!) { deleteSkill(id: $id) }', { id: gone.id });

    const { workflow } = await t.data<{
      workflow: {
        skillIds: string[];
        skills: { name: string }[];
        agent: { skillIds: string[]; skills: { name: string }[] };
      };
    }>(WORKFLOW_SKILLS, { id: createWorkflow.id });
    expect(workflow).toEqual({
      skillIds: [],
      skills: [{ id: kept.id, name: 'Kept' }],
      agent: { skillIds: [kept.id], skills: [{ name: 'Kept' }] },
    });
  });
});

describe('the context budget of an agent', () => {
  it('is null (the deployment’s) by default, set, changed and cleared through the API', async () => {
    const input = { name: 'Budget', systemPrompt: 'x', model: 'demo:echo' };
    const { createAgent } = await t.data<{
      createAgent: { id: string; contextBudget: number | null };
    }>(CREATE_AGENT, { input });
    expect(createAgent.contextBudget).toBeNull();
    const update =
      'mutation ($id: ID!, $input: UpdateAgentInput!) { updateAgent(id: $id, input: $input) { contextBudget } }';
    expect(await t.data(update, { id: createAgent.id, input: { contextBudget: 8_000 } })).toEqual({
      updateAgent: { contextBudget: 8_000 },
    });
    expect(await t.data(update, { id: createAgent.id, input: { name: 'Renamed' } })).toEqual({
      updateAgent: { contextBudget: 8_000 },
    });
    expect(await t.data(update, { id: createAgent.id, input: { contextBudget: null } })).toEqual({
      updateAgent: { contextBudget: null },
    });
    const { createAgent: withBudget } = await t.data<{ createAgent: { contextBudget: number } }>(
      CREATE_AGENT,
      { input: { ...input, contextBudget: 2_000 } },
    );
    expect(withBudget.contextBudget).toBe(2_000);
  });

  it.each([99, 10_000_001])('refuses a budget of %i tokens with BAD_USER_INPUT', async (budget) => {
    expect(
      await codeOf(CREATE_AGENT, {
        input: { name: 'B', systemPrompt: 'x', model: 'demo:echo', contextBudget: budget },
      }),
    ).toEqual(['BAD_USER_INPUT']);
  });
});
