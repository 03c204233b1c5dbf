import { describe, expect, it } from 'vitest';
import type { WorkflowEvent } from './client.ts';
import { createRunTranscript } from './transcript.ts';

let seq = 0;
const base = () => ({
  id: `1000-${seq++}`,
  workflowId: 'w',
  runId: 'r',
  at: '2026-12-06T00:00:00Z',
});
const delta = (messageId: string, text: string) =>
  ({ ...base(), __typename: 'MessageDeltaEvent', messageId, delta: text }) as WorkflowEvent;
const message = (id: string, role: 'USER' | 'ASSISTANT', content: string) =>
  ({
    ...base(),
    __typename: 'MessageEvent',
    message: { id, role, content, runId: 'r', createdAt: '2026-12-06T00:00:00Z' },
  }) as WorkflowEvent;
const retry = (abandonedMessageIds: string[]) =>
  ({
    ...base(),
    __typename: 'LogEvent',
    event: 'retry',
    detail: { abandonedMessageIds },
  }) as WorkflowEvent;

describe('a run transcript', () => {
  it('shows a retried answer once: the abandoned attempt is dropped, a repeated event changes nothing', () => {
    const transcript = createRunTranscript();
    const user = message('r-u', 'USER', 'hi');
    transcript.apply(user);
    for (const word of ['w1 ', 'w2 ', 'w3 ']) transcript.apply(delta('r-a1-1', word));
    expect(transcript.text()).toBe('w1 w2 w3 ');
    expect(transcript.apply(retry(['r-a1-1']))).toEqual({
      kind: 'dropped',
      messageIds: ['r-a1-1'],
    });
    // A late delta of the dead attempt, and the user's message announced again: no effect.
    expect(transcript.apply(delta('r-a1-1', 'w4 '))).toBeNull();
    expect(transcript.apply(user)).toBeNull();
    for (const word of ['w1 ', 'w2 ']) transcript.apply(delta('r-a1-2', word));
    expect(transcript.apply(message('r-a1-2', 'ASSISTANT', 'w1 w2 '))).toBeNull();
    expect(transcript.text()).toBe('w1 w2 ');
    expect(transcript.messages().map((m) => [m.id, m.complete])).toEqual([
      ['r-u', true],
      ['r-a1-2', true],
    ]);
  });

  it('takes the stored content of a message whose deltas it missed', () => {
    const transcript = createRunTranscript();
    expect(transcript.apply(message('m', 'ASSISTANT', 'whole answer'))).toEqual({
      kind: 'set',
      messageId: 'm',
      text: 'whole answer',
    });
    expect(transcript.text()).toBe('whole answer');
  });
});
