import { it } from 'vitest';
import { createTestApp } from '../test/support/test-app.ts';

it('probe', async () => {
  const t = await createTestApp({ worker: false });
  const show = async (label: string, init: RequestInit) => {
    const r = await t.app.fetch('http://agentgate.test/graphql', init);
    console.log(label, r.status, r.headers.get('content-type'), (await r.text()).slice(0, 400));
  };
  await show('syntax', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ agents {' }) });
  await show('validation', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ nope }' }) });
  await show('badjson', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
  await show('batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ query: '{ __typename }' }]) });
  await show('text/plain', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ __typename }' }) });
  await show('form', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=%7B__typename%7D' });
  await show('graphql', { method: 'POST', headers: { 'content-type': 'application/graphql' }, body: '{ __typename }' });
  await show('get mutation', { method: 'GET', headers: {} , });
  await show('unknown op', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query A { __typename }', operationName: 'B' }) });
  await show('invalid utf8', { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from([0x7b, 0x22, 0x71, 0x75, 0x65, 0x72, 0x79, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) });
  await t.close();
});
