import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropicServer } from '../fixtures/fake-anthropic-server.ts';
import { type FakeProviderServer, startFakeOpenAIServer } from '../fixtures/fake-openai-server.ts';
import {
  createDemoWorkflow,
  createTestApp,
  EVENT_FIELDS,
  type EventPayload,
  type TestApp,
} from '../support/test-app.ts';

let t: TestApp;
let openai: FakeProviderServer;
let anthropic: FakeProviderServer;

beforeAll(async () => {
  openai = await startFakeOpenAIServer();
  anthropic = await startFakeAnthropicServer();
  t = await createTestApp({
    providers: [
      { name: 'openai', type: 'openai', baseURL: openai.baseURL, apiKey: 'sk-test-openai' },
      { name: 'claude', type: 'anthropic', baseURL: anthropic.baseURL, apiKey: 'sk-ant-test' },
      { name: 'local', type: 'openai-compatible', baseURL: openai.baseURL },
    ],
  });
});
afterAll(async () => {
  await t.close();
  await openai.close();
  await anthropic.close();
});

async function run(workflowId: string, prompt: string): Promise<EventPayload[]> {
  const { sendPrompt } = await t.data<{ sendPrompt: { id: string } }>(
    `mutation ($input: SendPromptInput!) { sendPrompt(input: $input) { id } }`,
    { input: { workflowId, prompt } },
  );
  const items = await t.collect<{ runEvents: EventPayload }>(
    `subscription ($id: ID!) { runEvents(runId: $id) { ${EVENT_FIELDS} } }`,
    { id: sendPrompt.id },
  );
  return items.map((i) => i.runEvents);
}

const deltas = (events: EventPayload[]) =>
  events.filter((e) => e.__typename === 'MessageDeltaEvent').map((e) => e.delta);
const assistant = (events: EventPayload[]) =>
  events.find((e) => e.message?.role === 'ASSISTANT')?.message?.content;

describe.each([
  { label: 'OpenAI chat completions', model: 'openai:gpt-4.1', server: () => openai },
  { label: 'an OpenAI-compatible endpoint', model: 'local:llama3.1:8b', server: () => openai },
  { label: 'Anthropic messages', model: 'claude:claude-sonnet-4-5', server: () => anthropic },
])('a run through $label', ({ model, server }) => {
  it('streams the provider’s deltas, stores the message and usage, and succeeds', async () => {
    server().enqueue({
      kind: 'text',
      chunks: ['Hel', 'lo', ' there'],
      usage: { input: 11, output: 3 },
    });
    const { workflowId } = await createDemoWorkflow(t, model);
    const events = await run(workflowId, 'Say hello');
    expect(deltas(events)).toEqual(['Hel', 'lo', ' there']);
    expect(assistant(events)).toBe('Hello there');
    expect(events.filter((e) => e.__typename === 'UsageEvent').at(-1)?.usage).toEqual({
      inputTokens: 11,
      outputTokens: 3,
      totalTokens: 14,
    });
    expect(events.at(-1)).toMatchObject({ status: 'SUCCEEDED' });
    const request = server().requests.at(-1)!;
    expect(JSON.stringify(request.body)).toContain('Say hello');
    expect(request.body.model).toBe(model.slice(model.indexOf(':') + 1));
  });

  it('sends the earlier conversation with the next prompt', async () => {
    server().enqueue(
      { kind: 'text', chunks: ['first answer'] },
      { kind: 'text', chunks: ['second answer'] },
    );
    const { workflowId } = await createDemoWorkflow(t, model);
    await run(workflowId, 'first question');
    await run(workflowId, 'second question');
    const body = JSON.stringify(server().requests.at(-1)!.body);
    const order = ['first question', 'first answer', 'second question'].map((s) => body.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it.each([
    { status: 401, code: 'PROVIDER_AUTH_FAILED' },
    { status: 429, code: 'PROVIDER_RATE_LIMITED' },
    { status: 500, code: 'PROVIDER_UNAVAILABLE' },
  ])(
    'ends the run FAILED with $code when the provider answers $status',
    async ({ status, code }) => {
      server().enqueue({
        kind: 'error',
        status,
        retryAfterSeconds: status === 429 ? 0 : undefined,
      });
      const { workflowId } = await createDemoWorkflow(t, model);
      const events = await run(workflowId, 'hi');
      const last = events.at(-1)!;
      expect(last).toMatchObject({
        __typename: 'RunStatusEvent',
        status: 'FAILED',
        error: { code },
      });
      expect(last.error?.message.length).toBeGreaterThan(10);
      expect(last.error?.message).not.toContain('sk-test');
      expect(
        events.filter((e) => e.__typename === 'RunStatusEvent' && e.status === 'FAILED'),
      ).toHaveLength(1);
    },
  );
});
