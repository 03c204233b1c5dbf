import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeProviderServer, startFakeOpenAIServer } from '../fixtures/fake-openai-server.ts';
import {
  createDemoWorkflow,
  createTestApp,
  EVENT_FIELDS,
  type EventPayload,
  type TestApp,
} from '../support/test-app.ts';

/**
 * Providers as records (bring your own key): a tenant's provider whose key is a secret, used
 * before the deployment's provider of the same name, reaching a real HTTP server that speaks
 * OpenAI's wire format.
 */

let t: TestApp;
let openai: FakeProviderServer;
// Not shaped like a vendor key, so only the worker's redaction of known values can hide it.
const KEY = 'byok-tenant-key-0123456789';
const DEPLOYMENT_KEY = 'sk-deployment-key';
const seen: string[] = [];

async function gql(query: string, variables: Record<string, unknown> = {}) {
  const result = await t.gql<Record<string, unknown>>(query, variables);
  seen.push(JSON.stringify(result));
  return result;
}

const CREATE_PROVIDER = `mutation ($input: CreateProviderInput!) {
  createProvider(input: $input) { id name type baseURL apiKeySecret headers }
}`;

async function run(workflowId: string, prompt: string) {
  const { sendPrompt } = await t.data<{ sendPrompt: { id: string } }>(
    `mutation ($input: SendPromptInput!) { sendPrompt(input: $input) { id } }`,
    { input: { workflowId, prompt } },
  );
  const items = await t.collect<{ runEvents: EventPayload }>(
    `subscription ($id: ID!) { runEvents(runId: $id) { ${EVENT_FIELDS} } }`,
    { id: sendPrompt.id },
  );
  seen.push(JSON.stringify(items));
  return items.map((i) => i.runEvents);
}

beforeAll(async () => {
  openai = await startFakeOpenAIServer();
  t = await createTestApp({
    providers: [
      { name: 'openai', type: 'openai', baseURL: openai.baseURL, apiKey: DEPLOYMENT_KEY },
    ],
  });
  await gql('mutation ($input: CreateSecretInput!) { createSecret(input: $input) { id } }', {
    input: { name: 'BYOK_KEY', value: KEY },
  });
});
afterAll(async () => {
  await t.close();
  await openai.close();
  for (const response of seen) expect(response).not.toContain(KEY);
});

describe('provider records', () => {
  it('runs through a provider record, sending its secret key as the bearer token', async () => {
    const created = await gql(CREATE_PROVIDER, {
      input: {
        name: 'byok',
        type: 'OPENAI_COMPATIBLE',
        baseURL: openai.baseURL,
        apiKeySecret: 'BYOK_KEY',
        headers: { 'x-tenant-key': '{{secret:BYOK_KEY}}' },
      },
    });
    expect(created.data?.createProvider).toMatchObject({
      name: 'byok',
      type: 'OPENAI_COMPATIBLE',
      apiKeySecret: 'BYOK_KEY',
      headers: { 'x-tenant-key': '{{secret:BYOK_KEY}}' },
    });
    openai.enqueue({ kind: 'text', chunks: ['from ', 'byok'] });
    const { workflowId } = await createDemoWorkflow(t, 'byok:my-model:latest');
    const events = await run(workflowId, 'hi');
    expect(events.at(-1)).toMatchObject({ status: 'SUCCEEDED' });
    const request = openai.requests.at(-1)!;
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request.headers['x-tenant-key']).toBe(KEY);
    expect(request.body.model).toBe('my-model:latest');
  });

  it('uses the tenant’s record before the deployment’s provider of the same name', async () => {
    await gql(CREATE_PROVIDER, {
      input: { name: 'openai', type: 'OPENAI', baseURL: openai.baseURL, apiKeySecret: 'BYOK_KEY' },
    });
    openai.enqueue({ kind: 'text', chunks: ['mine'] });
    const { workflowId } = await createDemoWorkflow(t, 'openai:gpt-4.1');
    await run(workflowId, 'hi');
    expect(openai.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('redacts the key when the provider echoes it in an error', async () => {
    openai.enqueue({ kind: 'error', status: 401, message: `Incorrect API key provided: ${KEY}` });
    const { workflowId } = await createDemoWorkflow(t, 'byok:echo-model');
    const events = await run(workflowId, 'hi');
    const end = events.at(-1);
    expect(end).toMatchObject({ status: 'FAILED' });
    expect(end?.error?.message).toContain('[secret:BYOK_KEY]');
  });

  it('rejects an agent whose model names an unknown provider, listing the known ones', async () => {
    const result = await gql(
      'mutation ($input: CreateAgentInput!) { createAgent(input: $input) { id } }',
      { input: { name: 'x', systemPrompt: 'x', model: 'nobody:model' } },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/demo, openai, .*byok/);
  });

  it('validates provider records when they are saved', async () => {
    const codeOf = async (input: Record<string, unknown>) =>
      (await gql(CREATE_PROVIDER, { input })).errors?.[0]?.extensions?.code;
    expect(await codeOf({ name: 'byok', type: 'OPENAI' })).toBe('CONFLICT');
    expect(await codeOf({ name: 'demo', type: 'OPENAI' })).toBe('BAD_USER_INPUT');
    expect(await codeOf({ name: 'bad name', type: 'OPENAI' })).toBe('BAD_USER_INPUT');
    expect(await codeOf({ name: 'compat', type: 'OPENAI_COMPATIBLE' })).toBe('BAD_USER_INPUT');
    expect(await codeOf({ name: 'ftp', type: 'OPENAI', baseURL: 'ftp://x/v1' })).toBe(
      'BAD_USER_INPUT',
    );
    const missing = await gql(CREATE_PROVIDER, {
      input: { name: 'nokey', type: 'ANTHROPIC', apiKeySecret: 'NO_SUCH_SECRET' },
    });
    expect(missing.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(missing.errors?.[0]?.message).toContain('"NO_SUCH_SECRET"');
  });

  it('updates a record, and after it is deleted its agents’ runs fail MODEL_UNAVAILABLE', async () => {
    const created = await gql(CREATE_PROVIDER, {
      input: { name: 'temp', type: 'ANTHROPIC', apiKeySecret: 'BYOK_KEY' },
    });
    const { id } = created.data!.createProvider as { id: string };
    const updated = await gql(
      `mutation ($id: ID!, $input: UpdateProviderInput!) {
        updateProvider(id: $id, input: $input) { type baseURL apiKeySecret }
      }`,
      { id, input: { type: 'OPENAI', baseURL: openai.baseURL, apiKeySecret: null } },
    );
    expect(updated.data?.updateProvider).toEqual({
      type: 'OPENAI',
      baseURL: openai.baseURL,
      apiKeySecret: null,
    });
    const { workflowId } = await createDemoWorkflow(t, 'temp:gpt-4.1');
    expect((await gql('mutation ($id: ID!) { deleteProvider(id: $id) }', { id })).data).toEqual({
      deleteProvider: id,
    });
    const events = await run(workflowId, 'hi');
    expect(events.at(-1)).toMatchObject({
      status: 'FAILED',
      error: { code: 'MODEL_UNAVAILABLE' },
    });
  });

  it('fails a run with SECRET_NOT_FOUND when the key secret was deleted', async () => {
    const secret = await gql(
      'mutation ($input: CreateSecretInput!) { createSecret(input: $input) { id } }',
      { input: { name: 'DOOMED_KEY', value: 'doomed-key-value' } },
    );
    await gql(CREATE_PROVIDER, {
      input: {
        name: 'doomed',
        type: 'OPENAI',
        baseURL: openai.baseURL,
        apiKeySecret: 'DOOMED_KEY',
      },
    });
    const { workflowId } = await createDemoWorkflow(t, 'doomed:gpt-4.1');
    await gql('mutation ($id: ID!) { deleteSecret(id: $id) }', {
      id: (secret.data!.createSecret as { id: string }).id,
    });
    const events = await run(workflowId, 'hi');
    expect(events.at(-1)).toMatchObject({ status: 'FAILED', error: { code: 'SECRET_NOT_FOUND' } });
  });
});
