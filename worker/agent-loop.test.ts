import type { LanguageModelV3, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { jsonSchema, tool } from 'ai';
import { describe, expect, it, vi } from 'vitest';
import type { Message, MessageRole } from '../shared/domain/types.ts';
import { createRecordingSink, type RecordingSink } from '../test/fixtures/recording-sink.ts';
import { type AgentLoopOptions, runAgentLoop } from './agent-loop.ts';
import { createDemoModel } from './models/demo-model.ts';

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

function options(
  recording: RecordingSink,
  overrides: Partial<AgentLoopOptions> = {},
): AgentLoopOptions {
  let next = 0;
  return {
    model: createDemoModel(),
    system: 'You are a test.',
    history: [],
    prompt: 'hello',
    maxTurns: 4,
    maxRetries: 0,
    signal: new AbortController().signal,
    newMessageId: () => `msg${++next}`,
    sink: recording.sink,
    ...overrides,
  };
}

/** The demo model, counting its calls. */
function countedDemoModel(): { model: LanguageModelV3; calls: () => number } {
  const model = createDemoModel();
  let calls = 0;
  return {
    calls: () => calls,
    model: {
      ...model,
      doStream: (callOptions) => {
        calls += 1;
        return model.doStream(callOptions);
      },
    },
  };
}

/** A model that streams one delta, then fails: with an `error` part, or by erroring its stream. */
function brokenModel(how: 'part' | 'throw'): LanguageModelV3 {
  const parts: LanguageModelV3StreamPart[] = [
    { type: 'stream-start', warnings: [] },
    { type: 'text-start', id: 't' },
    { type: 'text-delta', id: 't', delta: 'half ' },
  ];
  return {
    ...createDemoModel(),
    doStream: async () => ({
      stream: new ReadableStream<LanguageModelV3StreamPart>({
        // One part per pull, so the delta is read before the stream breaks.
        pull(controller) {
          const part = parts.shift();
          if (part) controller.enqueue(part);
          else if (how === 'throw') controller.error(new Error('connection lost'));
          else {
            controller.enqueue({ type: 'error', error: new Error('connection lost') });
            controller.close();
          }
        },
      }),
    }),
  };
}

describe('the agent loop with the demo model', () => {
  it('streams the answer as deltas that add up to the completed message', async () => {
    const recording = createRecordingSink();
    const result = await runAgentLoop(options(recording, { prompt: 'hello there\nfriend' }));

    expect(result).toEqual({
      status: 'SUCCEEDED',
      output: 'echo: hello there friend',
      usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
    });
    expect(recording.messages()).toEqual([
      { type: 'message', id: 'msg1', role: 'ASSISTANT', content: 'echo: hello there friend' },
    ]);
    expect(recording.deltasOf('msg1')).toBe('echo: hello there friend');
    expect(recording.events.filter((e) => e.type === 'delta')).toHaveLength(4);
    expect(recording.lastUsage()).toEqual(result.usage);
  });

  it('reports deltas, then the message, then the usage, in order', async () => {
    const recording = createRecordingSink();
    await runAgentLoop(options(recording, { prompt: 'a b' }));
    expect(recording.events.map((e) => e.type)).toEqual([
      'delta',
      'delta',
      'delta',
      'message',
      'usage',
      'log',
    ]);
  });

  it('answers the prompt, not an earlier message of the history', async () => {
    const recording = createRecordingSink();
    const history = [
      historyMessage(1, 'USER', 'old question'),
      historyMessage(2, 'ASSISTANT', 'echo: old question'),
    ];
    const result = await runAgentLoop(options(recording, { history, prompt: 'new one' }));
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: 'echo: new one' });
  });

  it('fails with PROVIDER_ERROR on !fail and does not retry it', async () => {
    const recording = createRecordingSink();
    const { model, calls } = countedDemoModel();
    const result = await runAgentLoop(
      options(recording, { model, prompt: '!fail quota exhausted', maxRetries: 2 }),
    );
    expect(result).toEqual({
      status: 'FAILED',
      error: { code: 'PROVIDER_ERROR', message: 'quota exhausted' },
      output: null,
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
    });
    expect(calls()).toBe(1);
    expect(recording.events).toEqual([]);
  });

  it('feeds a call of an unregistered tool back to the model as a tool error, without crashing', async () => {
    const recording = createRecordingSink();
    const result = await runAgentLoop(options(recording, { prompt: '!tool lookup {"q":"x"}' }));

    expect(recording.toolCalls()).toEqual([
      { toolCallId: expect.any(String), name: 'lookup', status: 'STARTED', arguments: { q: 'x' } },
      {
        toolCallId: expect.any(String),
        name: 'lookup',
        status: 'FAILED',
        arguments: { q: 'x' },
        result: expect.stringContaining('unavailable tool'),
      },
    ]);
    // The ended call is stored as a TOOL message, so the next run replays it.
    expect(recording.messages()).toEqual([
      expect.objectContaining({ role: 'TOOL', content: expect.stringContaining('"FAILED"') }),
      expect.objectContaining({ role: 'ASSISTANT' }),
    ]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatch(/^tool lookup returned: ".*unavailable tool/);
    expect(recording.logs('step-finished')).toEqual([
      { step: 1, finishReason: 'tool-calls' },
      { step: 2, finishReason: 'stop' },
    ]);
  });

  it('ends MAX_TURNS_REACHED after maxTurns tool steps and one last answer without tools', async () => {
    const recording = createRecordingSink();
    const tools = {
      lookup: tool({
        inputSchema: jsonSchema<{ n: number }>({ type: 'object' }),
        execute: async ({ n }) => ({ n }),
      }),
    };
    const prompt = ['!tool lookup {"n":1}', '!tool lookup {"n":2}', '!tool lookup {"n":3}'];
    const result = await runAgentLoop(
      options(recording, { prompt: prompt.join('\n'), maxTurns: 2, tools }),
    );
    expect(result).toMatchObject({
      status: 'MAX_TURNS_REACHED',
      output: 'tool lookup returned: {"n":2}',
    });
    expect(recording.toolCalls().map((c) => [c.status, c.arguments])).toEqual([
      ['STARTED', { n: 1 }],
      ['SUCCEEDED', { n: 1 }],
      ['STARTED', { n: 2 }],
      ['SUCCEEDED', { n: 2 }],
    ]);
    expect(recording.logs('step-finished')).toEqual([
      { step: 1, finishReason: 'tool-calls' },
      { step: 2, finishReason: 'tool-calls' },
      { step: 3, finishReason: 'stop' },
    ]);
  });

  it('caps a large tool result in the event and the stored message', async () => {
    const recording = createRecordingSink();
    const tools = {
      big: tool({
        inputSchema: jsonSchema<Record<string, never>>({ type: 'object' }),
        execute: async () => 'x'.repeat(1000),
      }),
    };
    const result = await runAgentLoop(
      options(recording, { prompt: '!tool big {}', tools, maxToolResultChars: 100 }),
    );
    expect(result.status).toBe('SUCCEEDED');
    const ended = recording.toolCalls()[1];
    expect(ended).toMatchObject({ status: 'SUCCEEDED', result: { truncated: true } });
    expect(JSON.stringify(ended?.result).length).toBeLessThan(200);
  });

  it.each([
    ['an error part', 'part'],
    ['a broken stream', 'throw'],
  ])('fails on %s mid-stream and completes the partial message', async (_, how) => {
    const recording = createRecordingSink();
    const result = await runAgentLoop(
      options(recording, { model: brokenModel(how as 'part' | 'throw') }),
    );
    expect(result).toMatchObject({
      status: 'FAILED',
      error: { code: 'MODEL_ERROR', message: expect.stringContaining('connection lost') },
      output: 'half ',
    });
    expect(recording.messages()).toEqual([
      { type: 'message', id: 'msg1', role: 'ASSISTANT', content: 'half ' },
    ]);
  });

  it('is cancelled mid-stream by the signal and completes the partial message', async () => {
    const controller = new AbortController();
    const recording = createRecordingSink({
      onDelta: () => controller.abort(),
    });
    const result = await runAgentLoop(
      options(recording, {
        prompt: '!words 1000',
        signal: controller.signal,
      }),
    );
    expect(result).toMatchObject({ status: 'CANCELLED', output: 'w1 ' });
    // The provider never reported the step: its streamed text is estimated (3 characters / 4).
    expect(result.usage.outputTokens).toBe(1);
    expect(recording.messages()).toEqual([
      { type: 'message', id: 'msg1', role: 'ASSISTANT', content: 'w1 ' },
    ]);
    expect(recording.deltasOf('msg1')).toBe('w1 ');
  });

  it('is cancelled promptly while the model sleeps before its first delta', async () => {
    const controller = new AbortController();
    const recording = createRecordingSink();
    const run = runAgentLoop(
      options(recording, { prompt: '!sleep 60000\nhi', signal: controller.signal }),
    );
    controller.abort();
    expect(await run).toMatchObject({ status: 'CANCELLED', output: null });
    expect(recording.events).toEqual([]);
  });

  it('rejects with the sink error when the caller cannot store a delta', async () => {
    const broken = new Error('store is down');
    const recording = createRecordingSink({ failOn: { type: 'delta', nth: 2, error: broken } });
    await expect(runAgentLoop(options(recording, { prompt: 'a b c' }))).rejects.toBe(broken);
  });

  it('refuses a maxTurns that is not a positive integer', async () => {
    const recording = createRecordingSink();
    await expect(runAgentLoop(options(recording, { maxTurns: 0 }))).rejects.toThrow(RangeError);
  });
});

describe('usage of a step the run stopped inside', () => {
  it('estimates the tokens of words streamed before a cancel instead of counting none', async () => {
    const recording = createRecordingSink();
    const controller = new AbortController();
    const run = runAgentLoop(
      options(recording, { prompt: '!delay 20\n!words 200', signal: controller.signal }),
    );
    const deltas = () =>
      recording.events.flatMap((event) => (event.type === 'delta' ? [event.delta] : []));
    await vi.waitFor(() => expect(deltas().length).toBeGreaterThanOrEqual(5));
    controller.abort();
    const result = await run;
    expect(result.status).toBe('CANCELLED');
    const streamed = deltas().join('');
    expect(result.usage.outputTokens).toBe(Math.ceil(streamed.length / 4));
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.totalTokens).toBe(result.usage.inputTokens + result.usage.outputTokens);
  });

  it('counts nothing for a step that streamed no text', async () => {
    const recording = createRecordingSink();
    const result = await runAgentLoop(options(recording, { prompt: '!fail nope' }));
    expect(result.status).toBe('FAILED');
    expect(result.usage.totalTokens).toBe(0);
  });
});
