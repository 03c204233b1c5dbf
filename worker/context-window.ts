import type { ModelMessage, ToolResultPart } from 'ai';

/**
 * Context-window compaction: keeps what one model call sends under a token budget, by shaping
 * only the model-facing messages (stored messages are never changed).
 *
 * The estimate is deliberately simple and deterministic, with no tokenizer: a text counts
 * `ceil(characters / 4)` tokens; a message counts the estimate of its content (a plain string
 * as is, structured content as its JSON) plus {@link MESSAGE_OVERHEAD_TOKENS}; the system prompt
 * counts as its text. It is close for English prose and code, and errs high for JSON.
 */

/** Characters per estimated token. */
export const CHARS_PER_TOKEN = 4;

/** Estimated tokens every message costs besides its content (role and framing). */
export const MESSAGE_OVERHEAD_TOKENS = 4;

/** Budget of an agent without its own, when the deployment sets none (`CONTEXT_BUDGET_TOKENS`). */
export const DEFAULT_CONTEXT_BUDGET_TOKENS = 100_000;

/** What a cleared tool result says instead of the result. */
export const CLEARED_TOOL_RESULT = '[Tool result cleared to save context]';

/** The one-line note that stands in for dropped messages. */
export function omittedNote(count: number): string {
  return `[Earlier conversation omitted: ${count} message${count === 1 ? '' : 's'}]`;
}

const NOTE_PATTERN = /^\[Earlier conversation omitted: \d+ messages?\]$/;

export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/**
 * Estimates by message object. The SDK hands the same message objects to every step of a run,
 * and compaction never mutates a message (it makes new ones), so each is serialised once.
 */
const estimates = new WeakMap<ModelMessage, number>();

export function estimateMessageTokens(message: ModelMessage): number {
  const known = estimates.get(message);
  if (known !== undefined) return known;
  const text =
    typeof message.content === 'string' ? message.content : JSON.stringify(message.content);
  const tokens = estimateTextTokens(text) + MESSAGE_OVERHEAD_TOKENS;
  estimates.set(message, tokens);
  return tokens;
}

/** The estimate of a whole model call: the system prompt and every message. */
export function estimateTokens(system: string, messages: readonly ModelMessage[]): number {
  let total = estimateTextTokens(system);
  for (const message of messages) total += estimateMessageTokens(message);
  return total;
}

export interface CompactionInput {
  /** The system prompt sent with the messages (counted, never changed). */
  system: string;
  /** The model-facing conversation, oldest first. */
  messages: readonly ModelMessage[];
  /** Most estimated tokens the call may send. */
  budget: number;
  /**
   * Index in `messages` of the current run's prompt. It and every message after it (the run's
   * own steps) are never dropped; only their older tool results may be cleared.
   */
  promptIndex: number;
}

/** The outcome, with the detail of the `context-compacted` LogEvent. */
export interface Compaction {
  /** The messages to send: `input.messages` itself when nothing had to change. */
  messages: ModelMessage[];
  /** True when tool results were cleared or messages dropped. */
  compacted: boolean;
  budget: number;
  estimatedTokensBefore: number;
  estimatedTokensAfter: number;
  /** Tool results replaced by {@link CLEARED_TOOL_RESULT}. */
  clearedToolResults: number;
  /** Messages left out (the note that replaces them not counted). */
  droppedMessages: number;
}

function isNote(message: ModelMessage): boolean {
  return message.role === 'user' && typeof message.content === 'string'
    ? NOTE_PATTERN.test(message.content)
    : false;
}

function isCleared(part: ToolResultPart): boolean {
  return part.output.type === 'text' && part.output.value === CLEARED_TOOL_RESULT;
}

/**
 * Fits a model call into `budget` estimated tokens, in this order, stopping as soon as it fits:
 *
 * 1. Tool results are cleared, oldest first: each result's output becomes
 *    {@link CLEARED_TOOL_RESULT}, while the tool call and its result part stay, so every call
 *    keeps its result (providers reject unpaired calls). The results of the last message, when
 *    it is a tool message (what the model is about to read), are kept.
 * 2. Whole turns between the first user message and the current run's prompt are dropped, oldest
 *    first (a turn: a user message and everything up to the next one, so an assistant tool-call
 *    message always leaves together with its results), and one user message
 *    `[Earlier conversation omitted: N messages]` takes their place.
 *
 * The system prompt, the first user message, the current run's prompt and the run's own steps
 * are never dropped, so a conversation whose kept parts alone exceed the budget is sent over it
 * (`estimatedTokensAfter` says by how much). Deterministic, and idempotent: compacting its own
 * output changes nothing.
 */
export function compactContext(input: CompactionInput): Compaction {
  const { system, budget, promptIndex } = input;
  const before = estimateTokens(system, input.messages);
  const unchanged: Compaction = {
    messages: input.messages as ModelMessage[],
    compacted: false,
    budget,
    estimatedTokensBefore: before,
    estimatedTokensAfter: before,
    clearedToolResults: 0,
    droppedMessages: 0,
  };
  if (before <= budget) return unchanged;

  const messages = [...input.messages];
  const sizes = messages.map(estimateMessageTokens);
  let total = before;
  let cleared = 0;

  // 1. Clear tool results, oldest first.
  const lastIndex = messages.length - 1;
  for (let index = 0; index < messages.length && total > budget; index++) {
    const message = messages[index]!;
    if (message.role !== 'tool' || index === lastIndex) continue;
    let content = message.content;
    for (let part = 0; part < content.length && total > budget; part++) {
      const result = content[part]!;
      if (result.type !== 'tool-result' || isCleared(result)) continue;
      const replaced: ToolResultPart = {
        ...result,
        output: { type: 'text', value: CLEARED_TOOL_RESULT },
      };
      const next = content.map((p, i) => (i === part ? replaced : p));
      const nextMessage: ModelMessage = { ...message, content: next };
      const size = estimateMessageTokens(nextMessage);
      // A result shorter than the placeholder stays: clearing it would grow the call.
      if (size >= sizes[index]!) continue;
      content = next;
      messages[index] = nextMessage;
      total += size - sizes[index]!;
      sizes[index] = size;
      cleared += 1;
    }
  }

  // 2. Drop the oldest turns between the first user message and the current prompt.
  const firstUser = messages.findIndex((m) => m.role === 'user');
  const dropped = new Set<number>();
  if (total > budget && firstUser >= 0 && firstUser < promptIndex) {
    const turns: number[][] = [];
    for (let index = firstUser + 1; index < promptIndex; index++) {
      const message = messages[index]!;
      // An earlier note stays where it is (so compacting again changes nothing).
      if (isNote(message)) continue;
      if (message.role === 'user' || turns.length === 0) turns.push([]);
      turns.at(-1)!.push(index);
    }
    const afterClearing = total;
    let droppedTokens = 0;
    for (const turn of turns) {
      if (total <= budget) break;
      for (const index of turn) {
        dropped.add(index);
        droppedTokens += sizes[index]!;
      }
      const note = estimateMessageTokens({ role: 'user', content: omittedNote(dropped.size) });
      total = afterClearing - droppedTokens + note;
    }
  }

  let result = messages;
  if (dropped.size > 0) {
    const at = Math.min(...dropped);
    result = [];
    for (let index = 0; index < messages.length; index++) {
      if (index === at) result.push({ role: 'user', content: omittedNote(dropped.size) });
      if (!dropped.has(index)) result.push(messages[index]!);
    }
  }
  if (cleared === 0 && dropped.size === 0) return unchanged;
  return {
    messages: result,
    compacted: true,
    budget,
    estimatedTokensBefore: before,
    estimatedTokensAfter: estimateTokens(system, result),
    clearedToolResults: cleared,
    droppedMessages: dropped.size,
  };
}
