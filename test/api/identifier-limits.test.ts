import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MODEL_CHARS } from '../../shared/domain/types.ts';
import { createDemoWorkflow, createTestApp, type TestApp } from '../support/test-app.ts';

/** Identifiers that end up in logs, messages and metrics are bounded where they enter. */

let t: TestApp;
let agentId: string;
beforeAll(async () => {
  t = await createTestApp({ worker: false });
  ({ agentId } = await createDemoWorkflow(t));
});
afterAll(async () => {
  await t.close();
});

const huge = `demo:${'m'.repeat(100_000)}`;
const limitMessage = `model is ${huge.length} characters long; the limit is ${MAX_MODEL_CHARS}.`;

describe('model strings', () => {
  it.each<[string, string, Record<string, unknown>]>([
    [
      'createAgent',
      'mutation ($input: CreateAgentInput!) { createAgent(input: $input) { id } }',
      { input: { name: 'n', systemPrompt: 's', model: huge } },
    ],
    [
      'updateAgent',
      'mutation ($id: ID!, $input: UpdateAgentInput!) { updateAgent(id: $id, input: $input) { id } }',
      { id: 'set below', input: { model: huge } },
    ],
    [
      'createWorkflow',
      'mutation ($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }',
      { input: { agentId: 'set below', model: huge } },
    ],
  ])(
    'longer than MAX_MODEL_CHARS are refused by %s without being quoted back',
    async (_, query, variables) => {
      const vars = JSON.parse(JSON.stringify(variables).replaceAll('set below', agentId));
      const result = await t.gql(query, vars);
      expect(result.data ?? null).toBeNull();
      expect(result.errors).toMatchObject([
        { message: limitMessage, extensions: { code: 'BAD_USER_INPUT' } },
      ]);
    },
  );

  it('of MAX_MODEL_CHARS are checked as model strings as before', async () => {
    const result = await t.gql(
      'mutation ($input: CreateAgentInput!) { createAgent(input: $input) { id } }',
      { input: { name: 'n', systemPrompt: 's', model: `nope:${'m'.repeat(MAX_MODEL_CHARS - 5)}` } },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/names provider "nope"/);
  });
});
