import { jsonSchema, tool } from 'ai';
import { describe, expect, it } from 'vitest';
import { createRecordingSink } from '../test/fixtures/recording-sink.ts';
import { runAgentLoop } from './agent-loop.ts';
import { createDemoModel } from './models/demo-model.ts';

describe('cancelling a run while a tool call executes', () => {
  it('aborts the tool call with the run and ends CANCELLED', async () => {
    const controller = new AbortController();
    let toolStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      toolStarted = resolve;
    });
    let toolSignal: AbortSignal | undefined;
    const slow = tool({
      description: 'Waits until it is aborted.',
      inputSchema: jsonSchema<Record<string, never>>({ type: 'object', properties: {} }),
      execute: async (_input, { abortSignal }) => {
        toolSignal = abortSignal;
        toolStarted();
        await new Promise((_, reject) =>
          abortSignal?.addEventListener('abort', () => reject(abortSignal.reason), { once: true }),
        );
        return 'never';
      },
    });
    const recording = createRecordingSink();

    const loop = runAgentLoop({
      model: createDemoModel(),
      system: '',
      history: [],
      prompt: '!tool slow {}',
      maxTurns: 3,
      maxRetries: 0,
      tools: { slow },
      signal: controller.signal,
      newMessageId: () => 'm1',
      sink: recording.sink,
    });
    await started;
    controller.abort();
    const result = await loop;

    expect(toolSignal?.aborted).toBe(true);
    expect(result.status).toBe('CANCELLED');
  });
});
