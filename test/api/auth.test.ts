import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../shared/domain/api-tokens.ts';
import { newId } from '../../shared/ids.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let tenant: string;
let token: string;

beforeAll(async () => {
  t = await createTestApp({ auth: true, worker: false });
  tenant = `acme-${newId()}`;
  token = await t.createToken(tenant, 'ci');
});
afterAll(async () => {
  await t.close();
});

const AGENTS = '{ agents { edges { node { id } } } }';

async function post(headers: Record<string, string>, query = AGENTS) {
  const response = await t.app.fetch('http://agentgate.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as {
    data?: unknown;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
  return { status: response.status, headers: response.headers, body };
}

describe('API tokens', () => {
  it.each([
    ['no Authorization header', {}],
    ['a scheme other than Bearer', { authorization: `Basic ${btoa('user:password')}` }],
    ['a bearer value that is no token', { authorization: 'Bearer x' }],
    ['an unknown token', { authorization: `Bearer agt_${'A'.repeat(43)}` }],
    ['a token far too long', { authorization: `Bearer ${'a'.repeat(10_000)}` }],
  ])(
    'answers %s with UNAUTHENTICATED and HTTP 401, before running anything',
    async (_, headers) => {
      const { status, headers: answer, body } = await post(headers);
      expect(status).toBe(401);
      expect(answer.get('www-authenticate')).toBe('Bearer');
      expect(body.data).toBeUndefined();
      expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(JSON.stringify(body)).not.toMatch(/http|stack/);
    },
  );

  it("serves a valid token its own tenant's objects", async () => {
    const client = t.as(token);
    const { createAgent } = await client.data<{ createAgent: { id: string } }>(
      'mutation { createAgent(input: {name: "Mine", systemPrompt: "s", model: "demo:echo"}) { id } }',
    );
    const { status, body } = await post({ authorization: `Bearer ${token}` });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { agents: { edges: [{ node: { id: createAgent.id } }] } } });
    const [stored] = await t.store.agents.getMany(tenant, [createAgent.id]);
    expect(stored?.tenantId).toBe(tenant);
  });

  it('accepts the scheme in any case and surrounding spaces', async () => {
    const { status } = await post({ authorization: `bearer   ${token}  ` });
    expect(status).toBe(200);
  });

  it('refuses a revoked token at once', async () => {
    const revocable = await t.createToken(tenant, 'short-lived');
    expect((await post({ authorization: `Bearer ${revocable}` })).status).toBe(200);
    const stored = await t.store.tokens.findByHash(hashToken(revocable));
    await t.store.tokens.revoke(stored!.id, new Date());

    const { status, body } = await post({ authorization: `Bearer ${revocable}` });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.message).toMatch(/revoked/);
  });

  it('records when a token was last used', async () => {
    const used = await t.createToken(tenant, 'used');
    expect((await t.store.tokens.findByHash(hashToken(used)))?.lastUsedAt).toBeNull();
    await post({ authorization: `Bearer ${used}` });
    await expect
      .poll(async () => (await t.store.tokens.findByHash(hashToken(used)))?.lastUsedAt)
      .toBeInstanceOf(Date);
  });

  it('authenticates a subscription when it starts: no token, no stream', async () => {
    const anonymous = t.as();
    await expect(
      anonymous.collect('subscription { runEvents(runId: "x") { id } }', {}, () => true),
    ).rejects.toThrow(/UNAUTHENTICATED|401/);
    await expect(
      t.as(token).collect('subscription { runEvents(runId: "x") { id } }', {}, () => true),
    ).rejects.toThrow(/NOT_FOUND/);
  });

  it('keeps health and readiness open to probes without a token', async () => {
    expect((await t.app.fetch('http://agentgate.test/healthz')).status).toBe(200);
    expect((await t.app.fetch('http://agentgate.test/readyz')).status).toBe(200);
  });
});
