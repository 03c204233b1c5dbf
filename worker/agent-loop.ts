import type { LanguageModelV3, LanguageModelV3Usage } from '@ai-sdk/provider';
import type { AssistantModelMessage, ToolResultPart, ToolSet } from 'ai';
import {
  addUsage,
  type Message,
  type RunError,
  type Usage,
  ZERO_USAGE,
} from '../shared/domain/types.ts';
import { encodeToolMessage, toModelConversation } from './agent-loop-messages.ts';
import { compactContext, estimateTokens } from './context-window.ts';
import { toFunctionTools, toLanguageModelPrompt, toolOutput } from './model-step.ts';
import { isAbortError, toRunError } from './models/errors.ts';
import { type ModelRetryPolicy, withModelRetries } from './models/model-retry.ts';
import {
  ARGUMENT_PREVIEW_CHARS,
  DEFAULT_MAX_DELTA_CHARS,
  DEFAULT_MAX_MESSAGE_CHARS,
  DEFAULT_MAX_TOOL_ARGUMENT_CHARS,
  DEFAULT_MAX_TOOL_RESULT_CHARS,
  errorText,
  limitToolResult,
  MessageText,
  OutputTooLargeError,
} from './output-limits.ts';
import { oversizedCall, type PendingCall, startCall } from './tool-calls.ts';

/**
 * Where the loop reports a run's progress. Every call is awaited before the loop reads further
 * from the model (backpressure), and calls arrive in order, so the caller can persist, then
 * publish, each one before the next exists.
 */
export interface LoopSink {
  /**
   * Every non-empty text delta, in order, at most `maxDeltaChars` long and storable (NUL and lone
   * surrogates replaced by U+FFFD). The message's id is known before the message is stored.
   */
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
   * result, `FAILED` with the error message as result). Arguments and results are already
   * size-capped and storable.
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
  /**
   * Results (and errors) longer than this many characters of JSON are cut — in events, in the
   * stored TOOL message and in what the model is sent; default 16 KiB.
   */
  maxToolResultChars?: number;
  /**
   * Most characters of one assistant message (`MAX_MESSAGE_CHARS`); default 1,000,000. Past it
   * the model's stream is torn down, the message is stored up to the limit, and the loop ends
   * FAILED with `OUTPUT_TOO_LARGE`.
   */
  maxMessageChars?: number;
  /** Longest delta, in characters (`MAX_DELTA_CHARS`); a larger chunk is split. Default 16,384. */
  maxDeltaChars?: number;
  /**
   * Longest arguments of one tool call, in characters of JSON (`MAX_TOOL_ARGUMENT_CHARS`);
   * default 100,000. A longer call is not executed: it ends FAILED, the model gets the error as
   * its result, and a call still streaming its arguments is cut off there.
   */
  maxToolArgumentChars?: number;
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

function toUsage(usage: LanguageModelV3Usage): Usage {
  const inputTokens = usage.inputTokens.total ?? 0;
  const outputTokens = usage.outputTokens.total ?? 0;
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
}

/**
 * Runs one agent turn: sends the conversation, streams the answer into the sink, calls the tools
 * the model asks for and takes up to `maxTurns` such steps, then one last step without tools.
 * Provider failures end the run FAILED (with `toRunError`'s code) and an aborted `signal` ends it
 * CANCELLED; neither throws.
 *
 * Each step calls the AI SDK language model's `doStream` directly and reads its parts, rather
 * than going through `streamText`: `streamText` passes every part through a chain of web-stream
 * transforms and tees, which cost ~200 µs of CPU per streamed delta on Node 20 — the limit of
 * a worker's capacity (BENCHMARKS.md). The providers (wire formats, retries of a call through
 * `withModelRetries`) are the SDK's as before; this loop does what `streamText` did for the agent:
 * the provider prompt, tool declarations, tool execution, steps and usage.
 *
 * @throws the sink's own error when a sink call rejects (the provider request is aborted first),
 *   and a RangeError for a `maxTurns` that is not a positive integer.
 */
export async function runAgentLoop(options: AgentLoopOptions): Promise<LoopResult> {
  const { sink, signal } = options;
  if (!Number.isInteger(options.maxTurns) || options.maxTurns < 1) {
    throw new RangeError(`maxTurns must be a positive integer, got ${options.maxTurns}.`);
  }
  // Aborted when the loop leaves early, so no provider request outlives the loop.
  const stop = new AbortController();

  let usage: Usage = ZERO_USAGE;
  /**
   * The step in flight, which the provider has not reported usage for yet: if the run stops
   * inside it (a cancel, a timeout, a failure), its usage is estimated from what was sent and
   * streamed (`ceil(characters / 4)`), so streamed words never count as 0 tokens.
   */
  let unreported: { inputTokens: number; outputChars: number } | undefined;
  /** The assistant message being streamed: its id, and its text within the limits. */
  let current: { id: string; output: MessageText } | undefined;
  let lastStepText = '';
  let lastMessage: string | null = null;
  let toolSteps = 0;
  const toolMessageId = options.toolMessageId ?? ((id: string) => `tool-${id}`);
  const maxResultChars = options.maxToolResultChars ?? DEFAULT_MAX_TOOL_RESULT_CHARS;
  const maxMessageChars = options.maxMessageChars ?? DEFAULT_MAX_MESSAGE_CHARS;
  const maxDeltaChars = options.maxDeltaChars ?? DEFAULT_MAX_DELTA_CHARS;
  const maxArgumentChars = options.maxToolArgumentChars ?? DEFAULT_MAX_TOOL_ARGUMENT_CHARS;
  let failure: { error: unknown } | undefined;
  /** A sink failure inside the model retries, which reaches the loop only as a model error. */
  let retrySinkFailure: { error: unknown } | undefined;
  const conversation = toModelConversation(options.history, options.prompt, options.continuation);
  const { contextBudget } = options;

  const completeMessage = async () => {
    if (!current) return;
    const { id } = current;
    const { text } = current.output;
    current = undefined;
    lastMessage = text;
    await guard(sink.message({ id, role: 'ASSISTANT', content: text }));
  };

  const abortSignal = AbortSignal.any([signal, stop.signal]);
  try {
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
    const tools = options.tools ?? {};
    const declared = options.tools ? await toFunctionTools(options.tools) : undefined;
    /** Every message so far: the conversation, then what each step of this run added. */
    const messages = conversation.messages;

    // maxTurns steps that call tools, then one last step that must answer without them.
    steps: for (let step = 0; step <= options.maxTurns; step++) {
      let sent = messages;
      if (contextBudget !== undefined) {
        // Compacted from the whole conversation every step, so a long tool loop stays under
        // the budget too.
        const compaction = compactContext({
          system: options.system,
          messages,
          budget: contextBudget,
          promptIndex: conversation.promptIndex,
        });
        if (compaction.compacted) {
          sent = compaction.messages;
          await guard(
            sink.log('context-compacted', {
              step: step + 1,
              budget: compaction.budget,
              estimatedTokensBefore: compaction.estimatedTokensBefore,
              estimatedTokensAfter: compaction.estimatedTokensAfter,
              clearedToolResults: compaction.clearedToolResults,
              droppedMessages: compaction.droppedMessages,
            }),
          );
        }
      }
      unreported = { inputTokens: estimateTokens(options.system, sent), outputChars: 0 };
      const { stream } = await model.doStream({
        prompt: toLanguageModelPrompt(options.system, sent),
        tools: declared,
        toolChoice: declared ? { type: step >= options.maxTurns ? 'none' : 'auto' } : undefined,
        abortSignal,
      });
      current = undefined;
      const calls: PendingCall[] = [];
      const assistantParts: Exclude<AssistantModelMessage['content'], string> = [];
      let finishReason = 'other';
      let stepUsage: Usage = ZERO_USAGE;
      /** Arguments streaming in, by tool input id: cut off once one passes the limit. */
      const inputs = new Map<string, { name: string; chars: number; start: string }>();
      let oversized: { id: string; name: string; chars: number; start: string } | undefined;
      /**
       * Starts a call: text the model wrote before it is a message of its own, stored before the
       * call, so the conversation replays in the order it happened.
       */
      const begin = async (call: PendingCall) => {
        if (current) assistantParts.push({ type: 'text', text: current.output.text });
        await completeMessage();
        calls.push(call);
        assistantParts.push({
          type: 'tool-call',
          toolCallId: call.toolCallId,
          toolName: call.toolName,
          input: call.input,
        });
        await guard(
          sink.toolCall({
            toolCallId: call.toolCallId,
            name: call.toolName,
            status: 'STARTED',
            arguments: call.input,
          }),
        );
      };
      const reader = stream.getReader();
      const cancelRead = () => void reader.cancel(abortSignal.reason).catch(() => {});
      abortSignal.addEventListener('abort', cancelRead, { once: true });
      try {
        read: for (;;) {
          const { done, value: part } = await reader.read();
          if (done) break;
          switch (part.type) {
            case 'stream-start':
              if (part.warnings.length > 0) {
                await guard(sink.log('model-warnings', { warnings: part.warnings }));
              }
              break;
            case 'text-delta': {
              if (part.delta.length === 0) break;
              if (unreported) unreported.outputChars += part.delta.length;
              current ??= {
                id: options.newMessageId(),
                output: new MessageText(maxMessageChars, maxDeltaChars),
              };
              for (const delta of current.output.append(part.delta)) {
                await guard(sink.delta(current.id, delta));
              }
              if (current.output.full) {
                // Nothing more is read: the provider request is torn down as the loop leaves.
                failure = { error: new OutputTooLargeError(maxMessageChars) };
                break steps;
              }
              break;
            }
            case 'tool-input-start':
              inputs.set(part.id, { name: part.toolName, chars: 0, start: '' });
              break;
            case 'tool-input-delta': {
              const input = inputs.get(part.id);
              if (!input) break;
              input.chars += part.delta.length;
              if (input.start.length < ARGUMENT_PREVIEW_CHARS) {
                input.start += part.delta.slice(0, ARGUMENT_PREVIEW_CHARS - input.start.length);
              }
              if (input.chars > maxArgumentChars) {
                // The provider buffers the arguments until the call is complete: stop it here.
                oversized = { id: part.id, ...input };
                void reader.cancel().catch(() => {});
                break read;
              }
              break;
            }
            case 'tool-call':
              await begin(startCall(tools, part, messages, abortSignal, maxArgumentChars));
              break;
            case 'finish':
              finishReason = part.finishReason.unified;
              stepUsage = toUsage(part.usage);
              break;
            case 'error':
              failure = { error: part.error };
              break steps;
          }
        }
      } finally {
        abortSignal.removeEventListener('abort', cancelRead);
        reader.releaseLock();
      }
      if (abortSignal.aborted) break;
      if (oversized) {
        // Cut off while streaming its arguments: the call fails like any oversized one, and the
        // model is asked again with the error as the call's result.
        await begin(oversizedCall(oversized, maxArgumentChars));
        finishReason = 'tool-calls';
      }

      const results: ToolResultPart[] = [];
      for (const call of calls) {
        const { failed, value } = await call.outcome;
        if (abortSignal.aborted) break steps;
        // What is published, stored and sent to the model is the same limited result, so a
        // run continued by another attempt (from the stored messages) sees what the model saw.
        const result = limitToolResult(value, maxResultChars);
        const report: ToolCallReport = {
          toolCallId: call.toolCallId,
          name: call.toolName,
          status: failed ? 'FAILED' : 'SUCCEEDED',
          arguments: call.input,
          result,
        };
        await guard(sink.toolCall(report));
        await guard(
          sink.message({
            id: toolMessageId(call.toolCallId),
            role: 'TOOL',
            content: encodeToolMessage(report),
          }),
        );
        results.push({
          type: 'tool-result',
          toolCallId: call.toolCallId,
          toolName: call.toolName,
          output: failed ? { type: 'error-text', value: errorText(result) } : toolOutput(result),
        });
      }

      lastStepText = current?.output.text ?? '';
      if (current) assistantParts.push({ type: 'text', text: current.output.text });
      if (finishReason === 'tool-calls') toolSteps += 1;
      await completeMessage();
      usage = addUsage(usage, stepUsage);
      unreported = undefined;
      await guard(sink.usage(usage));
      await guard(sink.log('step-finished', { step: step + 1, finishReason }));
      if (calls.length === 0) break;
      messages.push({ role: 'assistant', content: assistantParts });
      messages.push({ role: 'tool', content: results });
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

  // Only a step that streamed text is counted: a request the provider refused cost nothing.
  if (unreported && unreported.outputChars > 0) {
    const outputTokens = Math.ceil(unreported.outputChars / 4);
    usage = addUsage(usage, {
      inputTokens: unreported.inputTokens,
      outputTokens,
      totalTokens: unreported.inputTokens + outputTokens,
    });
  }
  // Deltas of the interrupted step were already published: complete their message so the
  // deltas still add up to a stored message.
  try {
    await completeMessage();
  } catch (error) {
    throw error instanceof SinkFailure ? error.error : error;
  }
  if (!failure || cancelled) return { status: 'CANCELLED', output: lastMessage, usage };
  const error =
    failure.error instanceof OutputTooLargeError
      ? failure.error.toRunError()
      : toRunError(failure.error);
  return { status: 'FAILED', error, output: lastMessage, usage };
}
