import { createClient } from 'graphql-sse';
import { it } from 'vitest';
import { createTestApp, createDemoWorkflow } from '../test/support/test-app.ts';
import { newId } from '../shared/ids.ts';

it('probe', async () => {
  const t = await createTestApp({ auth: true, worker: false, protection: { maxSubscriptionsPerToken: 1 } });
  const token = await t.createToken(`x-${newId()}`);
  const c = t.as(token);
  const { createAgent } = await c.data<any>('mutation { createAgent(input: {name: "a", systemPrompt: "s", model: "demo:echo"}) { id } }');
  const { createWorkflow } = await c.data<any>('mutation ($a: ID!) { createWorkflow(input: {agentId: $a}) { id } }', { a: createAgent.id });
  const client = createClient({ url: 'http://agentgate.test/graphql', fetchFn: t.app.fetch as typeof fetch, retryAttempts: 0, headers: { authorization: `Bearer ${token}` } });
  const log = (...a: unknown[]) => console.log(Date.now() % 100000, ...a);
  const d1 = client.subscribe({ query: 'subscription ($id: ID!) { workflowEvents(workflowId: $id) { id } }', variables: { id: createWorkflow.id } },
    { next: (v) => log('1 next', JSON.stringify(v)), error: (e) => log('1 error', String(e)), complete: () => log('1 complete') },
    { connected: () => log('1 connected') } as any);
  await new Promise((r) => setTimeout(r, 500));
  const d2 = client.subscribe({ query: 'subscription ($id: ID!) { workflowEvents(workflowId: $id) { id } }', variables: { id: createWorkflow.id } },
    { next: (v) => log('2 next', JSON.stringify(v)), error: (e) => log('2 error', String(e)), complete: () => log('2 complete') },
    { connected: () => log('2 connected') } as any);
  await new Promise((r) => setTimeout(r, 500));
  d1(); log('disposed 1');
  await new Promise((r) => setTimeout(r, 500));
  const d3 = client.subscribe({ query: 'subscription ($id: ID!) { workflowEvents(workflowId: $id) { id } }', variables: { id: createWorkflow.id } },
    { next: (v) => log('3 next', JSON.stringify(v)), error: (e) => log('3 error', String(e)), complete: () => log('3 complete') },
    { connected: () => log('3 connected') } as any);
  await new Promise((r) => setTimeout(r, 500));
  d3(); d2(); client.dispose();
  await t.close();
});
