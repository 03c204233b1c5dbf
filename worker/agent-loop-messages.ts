import type { ModelMessage, ToolCallPart, ToolResultPart } from 'ai';
import type { Message } from '../shared/domain/types.ts';

/**
 * The model-facing conversation of a run: the workflow's earlier messages, oldest first, then
 * this run's prompt, then what an earlier attempt of the run completed (`continuation`). The agent's system prompt is not part of it (the loop passes it as `system`,
 * fresh on every run, so editing an agent changes its next run).
 *
 * - `USER` → a `user` text message, `ASSISTANT` → an `assistant` text message.
 * - `SYSTEM` messages are skipped (see above).
 * - A run of consecutive `TOOL` messages (each holds one ended call, {@link encodeToolMessage})
 *   → one `assistant` message with their tool calls, then one `tool` message with their results
 *   (a failed call as an error result). Unreadable ones are skipped.
 * - Messages with empty content are skipped: providers reject empty text blocks (Anthropic
 *   answers 400), and an empty turn carries nothing for the model.
 */
export function toModelMessages(
  history: readonly Message[],
  prompt: string,
  continuation: readonly Message[] = [],
): ModelMessage[] {
  return toModelConversation(history, prompt, continuation).messages;
}

/** {@link toModelMessages}, with the index of this run's prompt among the messages. */
export function toModelConversation(
  history: readonly Message[],
  prompt: string,
  continuation: readonly Message[] = [],
): { messages: ModelMessage[]; promptIndex: number } {
  const messages: ModelMessage[] = [];
  append(messages, history);
  const promptIndex = messages.length;
  messages.push({ role: 'user', content: prompt });
  append(messages, continuation);
  return { messages, promptIndex };
}

/** What a TOOL message stores: one ended tool call. */
export interface StoredToolCall {
  toolCallId: string;
  name: string;
  status: 'SUCCEEDED' | 'FAILED' | 'STARTED';
  arguments: unknown;
  result?: unknown;
}

/** The content of the TOOL message that stores an ended tool call (JSON). */
export function encodeToolMessage(call: StoredToolCall): string {
  return JSON.stringify({
    toolCallId: call.toolCallId,
    name: call.name,
    status: call.status,
    arguments: call.arguments ?? null,
    result: call.result ?? null,
  });
}

function decodeToolMessage(content: string): StoredToolCall | undefined {
  try {
    const value = JSON.parse(content) as Partial<StoredToolCall> | null;
    if (typeof value?.toolCallId !== 'string' || typeof value.name !== 'string') return undefined;
    return value as StoredToolCall;
  } catch {
    return undefined;
  }
}

function pushToolTurn(messages: ModelMessage[], calls: StoredToolCall[]): void {
  if (calls.length === 0) return;
  const callParts: ToolCallPart[] = calls.map((call) => ({
    type: 'tool-call',
    toolCallId: call.toolCallId,
    toolName: call.name,
    input: call.arguments ?? {},
  }));
  const resultParts: ToolResultPart[] = calls.map((call) => ({
    type: 'tool-result',
    toolCallId: call.toolCallId,
    toolName: call.name,
    output:
      call.status === 'FAILED'
        ? { type: 'error-text', value: String(call.result) }
        : { type: 'json', value: (call.result ?? null) as never },
  }));
  messages.push({ role: 'assistant', content: callParts });
  messages.push({ role: 'tool', content: resultParts });
}

function append(messages: ModelMessage[], history: readonly Message[]): void {
  let pending: StoredToolCall[] = [];
  for (const message of history) {
    if (message.content.length === 0) continue;
    if (message.role === 'TOOL') {
      const call = decodeToolMessage(message.content);
      if (call) pending.push(call);
      continue;
    }
    pushToolTurn(messages, pending);
    pending = [];
    switch (message.role) {
      case 'USER':
        messages.push({ role: 'user', content: message.content });
        break;
      case 'ASSISTANT':
        messages.push({ role: 'assistant', content: message.content });
        break;
      case 'SYSTEM':
        break;
    }
  }
  pushToolTurn(messages, pending);
}
