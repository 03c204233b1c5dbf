import type { WorkflowEvent } from './client.ts';
import { compareCursors } from './cursor.ts';

/** One message of a run as a client shows it. */
export interface TranscriptMessage {
  id: string;
  role: 'SYSTEM' | 'USER' | 'ASSISTANT' | 'TOOL';
  /** The text so far: the deltas received, or the stored content once its MessageEvent came. */
  text: string;
  /** True once the message's `MessageEvent` came (its text is final). */
  complete: boolean;
}

/** What one event changed, for a view that renders incrementally. */
export type TranscriptChange =
  /** Text was added to a message (a new message starts with its first delta). */
  | { kind: 'appended'; messageId: string; delta: string }
  /** A message's text was set whole (its `MessageEvent`: the stored content). */
  | { kind: 'set'; messageId: string; text: string }
  /** Messages of an attempt that died mid-message: they will never complete; remove them. */
  | { kind: 'dropped'; messageIds: string[] };

/**
 * The messages of a run or workflow built from its events, the way a client should render them:
 * deltas append to their message, a `MessageEvent` sets the message's final text (never adds it
 * twice), a `retry` LogEvent drops the messages it lists as abandoned (an attempt that died
 * mid-message; the next attempt writes its answer anew under another id), and an event at or
 * before the last one applied (a replay after a reconnect) changes nothing.
 */
export interface RunTranscript {
  /** Applies one event; what it changed, or null when nothing did. */
  apply(event: WorkflowEvent): TranscriptChange | null;
  /** The messages in the order they started. */
  messages(): TranscriptMessage[];
  /** The assistant messages' text, joined by a newline. */
  text(): string;
}

export function createRunTranscript(): RunTranscript {
  const messages = new Map<string, TranscriptMessage>();
  const dropped = new Set<string>();
  let lastId: string | null = null;

  function messageOf(id: string, role: TranscriptMessage['role']): TranscriptMessage {
    let message = messages.get(id);
    if (!message) {
      message = { id, role, text: '', complete: false };
      messages.set(id, message);
    }
    return message;
  }

  function change(event: WorkflowEvent): TranscriptChange | null {
    switch (event.__typename) {
      case 'MessageDeltaEvent': {
        if (dropped.has(event.messageId)) return null;
        const message = messageOf(event.messageId, 'ASSISTANT');
        if (message.complete) return null;
        message.text += event.delta;
        return { kind: 'appended', messageId: message.id, delta: event.delta };
      }
      case 'MessageEvent': {
        const message = messageOf(event.message.id, event.message.role);
        message.complete = true;
        if (message.text === event.message.content) return null;
        message.text = event.message.content;
        return { kind: 'set', messageId: message.id, text: message.text };
      }
      case 'LogEvent': {
        if (event.event !== 'retry') return null;
        const ids = (event.detail as { abandonedMessageIds?: unknown } | null)?.abandonedMessageIds;
        if (!Array.isArray(ids)) return null;
        const gone = ids.filter((id): id is string => typeof id === 'string');
        for (const id of gone) {
          dropped.add(id);
          messages.delete(id);
        }
        return gone.length > 0 ? { kind: 'dropped', messageIds: gone } : null;
      }
      default:
        return null;
    }
  }

  return {
    apply(event) {
      if (lastId !== null && compareCursors(event.id, lastId) <= 0) return null;
      lastId = event.id;
      return change(event);
    },
    messages: () => [...messages.values()],
    text: () =>
      [...messages.values()]
        .filter((message) => message.role === 'ASSISTANT')
        .map((message) => message.text)
        .join('\n'),
  };
}
