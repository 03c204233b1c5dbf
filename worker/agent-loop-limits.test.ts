import { jsonSchema, tool } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { storableText } from '../shared/domain/storable-text.ts';
import {
  type FakeProviderServer,
  type FakeScenario,
  startFakeOpenAIServer,
} from '../test/fixtures/fake-openai-server.ts';
import { createRecordingSink, type RecordingSink } from '../test/fixtures/recording-sink.ts';
import { type AgentLoopOptions, runAgentLoop } from './agent-loop.ts';
import { createModelRegistry } from './models/registry.ts';

/**
 * The output limits of the agent loop (docs/limits.md) against a fake OpenAI-compatible server
 * speaking the real streaming wire format: endless answers, huge chunks, NUL characters, huge
 * tool arguments and results.
 */

const servers: FakeProviderServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function setup(scenarios: FakeScenario[]) {
  const server = await startFakeOpenAIServer({ scenarios });
  servers.push(server);
  const registry = createModelRegistry([
    { name: 'tenant', type: 'openai-compatible', baseURL: server.baseURL, apiKey: 'sk-x' },
  ]);
  const recording = createRecordingSink();
  let next = 0;
  const loop = (overrides: Partial<AgentLoopOptions> = {}) =>
    runAgentLoop({
      model: registry.resolve('tenant:any-model'),
      system: 'Be terse.',
      history: [],
      prompt: 'Talk.',
      maxTurns: 3,
      maxRetries: 0,
      signal: new AbortController().signal,
      newMessageId: () => `msg${++next}`,
      sink: recording.sink,
      ...overrides,
    });
  return { server, recording, loop };
}

function expectDeltasMatchMessages(recording: RecordingSink) {
  expect(recording.messages().length).toBeGreaterThan(0);
  for (const message of recording.messages()) {
    expect(recording.deltasOf(message.id)).toBe(message.content);
  }
}

function deltas(recording: RecordingSink): string[] {
  return recording.events.flatMap((e) => (e.type === 'delta' ? [e.delta] : []));
}

/** A tool that counts its calls and answers with `answer`. */
function countingTool(answer: unknown = 'ok') {
  let calls = 0;
  const echo = tool({
    description: 'Echoes.',
    inputSchema: jsonSchema<{ text?: string }>({
      type: 'object',
      properties: { text: { type: 'string' } },
    }),
    execute: async () => {
      calls += 1;
      return answer;
    },
  });
  return { tools: { echo }, calls: () => calls };
}

describe('the agent loop under output limits', () => {
  it('stops reading an endless answer at maxMessageChars, stores it up to there and fails OUTPUT_TOO_LARGE', async () => {
    const { server, recording, loop } = await setup([
      { kind: 'text', chunks: ['0123456789'], endless: true },
    ]);
    const result = await loop({ maxMessageChars: 25_000 });

    expect(result).toMatchObject({
      status: 'FAILED',
      error: {
        code: 'OUTPUT_TOO_LARGE',
        message: expect.stringContaining('MAX_MESSAGE_CHARS (25000 characters)'),
      },
    });
    const [message] = recording.messages();
    expect(message?.content).toHaveLength(25_000);
    expect(result.output).toBe(message?.content);
    expectDeltasMatchMessages(recording);
    expect(await server.requests[0]?.closed).toBe('aborted');
    expect(server.requests).toHaveLength(1);
  });

  it('splits one huge chunk into deltas of at most maxDeltaChars, losing nothing and splitting no emoji', async () => {
    const chunk = `${'a'.repeat(999)}😀${'b'.repeat(1_998)}😀tail`;
    const { recording, loop } = await setup([{ kind: 'text', chunks: [chunk, ' end'] }]);
    const result = await loop({ maxDeltaChars: 1_000 });

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: `${chunk} end` });
    const sent = deltas(recording);
    expect(sent.length).toBeGreaterThan(3);
    for (const delta of sent) {
      expect(delta.length).toBeLessThanOrEqual(1_000);
      expect(storableText(delta)).toBe(delta);
    }
    expectDeltasMatchMessages(recording);
  });

  it('cuts a huge chunk at maxMessageChars, never inside a surrogate pair', async () => {
    const { recording, loop } = await setup([{ kind: 'text', chunks: ['😀'.repeat(600_000)] }]);
    const result = await loop({ maxMessageChars: 1_001 });

    expect(result).toMatchObject({ status: 'FAILED', error: { code: 'OUTPUT_TOO_LARGE' } });
    const [message] = recording.messages();
    expect(message?.content).toBe('😀'.repeat(500));
    expectDeltasMatchMessages(recording);
  });

  it('replaces NUL characters and lone surrogates in the answer with U+FFFD, in deltas and message alike', async () => {
    const { recording, loop } = await setup([
      { kind: 'text', chunks: ['nul\u0000byte ', 'half \ud83d pair', ' fine 😀'] },
    ]);
    const result = await loop();

    const expected = 'nul\uFFFDbyte half \uFFFD pair fine 😀';
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: expected });
    expect(recording.messages()).toEqual([
      { type: 'message', id: 'msg1', role: 'ASSISTANT', content: expected },
    ]);
    expectDeltasMatchMessages(recording);
  });

  it('does not run a tool call whose arguments pass maxToolArgumentChars, and tells the model why', async () => {
    const { tools, calls } = countingTool();
    const { server, recording, loop } = await setup([
      {
        kind: 'tool-call',
        name: 'echo',
        argumentChunks: ['{"text":"', 'x'.repeat(5_000), '"}'],
      },
      { kind: 'text', chunks: ['Sorry.'] },
    ]);
    const result = await loop({ tools, maxToolArgumentChars: 1_000 });

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: 'Sorry.' });
    expect(calls()).toBe(0);
    const [started, ended] = recording.toolCalls();
    expect(started).toMatchObject({
      name: 'echo',
      status: 'STARTED',
      arguments: { truncated: true, originalChars: expect.any(Number) },
    });
    expect(ended).toMatchObject({
      status: 'FAILED',
      result: expect.stringContaining('more than MAX_TOOL_ARGUMENT_CHARS (1000)'),
    });
    expect(JSON.stringify(ended?.arguments).length).toBeLessThan(1_200);
    expect(JSON.stringify(server.requests[1]?.body)).toContain('MAX_TOOL_ARGUMENT_CHARS');
  });

  it('cuts off a tool call whose arguments stream on endlessly, and asks the model again', async () => {
    const { tools, calls } = countingTool();
    const { server, recording, loop } = await setup([
      { kind: 'tool-call', name: 'echo', argumentChunks: ['{"text":"', 'yyyy'], endless: true },
      { kind: 'text', chunks: ['Gave up.'] },
    ]);
    const result = await loop({ tools, maxToolArgumentChars: 20_000 });

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: 'Gave up.' });
    expect(calls()).toBe(0);
    expect(await server.requests[0]?.closed).toBe('aborted');
    expect(recording.toolCalls()[1]).toMatchObject({
      name: 'echo',
      status: 'FAILED',
      arguments: { truncated: true, preview: expect.stringMatching(/^\{"text":"y+$/) },
    });
    expect(JSON.stringify(server.requests[1]?.body)).toContain('MAX_TOOL_ARGUMENT_CHARS');
  });

  it('sends the model the capped tool result it stores and publishes, not the whole result', async () => {
    const { tools } = countingTool('r'.repeat(200_000));
    const { server, recording, loop } = await setup([
      { kind: 'tool-call', name: 'echo', argumentChunks: ['{}'] },
      { kind: 'text', chunks: ['Long.'] },
    ]);
    await loop({ tools, maxToolResultChars: 2_000 });

    const ended = recording.toolCalls()[1];
    expect(ended).toMatchObject({ status: 'SUCCEEDED', result: { truncated: true } });
    const sent = JSON.stringify(server.requests[1]?.body);
    expect(sent).toContain('truncated');
    expect(sent.length).toBeLessThan(10_000);
    const stored = recording.messages().find((m) => m.role === 'TOOL');
    expect(stored?.content.length).toBeLessThan(3_000);
  });

  it('makes NUL characters in tool arguments and results storable before anything sees them', async () => {
    const { tools } = countingTool({ text: 'result \u0000 nul', 'key\u0000': 1 });
    const { recording, loop } = await setup([
      { kind: 'tool-call', name: 'echo', argumentChunks: ['{"text":"arg \\u0000 nul"}'] },
      { kind: 'text', chunks: ['Done.'] },
    ]);
    await loop({ tools });

    const [started, ended] = recording.toolCalls();
    expect(started?.arguments).toEqual({ text: 'arg \uFFFD nul' });
    expect(ended?.result).toEqual({ text: 'result \uFFFD nul', 'key\uFFFD': 1 });
    for (const message of recording.messages()) expect(message.content).not.toContain('\u0000');
    expect(JSON.stringify(recording.events)).not.toContain('\\u0000');
  });
});
