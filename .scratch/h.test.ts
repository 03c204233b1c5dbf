import { it } from 'vitest';
import { createTestApp } from '../test/support/test-app.ts';
it('probe', async () => {
  const t = await createTestApp({ worker: false });
  const q = 'mutation ($input: CreateAgentInput!) { createAgent(input: $input) { id } }';
  const r = await t.app.fetch('http://x/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: q, variables: { input: { name: ['x','y'], systemPrompt: 's', model: 'demo:echo' } } }) });
  console.log('BODY', await r.text());
  await t.close();
});
