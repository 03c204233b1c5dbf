import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteStore } from '../../shared/adapters/store/sql/pglite-store.ts';
import { spyStore } from '../support/spy-store.ts';
import { createDemoWorkflow, createTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let spy: ReturnType<typeof spyStore>;

beforeAll(async () => {
  const inner = createPgliteStore();
  await inner.init();
  spy = spyStore(inner);
  t = await createTestApp({ store: spy.store, worker: false });
});
afterAll(async () => {
  await t.close();
  await spy.store.close();
});

describe('dataloaders', () => {
  it('loads the agents, active runs and usage of a page of workflows in one store call each', async () => {
    for (let i = 0; i < 6; i++) await createDemoWorkflow(t);
    spy.reset();
    const { workflows } = await t.data<{
      workflows: { edges: { node: { agent: { id: string } } }[] };
    }>(
      `{ workflows(first: 6) { edges { node { id model agent { id name } activeRun { id } usage { totalTokens } } } } }`,
    );
    expect(workflows.edges).toHaveLength(6);
    expect(new Set(workflows.edges.map((e) => e.node.agent.id)).size).toBe(6);
    expect(spy.counts).toEqual({
      'workflows.list': 1,
      'agents.getMany': 1,
      'runs.activeByWorkflow': 1,
      'runs.usageByWorkflow': 1,
    });
  });
});

describe('error masking', () => {
  it('masks an unexpected failure: generic message, INTERNAL_SERVER_ERROR, nothing internal', async () => {
    spy.fail('agents.list', new Error('connection to 10.1.2.3 refused: password=hunter2'));
    try {
      const result = await t.gql(`{ agents { edges { cursor } } }`);
      expect(result.errors).toHaveLength(1);
      expect(result.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(result)).not.toMatch(/hunter2|10\.1\.2\.3|stack|at /);
    } finally {
      spy.heal();
    }
  });
});
