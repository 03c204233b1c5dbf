import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ worker: false });
});
afterAll(async () => {
  await t.close();
});

const post = (body: string, headers: Record<string, string> = {}) =>
  t.app.fetch('http://agentgate.test/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...headers,
    },
    body,
  });

describe('GraphQL over HTTP', () => {
  it('answers a syntax error with a spec-conformant error and no data', async () => {
    const response = await post(JSON.stringify({ query: '{ agents { ' }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { data?: unknown; errors: { message: string }[] };
    expect(body.data).toBeUndefined();
    expect(body.errors[0]?.message).toMatch(/Syntax Error/);
  });

  it('answers an unknown field with a validation error', async () => {
    const response = await post(JSON.stringify({ query: '{ nope }' }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0]?.message).toContain('Cannot query field "nope"');
  });

  it('rejects a request body that is not JSON', async () => {
    const response = await post('this is not json');
    expect(response.status).toBe(400);
  });

  it('serves GraphiQL to a browser', async () => {
    const response = await t.app.fetch('http://agentgate.test/graphql', {
      headers: { accept: 'text/html' },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('GraphiQL');
  });

  it('reports liveness and readiness', async () => {
    const health = await t.app.fetch('http://agentgate.test/healthz');
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await t.app.fetch('http://agentgate.test/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});
