import { it } from 'vitest';
import { createTestApp } from '../test/support/test-app.ts';
import { newId } from '../shared/ids.ts';

it('probe', async () => {
  const t = await createTestApp({ auth: true, worker: false, protection: { maxSubscriptionsPerToken: 1 } });
  const token = await t.createToken(`x-${newId()}`);
  const q = JSON.stringify({ query: 'subscription { workflowEvents(workflowId: "nope") { id } }' });
  const h = { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` };
  const r = await t.app.fetch('http://agentgate.test/graphql', { method: 'POST', headers: h, body: q });
  console.log('status', r.status, JSON.stringify(await r.text()));
  await t.close();
});
