import type { LanguageModelV3 } from '@ai-sdk/provider';
import { type LanguageModelUsage, stepCountIs, streamText, type ToolSet } from 'ai';
import {
  addUsage,
  type Message,
  type RunError,
  type Usage,
  ZERO_USAGE,
} from '../shared/domain/types.ts';
import { encodeToolMessage, toModelConversation } from './agent-loop-messages.ts';
import { compactContext } from './context-window.ts';
import { isAbortError, toRunError } from './models/errors.ts';
import { type ModelRetryPolicy, withModelRetries } from './models/model-retry.ts';

/**
 * Where the loop reports a run's progress. Every call is awaited before the loop reads further
 * from the model (backpressure), and calls arrive in order, so the caller can persist, then
 * publish, each one before the next exists.
 */
export interface LoopSink {
  /** Every non-empty text delta, in order. The message's id is known before the message is stored. */
  delta(messageId: string, delta: string): Promise<void>;
  /**
   * A completed message; the caller persists, then publishes it. The concatenated deltas of an
   * assistant message equal its `content`. A message whose deltas were sent is always completed,
   * also when the run fails or is cancelled mid-stream (with the text streamed so far).
   */
  message(message: { id: string; role: 'ASSISTANT' | 'TOOL'; content: string }): Promise<void>;
  /** The run's cumulative usage, after each model step. */
  usage(total: Usage): Promise<void>;
  /** A diagnostic event for the run's log (API.md `LogEvent`). */
  log(event: string, detail?: unknown): Promise<void>;
  /**
   * A tool call started (`STARTED`, before its result is awaited) or ended (`SUCCEEDED` with its
   * result, `FAILED` with the error message as result). Results are already size-capped.
   * The loop stores each ended call as a TOOL message (through `message`) right after it.
   */
  toolCall(event: ToolCallReport): Promise<void>;
}

/** One state of a tool call, as reported to {@link LoopSink.toolCall}. */
export interface ToolCallReport {
  toolCallId: string;
  name: string;
  status: 'STARTED' | 'SUCCEEDED' | 'FAILED';
  arguments: unknown;
  result?: unknown;
}

/** Options of {@link runAgentLoop}. */
export interface AgentLoopOptions {
  /** The model to call, from the model registry. */
  model: LanguageModelV3;
  /** The agent's system prompt. */
  system: string;
  /** The workflow's earlier messages, oldest first, WITHOUT this run's prompt. */
  history: Message[];
  /** This run's user prompt (the caller has already stored it as a USER message). */
  prompt: string;
  /**
   * Messages of this run that an earlier attempt completed and stored, oldest first: the model
   * sees them after the prompt and continues from there (the interrupted turn starts over).
   */
  continuation?: Message[];
  /**
   * Most model steps that call tools; a positive integer. When the last of them has run, the
   * model gets one more call with tool choice `none` to answer, and the loop ends
   * `MAX_TURNS_REACHED`.
   */
  maxTurns: number;
  /** Retries of a failed model call on 429, 5xx and network errors; 0 disables. */
  maxRetries: number;
  /**
   * Waits between those retries (`models/model-retry.ts`); default 1 s doubling, at most 30 s.
   * Each retry is reported first as a `model-retry` log event.
   */
  retryDelays?: Omit<ModelRetryPolicy, 'maxRetries'>;
  /** Tools the model may call; passed to the AI SDK as is. */
  tools?: ToolSet;
  /**
   * Aborting it cancels the run: the provider request is torn down and the loop ends CANCELLED,
   * whatever the reason (the caller tells a timeout from a cancel by `signal.reason`).
   */
  signal: AbortSignal;
  /** A fresh id for each assistant message, so deltas can name their message before it is stored. */
  newMessageId: () => string;
  /** The id of the TOOL message that stores a tool call; default `tool-<toolCallId>`. */
  toolMessageId?: (toolCallId: string) => string;
  /** Results (and errors) longer than this many characters of JSON are cut; default 16 KiB. */
  maxToolResultChars?: number;
  /**
   * Most estimated tokens (`context-window.ts`) of system prompt and messages one model call may
   * send. Before every model step the messages are compacted to fit (older tool results cleared,
   * then older turns dropped), and each compaction is reported as a `context-compacted` log
   * event. Absent: no limit.
   */
  contextBudget?: number;
  sink: LoopSink;
}

/**
 * How a run's loop ended. `output` is the final assistant text: the last step's text when the
 * loop ended normally, else the last assistant message of the run (null when there was none).
 * `MAX_TURNS_REACHED`: `maxTurns` steps called tools; `output` is the answer of the last call,
 * made without tools.
 */
export type LoopResult =
  | { status: 'SUCCEEDED'; output: string; usage: Usage }
  | { status: 'MAX_TURNS_REACHED'; output: string | null; usage: Usage }
  | { status: 'FAILED'; error: RunError; output: string | null; usage: Usage }
  | { status: 'CANCELLED'; output: string | null; usage: Usage };

/** Default cap of a tool result in events and stored messages: 16 KiB of JSON. */
export const DEFAULT_MAX_TOOL_RESULT_CHARS = 16 * 1024;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A result whose JSON is longer than `max` characters becomes `{ truncated, preview }`, so one
 * huge tool answer never bloats events or the conversation. The model still saw it whole.
 */
function capResult(value: unknown, max: number): unknown {
  const json = JSON.stringify(value) ?? 'null';
  if (json.length <= max) return value;
  return { truncated: true, originalChars: json.length, preview: json.slice(0, max) };
}

/** Marks a failure of the caller's own sink, which must reach the caller instead of becoming FAILED. */
class SinkFailure {
  constructor(readonly error: unknown) {}
}

async function guard(call: Promise<void>): Promise<void> {
  try {
    await call;
  } catch (error) {
    throw new SinkFailure(error);
  }
}

function toUsage(usage: LanguageModelUsage): Usage {
  const inputTokens = usage.inputTokens ?? 0;
  const outputTokens = usage.outputTokens ?? 0;
  return {
    inputTokens,
    outputTokens,
    totalTokens: usage.totalTokens ?? inputTokens + outputTokens,
  };
}

/**
 * Runs one agent turn on the AI SDK's `streamText`: sends the conversation, streams the answer
 * into the sink, and takes up to `maxTurns` model steps. Provider failures end the run FAILED
 * (with `toRunError`'s code) and an aborted `signal` ends it CANCELLED; neither throws.
 *
 * @throws the sink's own error when a sink call rejects (the provider request is aborted first),
 *   and a RangeError for a `maxTurns` that is not a positive integer.
 */
export async function runAgentLoop(options: AgentLoopOptions): Promise<LoopResult> {
  const { sink, signal } = options;
  if (!Number.isInteger(options.maxTurns) || options.maxTurns < 1) {
    throw new RangeError(`maxTurns must be a positive integer, got ${options.maxTurns}.`);
  }
  // The loop reports the SDK's warnings through the sink (`start-step` below); its default
  // logger would print them. A logger the process configured itself is left alone.
  globalThis.AI_SDK_LOG_WARNINGS ??= false;
  // Aborted when the loop leaves early, so no provider request outlives the loop.
  const stop = new AbortController();

  let usage: Usage = ZERO_USAGE;
  let stepCount = 0;
  let current: { id: string; text: string } | undefined;
  let lastStepText = '';
  let lastMessage: string | null = null;
  let toolSteps = 0;
  const toolInputs = new Map<string, unknown>();
  const toolMessageId = options.toolMessageId ?? ((id: string) => `tool-${id}`);
  const maxResultChars = options.maxToolResultChars ?? DEFAULT_MAX_TOOL_RESULT_CHARS;
  let failure: { error: unknown } | undefined;
  /**
   * A sink failure inside the model retries or `prepareStep` (the compaction log), which reach
   * the loop only as a model error.
   */
  let retrySinkFailure: { error: unknown } | undefined;
  const conversation = toModelConversation(options.history, options.prompt, options.continuation);
  const { contextBudget } = options;

  const completeMessage = async () => {
    if (!current) return;
    const { id, text } = current;
    current = undefined;
    lastMessage = text;
    await guard(sink.message({ id, role: 'ASSISTANT', content: text }));
  };

  try {
    const abortSignal = AbortSignal.any([signal, stop.signal]);
    const model = withModelRetries(options.model, {
      policy: {
        maxRetries: options.maxRetries,
        baseDelayMs: options.retryDelays?.baseDelayMs ?? 1_000,
        maxDelayMs: options.retryDelays?.maxDelayMs ?? 30_000,
      },
      signal: abortSignal,
      onRetry: async (info) => {
        try {
          await sink.log('model-retry', info);
        } catch (error) {
          retrySinkFailure = { error };
          throw error;
        }
      },
    });
    const result = streamText({
      model,
      system: options.system,
      messages: conversation.messages,
      tools: options.tools,
      // maxTurns tool steps, then one last call that must answer without tools.
      stopWhen: stepCountIs(options.maxTurns + 1),
      prepareStep: async ({ stepNumber, messages }) => {
        const toolChoice = stepNumber >= options.maxTurns ? ('none' as const) : undefined;
        if (contextBudget === undefined) return toolChoice ? { toolChoice } : undefined;
        // Compacted from the whole conversation every step (the SDK hands over every message,
        // never what an earlier step sent), so a long tool loop stays under the budget too.
        const compaction = compactContext({
          system: options.system,
          messages,
          budget: contextBudget,
          promptIndex: conversation.promptIndex,
        });
        if (!compaction.compacted) return toolChoice ? { toolChoice } : undefined;
        try {
          await sink.log('context-compacted', {
            step: stepNumber + 1,
            budget: compaction.budget,
            estimatedTokensBefore: compaction.estimatedTokensBefore,
            estimatedTokensAfter: compaction.estimatedTokensAfter,
            clearedToolResults: compaction.clearedToolResults,
            droppedMessages: compaction.droppedMessages,
          });
        } catch (error) {
          // Reaches the loop only as a model error; rethrown as the sink's own below.
          retrySinkFailure = { error };
          throw error;
        }
        return { toolChoice, messages: compaction.messages };
      },
      // Retried above instead, so that each retry is logged and Retry-After is capped.
      maxRetries: 0,
      abortSignal,
      // Errors arrive as `error` parts below; the default handler would print them.
      onError: () => {},
    });

    stream: for await (const part of result.fullStream) {
      switch (part.type) {
        case 'start-step':
          current = undefined;
          if (part.warnings.length > 0) {
            await guard(sink.log('model-warnings', { warnings: part.warnings }));
          }
          break;
        case 'text-delta':
          if (part.text.length === 0) break;
          current ??= { id: options.newMessageId(), text: '' };
          current.text += part.text;
          await guard(sink.delta(current.id, part.text));
          break;
        case 'finish-step':
          stepCount += 1;
          lastStepText = current?.text ?? '';
          if (part.finishReason === 'tool-calls') toolSteps += 1;
          await completeMessage();
          usage = addUsage(usage, toUsage(part.usage));
          await guard(sink.usage(usage));
          await guard(
            sink.log('step-finished', { step: stepCount, finishReason: part.finishReason }),
          );
          break;
        case 'tool-call':
          // Text the model wrote before calling is a message of its own, stored before the call,
          // so the conversation replays in the order it happened.
          await completeMessage();
          toolInputs.set(part.toolCallId, part.input);
          await guard(
            sink.toolCall({
              toolCallId: part.toolCallId,
              name: part.toolName,
              status: 'STARTED',
              arguments: part.input,
            }),
          );
          break;
        case 'tool-result':
        case 'tool-error': {
          const failed = part.type === 'tool-error';
          const value = failed ? errorText(part.error) : part.output;
          const report: ToolCallReport = {
            toolCallId: part.toolCallId,
            name: part.toolName,
            status: failed ? 'FAILED' : 'SUCCEEDED',
            arguments: toolInputs.get(part.toolCallId) ?? part.input,
            result: capResult(value, maxResultChars),
          };
          await guard(sink.toolCall(report));
          await guard(
            sink.message({
              id: toolMessageId(part.toolCallId),
              role: 'TOOL',
              content: encodeToolMessage(report),
            }),
          );
          break;
        }
        case 'error':
          failure = { error: part.error };
          break stream;
        case 'abort':
          break stream;
      }
    }
  } catch (error) {
    if (error instanceof SinkFailure) {
      stop.abort();
      throw error.error;
    }
    failure = { error };
  } finally {
    stop.abort();
  }
  if (retrySinkFailure) throw retrySinkFailure.error;

  const cancelled = signal.aborted || (failure !== undefined && isAbortError(failure.error));
  if (!cancelled && !failure) {
    return toolSteps >= options.maxTurns
      ? { status: 'MAX_TURNS_REACHED', output: lastStepText || lastMessage, usage }
      : { status: 'SUCCEEDED', output: lastStepText, usage };
  }

  // Deltas of the interrupted step were already published: complete their message so the
  // deltas still add up to a stored message.
  try {
    await completeMessage();
  } catch (error) {
    throw error instanceof SinkFailure ? error.error : error;
  }
  if (!failure || cancelled) return { status: 'CANCELLED', output: lastMessage, usage };
  return { status: 'FAILED', error: toRunError(failure.error), output: lastMessage, usage };
}
