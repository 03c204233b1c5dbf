import type { ModelMessage } from 'ai';
import type { Message } from '../shared/domain/types.ts';

/**
 * The model-facing conversation of a run: the workflow's earlier messages, oldest first, then
 * this run's prompt, then what an earlier attempt of the run completed (`continuation`). The agent's system prompt is not part of it (the loop passes it as `system`,
 * fresh on every run, so editing an agent changes its next run).
 *
 * - `USER` → a `user` text message, `ASSISTANT` → an `assistant` text message.
 * - `SYSTEM` messages are skipped (see above).
 * - `TOOL` messages are skipped for now: replaying them needs the tool call they answer, which
 *   tool support (a later issue) persists. This is the one place to add that mapping.
 * - Messages with empty content are skipped: providers reject empty text blocks (Anthropic
 *   answers 400), and an empty turn carries nothing for the model.
 */
export function toModelMessages(
  history: readonly Message[],
  prompt: string,
  continuation: readonly Message[] = [],
): ModelMessage[] {
  const messages: ModelMessage[] = [];
  append(messages, history);
  messages.push({ role: 'user', content: prompt });
  append(messages, continuation);
  return messages;
}

function append(messages: ModelMessage[], history: readonly Message[]): void {
  for (const message of history) {
    if (message.content.length === 0) continue;
    switch (message.role) {
      case 'USER':
        messages.push({ role: 'user', content: message.content });
        break;
      case 'ASSISTANT':
        messages.push({ role: 'assistant', content: message.content });
        break;
      case 'SYSTEM':
      case 'TOOL':
        break;
    }
  }
}
