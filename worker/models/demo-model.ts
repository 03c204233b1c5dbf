import { randomUUID } from 'node:crypto';
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { NoSuchModelError } from '@ai-sdk/provider';
import { type DemoPlan, planDemoAnswer } from './demo-script.ts';

/** The provider name of the built-in model, as in `demo:echo`. */
export const DEMO_PROVIDER = 'demo';

/** The model ids the demo provider knows. */
export const DEMO_MODEL_IDS: readonly string[] = ['echo'];

/**
 * The failure a `!fail MESSAGE` directive asks for. It is a provider error that is never retried
 * (the AI SDK retries only `APICallError`s marked retryable); `toRunError` maps it to
 * `PROVIDER_ERROR` with MESSAGE.
 */
export class DemoModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoModelError';
  }
}

function abortError(): DOMException {
  return new DOMException('The demo model call was aborted.', 'AbortError');
}

/**
 * Waits `ms` milliseconds. Rejects with an `AbortError` as soon as `signal` aborts (also when it
 * already has), so a cancelled run never sits out a long `!sleep`.
 */
function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError());
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function usage(inputTokens: number, outputTokens: number): LanguageModelV3Usage {
  return {
    inputTokens: {
      total: inputTokens,
      noCache: inputTokens,
      cacheRead: undefined,
      cacheWrite: undefined,
    },
    outputTokens: { total: outputTokens, text: outputTokens, reasoning: undefined },
  };
}

async function* streamParts(
  plan: DemoPlan,
  signal: AbortSignal | undefined,
): AsyncGenerator<LanguageModelV3StreamPart> {
  const { answer } = plan;
  yield { type: 'stream-start', warnings: [] };
  yield { type: 'response-metadata', id: `demo-${randomUUID()}`, modelId: 'echo' };
  await wait(plan.sleepMs, signal);

  if (answer.kind === 'tool-call') {
    yield {
      type: 'tool-call',
      toolCallId: `demo-call-${randomUUID()}`,
      toolName: answer.toolName,
      input: answer.input,
    };
    yield {
      type: 'finish',
      usage: usage(plan.inputTokens, 0),
      finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
    };
    return;
  }

  if (answer.kind === 'text' && answer.deltas.length > 0) {
    yield { type: 'text-start', id: 'text-0' };
    for (const delta of answer.deltas) {
      await wait(plan.delayMs, signal);
      yield { type: 'text-delta', id: 'text-0', delta };
    }
    yield { type: 'text-end', id: 'text-0' };
  }
  const emitted = answer.kind === 'text' ? answer.deltas.length : 0;
  yield {
    type: 'finish',
    usage: usage(plan.inputTokens, emitted),
    finishReason: { unified: 'stop', raw: 'stop' },
  };
}

function toReadableStream<T>(parts: AsyncGenerator<T>): ReadableStream<T> {
  return new ReadableStream<T>({
    async pull(controller) {
      try {
        const next = await parts.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await parts.return(undefined);
    },
  });
}

function planOrFail(options: LanguageModelV3CallOptions): DemoPlan {
  if (options.abortSignal?.aborted) throw abortError();
  const plan = planDemoAnswer(options.prompt, {
    toolsAllowed: options.toolChoice?.type !== 'none',
  });
  // Fails before any output, like a provider that answers the request with an error.
  if (plan.answer.kind === 'fail') throw new DemoModelError(plan.answer.message);
  return plan;
}

/**
 * The built-in `demo:echo` model: a real AI SDK `LanguageModelV3` that needs no network and no
 * key (API.md, "The built-in demo model"; the exact text, delta, directive and usage rules are in
 * `demo-script.ts`). Every wait honours the call's abort signal and rejects promptly with an
 * `AbortError`.
 *
 * @throws NoSuchModelError for any model id other than `echo`.
 */
export function createDemoModel(modelId = 'echo'): LanguageModelV3 {
  if (!DEMO_MODEL_IDS.includes(modelId)) {
    throw new NoSuchModelError({ modelId, modelType: 'languageModel' });
  }
  return {
    specificationVersion: 'v3',
    provider: DEMO_PROVIDER,
    modelId,
    supportedUrls: {},

    async doStream(options): Promise<LanguageModelV3StreamResult> {
      const plan = planOrFail(options);
      return { stream: toReadableStream(streamParts(plan, options.abortSignal)) };
    },

    async doGenerate(options): Promise<LanguageModelV3GenerateResult> {
      const plan = planOrFail(options);
      const { answer } = plan;
      const deltas = answer.kind === 'text' ? answer.deltas : [];
      // The same pacing as the stream, paid in one wait.
      await wait(plan.sleepMs + plan.delayMs * deltas.length, options.abortSignal);
      const content: LanguageModelV3Content[] = [];
      if (answer.kind === 'tool-call') {
        content.push({
          type: 'tool-call',
          toolCallId: `demo-call-${randomUUID()}`,
          toolName: answer.toolName,
          input: answer.input,
        });
      } else if (answer.kind === 'text' && answer.text.length > 0) {
        content.push({ type: 'text', text: answer.text });
      }
      return {
        content,
        finishReason:
          answer.kind === 'tool-call'
            ? { unified: 'tool-calls', raw: 'tool_calls' }
            : { unified: 'stop', raw: 'stop' },
        usage: usage(plan.inputTokens, deltas.length),
        warnings: [],
      };
    },
  };
}
