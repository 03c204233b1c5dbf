import { describe, expect, it } from 'vitest';
import type { Message, MessageRole } from '../shared/domain/types.ts';
import { encodeToolMessage, toModelMessages } from './agent-loop-messages.ts';

function message(index: number, role: MessageRole, content: string): Message {
  return {
    id: `m${index}`,
    tenantId: 't',
    workflowId: 'wf',
    runId: 'r',
    index,
    role,
    content,
    createdAt: new Date(0),
  };
}

describe('the model-facing conversation', () => {
  it('replays stored tool calls as an assistant tool-call turn and its tool results', () => {
    const history = [
      message(1, 'USER', 'add please'),
      message(
        2,
        'TOOL',
        encodeToolMessage({
          toolCallId: 'c1',
          name: 'add',
          status: 'SUCCEEDED',
          arguments: { a: 1, b: 2 },
          result: { sum: 3 },
        }),
      ),
      message(
        3,
        'TOOL',
        encodeToolMessage({
          toolCallId: 'c2',
          name: 'slow',
          status: 'FAILED',
          arguments: {},
          result: 'timed out',
        }),
      ),
      message(4, 'ASSISTANT', 'the sum is 3'),
      message(5, 'TOOL', 'not json'),
    ];
    expect(toModelMessages(history, 'next')).toEqual([
      { role: 'user', content: 'add please' },
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', toolCallId: 'c1', toolName: 'add', input: { a: 1, b: 2 } },
          { type: 'tool-call', toolCallId: 'c2', toolName: 'slow', input: {} },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'c1',
            toolName: 'add',
            output: { type: 'json', value: { sum: 3 } },
          },
          {
            type: 'tool-result',
            toolCallId: 'c2',
            toolName: 'slow',
            output: { type: 'error-text', value: 'timed out' },
          },
        ],
      },
      { role: 'assistant', content: 'the sum is 3' },
      { role: 'user', content: 'next' },
    ]);
  });
});
