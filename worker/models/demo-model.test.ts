import type {
  LanguageModelV3,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
} from '@ai-sdk/provider';
import { NoSuchModelError } from '@ai-sdk/provider';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDemoModel, DemoModelError } from './demo-model.ts';
import { MAX_DEMO_WORDS, splitIntoDeltas } from './demo-script.ts';
import { toRunError } from './errors.ts';

function user(text: string): LanguageModelV3Prompt[number] {
  return { role: 'user', content: [{ type: 'text', text }] };
}

function toolResult(toolName: string, value: unknown): LanguageModelV3Prompt {
  return [
    {
      role: 'assistant',
      content: [{ type: 'tool-call', toolCallId: 'c1', toolName, input: {} }],
    },
    {
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'c1',
          toolName,
          output: { type: 'json', value } as never,
        },
      ],
    },
  ];
}

/** Reads a stream to its end, handing each part to `onPart`. */
async function drain<T>(stream: ReadableStream<T>, onPart: (part: T) => void): Promise<void> {
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) onPart(next.value);
}

async function collect(
  model: LanguageModelV3,
  prompt: LanguageModelV3Prompt,
  abortSignal?: AbortSignal,
): Promise<LanguageModelV3StreamPart[]> {
  const { stream } = await model.doStream({ prompt, abortSignal });
  const parts: LanguageModelV3StreamPart[] = [];
  await drain(stream, (part) => parts.push(part));
  return parts;
}

function deltasOf(parts: LanguageModelV3StreamPart[]): string[] {
  return parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : []));
}

function finishOf(parts: LanguageModelV3StreamPart[]) {
  const finish = parts.find((part) => part.type === 'finish');
  if (finish?.type !== 'finish') throw new Error('no finish part');
  return finish;
}

async function answer(text: string): Promise<{ text: string; deltas: string[] }> {
  const deltas = deltasOf(await collect(createDemoModel(), [user(text)]));
  return { text: deltas.join(''), deltas };
}

describe('the demo:echo model', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers "echo: <prompt>" one word per delta, each with its trailing space', async () => {
    expect(await answer('hello big world')).toEqual({
      text: 'echo: hello big world',
      deltas: ['echo: ', 'hello ', 'big ', 'world'],
    });
  });

  it('joins the lines of a multi-line prompt with single spaces, collapsing all whitespace', async () => {
    expect((await answer('hello\n  wide\t\tworld\r\n\nagain  ')).text).toBe(
      'echo: hello wide world again',
    );
  });

  it('removes directive lines and ignores unknown or malformed directives', async () => {
    expect((await answer('!unknown thing\nkeep this\n!delay soon\n!words -1')).text).toBe(
      'echo: keep this',
    );
    expect((await answer('!sleep 0')).text).toBe('echo:');
  });

  it('answers the last user message of the prompt', async () => {
    const parts = await collect(createDemoModel(), [
      { role: 'system', content: 'be brief' },
      user('first question'),
      { role: 'assistant', content: [{ type: 'text', text: 'echo: first question' }] },
      user('second'),
    ]);
    expect(deltasOf(parts).join('')).toBe('echo: second');
  });

  it('answers w1 … wN for !words N, and nothing for !words 0', async () => {
    expect(await answer('!words 3\nignored text')).toEqual({
      text: 'w1 w2 w3',
      deltas: ['w1 ', 'w2 ', 'w3'],
    });
    const parts = await collect(createDemoModel(), [user('!words 0')]);
    expect(deltasOf(parts)).toEqual([]);
    expect(finishOf(parts).usage.outputTokens.total).toBe(0);
  });

  it('clamps !words to the maximum', async () => {
    const { deltas } = await answer(`!words ${MAX_DEMO_WORDS + 5}`);
    expect(deltas).toHaveLength(MAX_DEMO_WORDS);
  });

  it('counts every word of the last user message as input and every delta as output', async () => {
    const parts = await collect(createDemoModel(), [user('!words 4\nfive six seven')]);
    expect(finishOf(parts).usage).toMatchObject({
      inputTokens: { total: 5 },
      outputTokens: { total: 4, text: 4 },
    });
    expect(finishOf(parts).finishReason).toEqual({ unified: 'stop', raw: 'stop' });
  });

  it('streams the v3 part sequence, and its deltas always concatenate to the answer', async () => {
    const parts = await collect(createDemoModel(), [user('a b')]);
    expect(parts.map((part) => part.type)).toEqual([
      'stream-start',
      'response-metadata',
      'text-start',
      'text-delta',
      'text-delta',
      'text-delta',
      'text-end',
      'finish',
    ]);
    for (const text of ['  leading', 'trailing \n', 'x', '', ' ', 'a  b\tc\n']) {
      expect(splitIntoDeltas(text).join('')).toBe(text);
    }
  });

  it('calls the tool of !tool NAME JSON first, then reports its result as JSON text', async () => {
    const model = createDemoModel();
    const prompt = user('!tool add {"a": 1, "b": 2}\nplease add');
    const first = await collect(model, [prompt]);
    expect(first.find((part) => part.type === 'tool-call')).toMatchObject({
      toolName: 'add',
      input: '{"a": 1, "b": 2}',
    });
    expect(finishOf(first).finishReason.unified).toBe('tool-calls');
    expect(deltasOf(first)).toEqual([]);

    const second = await collect(model, [prompt, ...toolResult('add', { sum: 3 })]);
    expect(deltasOf(second).join('')).toBe('tool add returned: {"sum":3}');
  });

  it('calls the tool again when its only result belongs to an earlier user message', async () => {
    const prompt = user('!tool add {}');
    const parts = await collect(createDemoModel(), [prompt, ...toolResult('add', 1), prompt]);
    expect(parts.some((part) => part.type === 'tool-call')).toBe(true);
  });

  it('fails with the !fail message as a provider error that is never retried', async () => {
    const model = createDemoModel();
    const failure = Promise.resolve(
      model.doStream({ prompt: [user('!fail the backend exploded\nhi')] }),
    );
    await expect(failure).rejects.toBeInstanceOf(DemoModelError);
    await expect(failure).rejects.toThrow('the backend exploded');
    expect(toRunError(await failure.catch((error: unknown) => error))).toEqual({
      code: 'PROVIDER_ERROR',
      message: 'the backend exploded',
    });
  });

  it('waits !sleep before the first delta and !delay before each delta', async () => {
    vi.useFakeTimers();
    const seen: string[] = [];
    const done = (async () => {
      const { stream } = await createDemoModel().doStream({
        prompt: [user('!sleep 1000\n!delay 100\na b')],
      });
      await drain(stream, (part) => {
        if (part.type === 'text-delta') seen.push(part.delta);
      });
    })();
    await vi.advanceTimersByTimeAsync(1099);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual(['echo: ']);
    await vi.advanceTimersByTimeAsync(99);
    expect(seen).toEqual(['echo: ']);
    await vi.advanceTimersByTimeAsync(201);
    await done;
    expect(seen).toEqual(['echo: ', 'a ', 'b']);
  });

  it('rejects promptly with an AbortError when aborted mid-stream', async () => {
    const controller = new AbortController();
    const { stream } = await createDemoModel().doStream({
      prompt: [user('!delay 60000\none two three')],
      abortSignal: controller.signal,
    });
    const reader = stream.getReader();
    const first = await reader.read();
    expect(first.value?.type).toBe('stream-start');
    const pending = (async () => {
      for (;;) await reader.read();
    })();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects at once when the signal was aborted before the call', async () => {
    const failure = createDemoModel().doStream({
      prompt: [user('hi')],
      abortSignal: AbortSignal.abort(),
    });
    await expect(failure).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('answers doGenerate with the same text and usage', async () => {
    const result = await createDemoModel().doGenerate({ prompt: [user('say  this\nnow')] });
    expect(result.content).toEqual([{ type: 'text', text: 'echo: say this now' }]);
    expect(result.usage).toMatchObject({ inputTokens: { total: 3 }, outputTokens: { total: 4 } });
  });

  it('knows no model id other than echo', () => {
    expect(() => createDemoModel('parrot')).toThrow(NoSuchModelError);
  });
});
