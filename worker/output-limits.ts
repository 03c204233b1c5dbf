import { storableText, storableValue } from '../shared/domain/storable-text.ts';
import type { RunError } from '../shared/domain/types.ts';

/**
 * Size limits of what a model (and the tools it calls) may put into a run: one provider's answer
 * must not fill the worker's memory, the store, the replay log and every subscriber's stream
 * (docs/limits.md, "Output and stream size limits"). Everything here is also made storable
 * (`storableText`): NUL characters and lone surrogates become U+FFFD before anything is
 * published or stored, so the stored message and its concatenated deltas stay equal.
 */

export {
  DEFAULT_MAX_DELTA_CHARS,
  DEFAULT_MAX_MESSAGE_CHARS,
  DEFAULT_MAX_TOOL_ARGUMENT_CHARS,
} from '../shared/domain/output-limits.ts';
/** Default cap of a tool result in events, stored messages and what the model sees: 16 KiB of JSON. */
export const DEFAULT_MAX_TOOL_RESULT_CHARS = 16 * 1024;
/** Characters of oversized arguments kept as a preview in events and the conversation. */
export const ARGUMENT_PREVIEW_CHARS = 1_000;
/** Longest tool name or tool call id a provider may send; longer ones are cut. */
export const MAX_TOOL_ID_CHARS = 256;

/** A model's message passed `maxMessageChars`: the run ends FAILED with `OUTPUT_TOO_LARGE`. */
export class OutputTooLargeError extends Error {
  readonly code = 'OUTPUT_TOO_LARGE';

  constructor(readonly limit: number) {
    super(
      `The model's message passed MAX_MESSAGE_CHARS (${limit} characters): it was stored up to that limit and the run was stopped. Ask for a shorter answer, or raise MAX_MESSAGE_CHARS.`,
    );
    this.name = 'OutputTooLargeError';
  }

  toRunError(): RunError {
    return { code: this.code, message: this.message };
  }
}

/**
 * The text of one assistant message as it streams in: storable, at most `maxChars` long, and
 * handed out as deltas of at most `maxDeltaChars` (a larger provider chunk becomes several
 * deltas; nothing is lost). Once a delta would pass `maxChars`, the text is cut there (never
 * inside a surrogate pair) and {@link full} turns true: the caller stops reading the model.
 */
export class MessageText {
  /** The message so far: exactly the concatenation of every delta handed out. */
  text = '';
  /** True once text beyond `maxChars` was dropped. */
  full = false;

  constructor(
    readonly maxChars: number,
    readonly maxDeltaChars: number,
  ) {}

  /** The deltas to publish for one provider delta, in order (none when nothing of it fits). */
  append(delta: string): string[] {
    let piece = storableText(delta);
    const room = this.maxChars - this.text.length;
    if (piece.length > room) {
      // Copied: a slice would keep the whole (possibly huge) provider chunk alive with the text.
      piece = copyString(piece.slice(0, codePointBoundary(piece, room)));
      this.full = true;
    }
    if (piece.length === 0) return [];
    this.text += piece;
    return splitText(piece, this.maxDeltaChars);
  }
}

/** `text` in pieces of at most `max` characters, never splitting a surrogate pair. */
export function splitText(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + max, text.length);
    end = codePointBoundary(text, end);
    // A limit of one character still hands out a whole pair.
    if (end === start) end = start + 2;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

/** `index`, or one less when it falls between the two halves of a surrogate pair. */
function codePointBoundary(text: string, index: number): number {
  if (index <= 0 || index >= text.length) return Math.max(0, Math.min(index, text.length));
  const before = text.charCodeAt(index - 1);
  return before >= 0xd800 && before <= 0xdbff ? index - 1 : index;
}

function copyString(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}

/** A tool name or call id from the provider: storable and at most {@link MAX_TOOL_ID_CHARS}. */
export function storableToolId(id: string): string {
  const clean = storableText(id);
  return clean.length > MAX_TOOL_ID_CHARS
    ? clean.slice(0, codePointBoundary(clean, MAX_TOOL_ID_CHARS))
    : clean;
}

/**
 * What events and the conversation carry in place of arguments longer than the limit: their
 * length and their first {@link ARGUMENT_PREVIEW_CHARS} characters.
 */
export function oversizedArguments(
  start: string,
  chars: number,
): { truncated: true; originalChars: number; preview: string } {
  const preview = storableText(start.slice(0, codePointBoundary(start, ARGUMENT_PREVIEW_CHARS)));
  return { truncated: true, originalChars: chars, preview };
}

/** The result a tool call gets instead of running, when its arguments are over the limit. */
export function oversizedArgumentsError(chars: number, max: number): string {
  return `The arguments of this tool call are ${chars} characters, more than MAX_TOOL_ARGUMENT_CHARS (${max}); the tool was not called. Call it again with smaller arguments.`;
}

/**
 * A tool result as events, the stored TOOL message and the model all see it: when its JSON is
 * longer than `max` characters it becomes `{ truncated, originalChars, preview }` (the first
 * `max` characters of the JSON), and every string in it is storable. A result that is not JSON
 * (or nested deeper than any tool needs) becomes an explanation instead.
 */
export function limitToolResult(value: unknown, max: number): unknown {
  try {
    const json = JSON.stringify(value) ?? 'null';
    if (json.length <= max) return storableValue(value);
    return storableValue({
      truncated: true,
      originalChars: json.length,
      preview: json.slice(0, codePointBoundary(json, max)),
    });
  } catch (error) {
    return `The tool's result cannot be stored: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** A failed call's error as the model gets it (text): the limited result, as text. */
export function errorText(limited: unknown): string {
  return typeof limited === 'string' ? limited : JSON.stringify(limited);
}
