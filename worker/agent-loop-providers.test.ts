import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message, MessageRole } from '../shared/domain/types.ts';
import { startFakeAnthropicServer } from '../test/fixtures/fake-anthropic-server.ts';
import {
  type FakeProviderServer,
  type FakeScenario,
  startFakeOpenAIServer,
} from '../test/fixtures/fake-openai-server.ts';
import { createRecordingSink, type RecordingSink } from '../test/fixtures/recording-sink.ts';
import { type AgentLoopOptions, runAgentLoop } from './agent-loop.ts';
import { createModelRegistry, type ProviderType } from './models/registry.ts';

const servers: FakeProviderServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const start = { openai: startFakeOpenAIServer, anthropic: startFakeAnthropicServer };

/** A fake server of `type` with `scenarios`, and loop options whose model points at it. */
async function setup(type: 'openai' | 'anthropic', scenarios: FakeScenario[]) {
  const server = await start[type]({ scenarios });
  servers.push(server);
  const registry = createModelRegistry([
    {
      name: 'fake',
      type: type satisfies ProviderType,
      baseURL: server.baseURL,
      apiKey: 'sk-secret-key-123456',
    },
  ]);
  const recording = createRecordingSink();
  let next = 0;
  const loop = (overrides: Partial<AgentLoopOptions> = {}) =>
    runAgentLoop({
      model: registry.resolve(type === 'openai' ? 'fake:gpt-4.1' : 'fake:claude-sonnet-4-5'),
      system: 'Be terse.',
      history: [],
      prompt: 'What is new?',
      maxTurns: 3,
      maxRetries: 0,
      signal: new AbortController().signal,
      newMessageId: () => `msg${++next}`,
      sink: recording.sink,
      ...overrides,
    });
  return { server, recording, loop };
}

function historyMessage(index: number, role: MessageRole, content: string): Message {
  return {
    id: `h${index}`,
    tenantId: 'default',
    workflowId: 'wf1',
    runId: null,
    index,
    role,
    content,
    createdAt: new Date(0),
  };
}

const history = [
  historyMessage(1, 'SYSTEM', 'an old system note'),
  historyMessage(2, 'USER', 'Hi'),
  historyMessage(3, 'ASSISTANT', 'Hello!'),
  historyMessage(4, 'TOOL', '{"ignored":true}'),
];

function expectDeltasMatchMessages(recording: RecordingSink) {
  for (const message of recording.messages()) {
    expect(recording.deltasOf(message.id)).toBe(message.content);
  }
}

describe.each(['openai', 'anthropic'] as const)(
  'the agent loop against a fake %s server',
  (type) => {
    it('streams the answer, reports usage and sends the conversation history', async () => {
      const { server, recording, loop } = await setup(type, [
        { kind: 'text', chunks: ['Not ', 'much', '.'], usage: { input: 21, output: 3 } },
      ]);
      const result = await loop({ history });

      expect(result).toEqual({
        status: 'SUCCEEDED',
        output: 'Not much.',
        usage: { inputTokens: 21, outputTokens: 3, totalTokens: 24 },
      });
      expect(recording.messages()).toEqual([
        { type: 'message', id: 'msg1', role: 'ASSISTANT', content: 'Not much.' },
      ]);
      expectDeltasMatchMessages(recording);
      expect(recording.lastUsage()).toEqual(result.usage);

      const body = server.requests[0]?.body;
      if (type === 'openai') {
        expect(body?.messages).toEqual([
          { role: 'system', content: 'Be terse.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello!' },
          { role: 'user', content: 'What is new?' },
        ]);
      } else {
        expect(body?.system).toEqual([{ type: 'text', text: 'Be terse.' }]);
        expect(body?.messages).toEqual([
          { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'Hello!' }] },
          { role: 'user', content: [{ type: 'text', text: 'What is new?' }] },
        ]);
      }
    });

    it('parses streamed tool-call deltas into a tool call and, with no tools, answers the model with a tool error', async () => {
      const { server, recording, loop } = await setup(type, [
        { kind: 'tool-call', name: 'get_weather', argumentChunks: ['{"city"', ':"Par', 'is"}'] },
        { kind: 'text', chunks: ['I cannot check the weather.'] },
      ]);
      const result = await loop();

      expect(recording.toolCalls()).toEqual([
        {
          toolCallId: expect.any(String),
          name: 'get_weather',
          status: 'STARTED',
          arguments: { city: 'Paris' },
        },
        expect.objectContaining({ name: 'get_weather', status: 'FAILED' }),
      ]);
      expect(result).toMatchObject({ status: 'SUCCEEDED', output: 'I cannot check the weather.' });
      expect(server.requests).toHaveLength(2);
      expect(JSON.stringify(server.requests[1]?.body)).toContain('unavailable tool');
    });

    it.each([
      [401, 'PROVIDER_AUTH_FAILED'],
      [429, 'PROVIDER_RATE_LIMITED'],
      [500, 'PROVIDER_UNAVAILABLE'],
    ])(
      'fails with the code of an HTTP %i answer and the provider message',
      async (status, code) => {
        const { server, recording, loop } = await setup(type, [
          {
            kind: 'error',
            status,
            message: `failure ${status} for sk-secret-key-123456`,
            retryAfterSeconds: 30,
          },
        ]);
        const result = await loop();

        expect(result).toMatchObject({ status: 'FAILED', error: { code }, output: null });
        const { message } = (result as { error: { message: string } }).error;
        expect(message).toContain(`failure ${status} for`);
        expect(message).not.toContain('secret-key');
        expect(server.requests).toHaveLength(1);
        expect(recording.events).toEqual([]);
      },
    );

    it('retries a 500 as often as maxRetries allows', async () => {
      // retry-after: 0 lets the SDK retry at once instead of after its 2 s default backoff.
      const unavailable: FakeScenario = {
        kind: 'error',
        status: 500,
        headers: { 'retry-after': '0' },
      };
      const { server, loop } = await setup(type, [
        unavailable,
        unavailable,
        { kind: 'text', chunks: ['never sent'] },
      ]);
      const result = await loop({ maxRetries: 1 });

      expect(result).toMatchObject({ status: 'FAILED', error: { code: 'PROVIDER_UNAVAILABLE' } });
      expect(server.requests).toHaveLength(2);
    });

    it('is cancelled mid-stream, and the provider sees the connection closed', async () => {
      const { server, loop } = await setup(type, [
        { kind: 'text', chunks: ['Partial ', 'answer'], hold: true },
      ]);
      const controller = new AbortController();
      const recording = createRecordingSink({
        onDelta: (_, delta) => {
          if (delta === 'answer') controller.abort();
        },
      });
      const result = await loop({ signal: controller.signal, sink: recording.sink });

      expect(result).toMatchObject({ status: 'CANCELLED', output: 'Partial answer' });
      expect(recording.messages()).toEqual([
        { type: 'message', id: 'msg1', role: 'ASSISTANT', content: 'Partial answer' },
      ]);
      expectDeltasMatchMessages(recording);
      expect(await server.requests[0]?.closed).toBe('aborted');
    });
  },
);

describe('the agent loop when its sink fails', () => {
  it('rejects with the sink error and closes the provider connection', async () => {
    const { server, loop } = await setup('openai', [
      { kind: 'text', chunks: ['one ', 'two'], hold: true },
    ]);
    const broken = new Error('event bus down');
    const recording = createRecordingSink({ failOn: { type: 'delta', nth: 1, error: broken } });

    await expect(loop({ sink: recording.sink })).rejects.toBe(broken);
    expect(await server.requests[0]?.closed).toBe('aborted');
  });
});

describe('the agent loop against an unreachable provider', () => {
  it('fails with PROVIDER_UNREACHABLE', async () => {
    // A port that was free a moment ago: nothing listens there any more.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));

    const registry = createModelRegistry([
      { name: 'gone', type: 'openai-compatible', baseURL: `http://127.0.0.1:${port}/v1` },
    ]);
    const recording = createRecordingSink();
    const result = await runAgentLoop({
      model: registry.resolve('gone:any'),
      system: '',
      history: [],
      prompt: 'hi',
      maxTurns: 1,
      maxRetries: 0,
      signal: new AbortController().signal,
      newMessageId: () => 'm1',
      sink: recording.sink,
    });
    expect(result).toMatchObject({ status: 'FAILED', error: { code: 'PROVIDER_UNREACHABLE' } });
    expect((result as { error: { message: string } }).error.message).toContain(`127.0.0.1:${port}`);
  });
});
