import type { ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import {
  CLEARED_TOOL_RESULT,
  type CompactionInput,
  compactContext,
  estimateMessageTokens,
  estimateTokens,
  omittedNote,
} from './context-window.ts';

const user = (content: string): ModelMessage => ({ role: 'user', content });
const assistant = (content: string): ModelMessage => ({ role: 'assistant', content });

/** One tool step: the assistant's call and the tool message with its result. */
function toolStep(id: string, result: string): ModelMessage[] {
  return [
    {
      role: 'assistant',
      content: [{ type: 'tool-call', toolCallId: id, toolName: 'lookup', input: { id } }],
    },
    {
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: id,
          toolName: 'lookup',
          output: { type: 'json', value: { text: result } },
        },
      ],
    },
  ];
}

const big = (label: string) => `${label} `.repeat(100);

/** Tool call ids and the ids of the results that follow them, to check pairs stay whole. */
function assertPairsValid(messages: readonly ModelMessage[]): void {
  messages.forEach((message, index) => {
    if (message.role !== 'tool') return;
    const previous = messages[index - 1];
    expect(previous?.role).toBe('assistant');
    const calls =
      previous && Array.isArray(previous.content)
        ? previous.content.flatMap((p) => (p.type === 'tool-call' ? [p.toolCallId] : []))
        : [];
    const results = message.content.flatMap((p) =>
      p.type === 'tool-result' ? [p.toolCallId] : [],
    );
    expect(results).toEqual(calls);
  });
}

function resultText(message: ModelMessage | undefined): unknown {
  if (message?.role !== 'tool') return undefined;
  const part = message.content[0];
  return part?.type === 'tool-result' ? part.output : undefined;
}

/** Two earlier runs with tool steps, then this run's prompt. */
function conversation(): CompactionInput {
  const messages = [
    user('first question'),
    ...toolStep('c1', big('old')),
    assistant('first answer'),
    user('second question'),
    ...toolStep('c2', big('middle')),
    assistant('second answer'),
    user('the prompt of this run'),
    ...toolStep('c3', big('new')),
  ];
  return { system: 'You help.', messages, budget: 10_000, promptIndex: 8 };
}

describe('the token estimate', () => {
  it('counts characters / 4, rounded up, plus 4 per message, and the system prompt', () => {
    expect(estimateTokens('abcd', [user('12345678')])).toBe(1 + 2 + 4);
    expect(estimateMessageTokens(user('123456789'))).toBe(3 + 4);
    const structured = toolStep('c', 'x')[1]!;
    expect(estimateMessageTokens(structured)).toBe(
      Math.ceil(JSON.stringify(structured.content).length / 4) + 4,
    );
  });
});

describe('context compaction', () => {
  it('sends the conversation as it is while it fits the budget', () => {
    const input = conversation();
    const result = compactContext(input);
    expect(result.compacted).toBe(false);
    expect(result.messages).toBe(input.messages);
    expect(result.estimatedTokensAfter).toBe(estimateTokens(input.system, input.messages));
  });

  it('clears the oldest tool results first, keeps every call paired with its result and the latest result whole', () => {
    const input = conversation();
    const full = estimateTokens(input.system, input.messages);
    // Room for everything but one old result.
    const result = compactContext({ ...input, budget: full - 50 });

    expect(result).toMatchObject({
      compacted: true,
      clearedToolResults: 1,
      droppedMessages: 0,
      estimatedTokensBefore: full,
    });
    expect(result.estimatedTokensAfter).toBeLessThanOrEqual(full - 50);
    expect(resultText(result.messages[2])).toEqual({ type: 'text', value: CLEARED_TOOL_RESULT });
    expect(resultText(result.messages[6])).toEqual({
      type: 'json',
      value: { text: big('middle') },
    });
    expect(resultText(result.messages.at(-1))).toEqual({
      type: 'json',
      value: { text: big('new') },
    });
    expect(result.messages).toHaveLength(input.messages.length);
    assertPairsValid(result.messages);
  });

  it('then drops the oldest whole turns behind one note, keeping the first user message, the prompt and the run’s own steps', () => {
    const input = conversation();
    const result = compactContext({ ...input, budget: 300 });

    expect(result.compacted).toBe(true);
    expect(result.clearedToolResults).toBe(2);
    expect(result.estimatedTokensAfter).toBeLessThanOrEqual(300);
    // The rest of the first turn goes first (its tool step and answer: 3 messages).
    expect(result.droppedMessages).toBe(3);
    expect(result.messages[0]).toEqual(user('first question'));
    expect(result.messages[1]).toEqual(user(omittedNote(3)));
    expect(result.messages[2]).toEqual(user('second question'));
    expect(result.messages.slice(-3)).toEqual([
      user('the prompt of this run'),
      ...toolStep('c3', big('new')),
    ]);
    assertPairsValid(result.messages);
  });

  it('drops more turns as the budget shrinks, never the first user message or the prompt, and stays over budget only with what it must keep', () => {
    const input = conversation();
    const result = compactContext({ ...input, budget: 10 });

    expect(result.droppedMessages).toBe(7);
    expect(result.messages.map((m) => m.role)).toEqual([
      'user',
      'user',
      'user',
      'assistant',
      'tool',
    ]);
    expect(result.messages[1]).toEqual(user(omittedNote(7)));
    expect(result.messages[2]).toEqual(user('the prompt of this run'));
    // The latest tool result is what the model reads next: kept, even over the budget.
    expect(result.estimatedTokensAfter).toBeGreaterThan(10);
    expect(result.estimatedTokensAfter).toBe(estimateTokens(input.system, result.messages));
  });

  it('is idempotent and deterministic', () => {
    const input = conversation();
    for (const budget of [10, 300, 400, 550]) {
      const once = compactContext({ ...input, budget });
      expect(compactContext({ ...input, budget })).toEqual(once);
      const promptIndex = once.messages.findIndex(
        (m) => m.role === 'user' && m.content === 'the prompt of this run',
      );
      const twice = compactContext({ ...input, messages: once.messages, budget, promptIndex });
      expect(twice.messages).toEqual(once.messages);
      expect(twice.clearedToolResults).toBe(0);
      expect(twice.droppedMessages).toBe(0);
    }
  });

  it('leaves the input messages untouched', () => {
    const input = conversation();
    const copy = structuredClone(input.messages);
    compactContext({ ...input, budget: 10 });
    expect(input.messages).toEqual(copy);
  });

  it('does not replace a result that is shorter than the placeholder', () => {
    const messages = [user(big('q')), ...toolStep('c', 'ok'), user('prompt')];
    const result = compactContext({ system: '', messages, budget: 20, promptIndex: 3 });
    expect(result.clearedToolResults).toBe(0);
    expect(result.droppedMessages).toBe(2);
    expect(result.messages).toEqual([messages[0], user(omittedNote(2)), user('prompt')]);
  });
});
