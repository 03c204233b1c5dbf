import type { LanguageModelV3Prompt, LanguageModelV3ToolResultOutput } from '@ai-sdk/provider';

/**
 * The pure half of the built-in `demo:echo` model (API.md, "The built-in demo model"): it reads
 * the call's prompt and decides what the model answers. `demo-model.ts` plays that answer out as
 * a stream. No I/O and no timers here, so every rule is testable as a plain function.
 *
 * Rules, precisely:
 * - **The prompt** is the text of the LAST `user` message of the call's prompt; when that message
 *   has several text parts they are joined with `\n` (non-text parts are ignored).
 * - **Directives** are the prompt's lines (split on `\n`, a trailing `\r` dropped) whose first
 *   character is `!`: `!name argument…`. Known: `!delay MS`, `!sleep MS`, `!words N`,
 *   `!tool NAME JSON`, `!fail MESSAGE`. Unknown names, and known ones whose argument is malformed
 *   (MS and N must be non-negative decimal integers), are ignored. When a directive repeats, the
 *   last one wins.
 * - **Echo answer**: `echo:` followed by every whitespace-separated word of the non-directive
 *   lines, each preceded by exactly one space. Newlines, tabs and runs of spaces all collapse to
 *   one space, so `hello\n  world` answers `echo: hello world`; a prompt of only directives answers
 *   `echo:`.
 * - **`!words N`** answers `w1 w2 … wN` (N = 0 answers nothing), N capped at {@link MAX_DEMO_WORDS}.
 * - **`!tool NAME JSON`**: while no `tool` message after the last user message holds a result of
 *   tool NAME, the answer is a single call of NAME whose input is JSON (the rest of the line after
 *   NAME, verbatim; `{}` when empty). Once it does, the answer is
 *   `tool NAME returned: <result>`, where `<result>` is `JSON.stringify` of the result's value
 *   (a text result thus appears quoted). Several `!tool` lines are called in order, one per
 *   model step: the k-th line is called while fewer than k tool results follow the last user
 *   message; the answer then reports the last result (a looping agent in tests and demos).
 *   When the call forbids tools (tool choice `none`, the turn budget's last call), the answer
 *   reports the last result, or `tool NAME was not called` when there is none.
 * - **`!fail MESSAGE`** makes the call fail with MESSAGE (default {@link DEFAULT_FAIL_MESSAGE}).
 *   Precedence: `!fail`, then `!tool`, then `!words`, then the echo.
 * - **Deltas**: the answer text is cut after each run of whitespace, so every delta is one word
 *   with the whitespace that follows it (`echo: `, `hello `, `world`); their concatenation is the
 *   text exactly.
 * - **Usage**: input tokens = whitespace-separated words of the whole last user message,
 *   directive lines included; output tokens = deltas emitted (0 for a tool call).
 */

/** The largest `!words N` honoured; a larger N is clamped, so a typo cannot exhaust memory. */
export const MAX_DEMO_WORDS = 100_000;

/** The `!fail` message when the directive has no argument. */
export const DEFAULT_FAIL_MESSAGE = 'The demo model failed because the prompt asked it to (!fail).';

/** What the demo model answers to one call. */
export type DemoAnswer =
  | { kind: 'text'; text: string; deltas: string[] }
  | { kind: 'tool-call'; toolName: string; input: string }
  | { kind: 'fail'; message: string };

/** A decided answer and the pacing the prompt asked for. */
export interface DemoPlan {
  answer: DemoAnswer;
  /** Milliseconds to wait before the first delta (or the tool call). */
  sleepMs: number;
  /** Milliseconds to wait before each delta. */
  delayMs: number;
  /** Words in the last user message, directives included. */
  inputTokens: number;
}

interface Directives {
  delayMs?: number;
  sleepMs?: number;
  words?: number;
  tool?: { name: string; input: string };
  /** Every `!tool` line, in order. */
  tools: { name: string; input: string }[];
  fail?: string;
}

/** Splits text into deltas: each is one word plus the whitespace after it; leading whitespace stays on the first. */
export function splitIntoDeltas(text: string): string[] {
  return text.match(/^\s*\S+\s*|\S+\s*/g) ?? (text.length > 0 ? [text] : []);
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

function parseCount(argument: string): number | undefined {
  return /^\d+$/.test(argument) ? Number(argument) : undefined;
}

function parseLines(text: string): { directives: Directives; body: string[] } {
  const directives: Directives = { tools: [] };
  const body: string[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (!line.startsWith('!')) {
      body.push(line);
      continue;
    }
    const match = /^!(\S*)\s*(.*)$/.exec(line);
    const name = match?.[1] ?? '';
    const argument = (match?.[2] ?? '').trim();
    if (name === 'delay' || name === 'sleep' || name === 'words') {
      const value = parseCount(argument);
      if (value === undefined) continue;
      if (name === 'delay') directives.delayMs = value;
      else if (name === 'sleep') directives.sleepMs = value;
      else directives.words = Math.min(value, MAX_DEMO_WORDS);
    } else if (name === 'tool') {
      const toolMatch = /^(\S+)\s*(.*)$/.exec(argument);
      if (!toolMatch?.[1]) continue;
      directives.tool = { name: toolMatch[1], input: toolMatch[2] || '{}' };
      directives.tools.push(directives.tool);
    } else if (name === 'fail') {
      directives.fail = argument || DEFAULT_FAIL_MESSAGE;
    }
  }
  return { directives, body };
}

function lastUserIndex(prompt: LanguageModelV3Prompt): number {
  for (let index = prompt.length - 1; index >= 0; index--) {
    if (prompt[index]?.role === 'user') return index;
  }
  return -1;
}

function userText(prompt: LanguageModelV3Prompt, index: number): string {
  const message = prompt[index];
  if (message?.role !== 'user') return '';
  return message.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
}

function resultText(output: LanguageModelV3ToolResultOutput): string {
  const value = 'value' in output ? output.value : output;
  return JSON.stringify(value) ?? 'null';
}

/**
 * The result of tool `toolName` in a tool message after `fromIndex`, as text; `undefined` when
 * there is none. Only results after the last user message count, so a later prompt with the same
 * `!tool` directive calls the tool again instead of reusing an older turn's result.
 */
function findToolResult(
  prompt: LanguageModelV3Prompt,
  fromIndex: number,
  toolName: string,
): string | undefined {
  for (const message of prompt.slice(fromIndex + 1)) {
    if (message.role !== 'tool') continue;
    for (const part of message.content) {
      if (part.type === 'tool-result' && part.toolName === toolName) {
        return resultText(part.output);
      }
    }
  }
  return undefined;
}

/** Every tool result after `fromIndex`, in order, as `{ name, text }`. */
function toolResultsAfter(
  prompt: LanguageModelV3Prompt,
  fromIndex: number,
): { name: string; text: string }[] {
  return prompt
    .slice(fromIndex + 1)
    .flatMap((message) =>
      message.role === 'tool'
        ? message.content.flatMap((part) =>
            part.type === 'tool-result'
              ? [{ name: part.toolName, text: resultText(part.output) }]
              : [],
          )
        : [],
    );
}

function textAnswer(text: string): DemoAnswer {
  return { kind: 'text', text, deltas: splitIntoDeltas(text) };
}

/** Decides the demo model's answer to a call's prompt (see the module comment for the rules). */
export function planDemoAnswer(
  prompt: LanguageModelV3Prompt,
  options: { toolsAllowed?: boolean } = {},
): DemoPlan {
  const toolsAllowed = options.toolsAllowed ?? true;
  const userIndex = lastUserIndex(prompt);
  const text = userText(prompt, userIndex);
  const { directives, body } = parseLines(text);
  const pacing = {
    sleepMs: directives.sleepMs ?? 0,
    delayMs: directives.delayMs ?? 0,
    inputTokens: countWords(text),
  };

  if (directives.fail !== undefined) {
    return { ...pacing, answer: { kind: 'fail', message: directives.fail } };
  }
  if (directives.tools.length > 1 || (directives.tool && !toolsAllowed)) {
    const results = toolResultsAfter(prompt, userIndex);
    const next = directives.tools[results.length];
    const last = results.at(-1);
    const answer: DemoAnswer =
      next && toolsAllowed
        ? { kind: 'tool-call', toolName: next.name, input: next.input }
        : last
          ? textAnswer(`tool ${last.name} returned: ${last.text}`)
          : textAnswer(`tool ${directives.tools[0]?.name} was not called`);
    return { ...pacing, answer };
  }
  if (directives.tool) {
    const { name, input } = directives.tool;
    const result = findToolResult(prompt, userIndex, name);
    const answer: DemoAnswer =
      result === undefined
        ? { kind: 'tool-call', toolName: name, input }
        : textAnswer(`tool ${name} returned: ${result}`);
    return { ...pacing, answer };
  }
  if (directives.words !== undefined) {
    const words = Array.from({ length: directives.words }, (_, index) => `w${index + 1}`);
    return { ...pacing, answer: textAnswer(words.join(' ')) };
  }
  const words = body
    .join(' ')
    .split(/\s+/)
    .filter((word) => word.length > 0);
  return { ...pacing, answer: textAnswer(['echo:', ...words].join(' ')) };
}
