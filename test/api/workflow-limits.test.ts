import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.ts';

/** Per-workflow timeouts through the API: kept, shown, bounded. */

const CREATE = `mutation ($input: CreateWorkflowInput!) {
  createWorkflow(input: $input) { id queueTimeoutMs runTimeoutMs }
}`;
const AGENT = `mutation { createAgent(input: { name: "L", systemPrompt: "", model: "demo:echo" }) { id } }`;

let t: TestApp;
let agentId: string;

beforeAll(async () => {
  t = await createTestApp({ worker: false });
  agentId = (await t.data<{ createAgent: { id: string } }>(AGENT)).createAgent.id;
});

afterAll(async () => {
  await t.close();
});

describe('workflow timeouts', () => {
  it('keeps a workflow’s own limits and shows null where the deployment’s apply', async () => {
    const limited = await t.data<{ createWorkflow: Record<string, unknown> }>(CREATE, {
      input: { agentId, queueTimeoutMs: 1_500, runTimeoutMs: 60_000 },
    });
    const plain = await t.data<{ createWorkflow: Record<string, unknown> }>(CREATE, {
      input: { agentId },
    });

    expect(limited.createWorkflow).toMatchObject({ queueTimeoutMs: 1_500, runTimeoutMs: 60_000 });
    expect(plain.createWorkflow).toMatchObject({ queueTimeoutMs: null, runTimeoutMs: null });
  });

  it.each([
    ['queueTimeoutMs', 0],
    ['runTimeoutMs', 99],
    ['runTimeoutMs', 604_800_001],
  ])('rejects %s = %i with BAD_USER_INPUT', async (field, value) => {
    const result = await t.gql(CREATE, { input: { agentId, [field]: value } });

    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain(field);
  });
});
