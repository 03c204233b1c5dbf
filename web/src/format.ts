/**
 * The console's wording of API values, kept free of the DOM so it is testable in Node: labels of
 * workflows, usage lines, and how a tool's arguments or result are shown.
 */

/** The most keys an object may have and still be shown as `key: value` lines. */
export const MAX_FIELD_LINES = 20;

/** A date and time short enough for a list, in the browser's locale: `Jan 5, 2026, 3:49 PM`. */
export function dateTime(iso: string | null | undefined): string {
  return iso
    ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
    : '';
}

/**
 * What a workflow is called in lists and headings: its title, or `Untitled · <agent> · <created>`
 * so that untitled workflows stay tellable apart without showing their id.
 */
export function workflowLabel(workflow: {
  title?: string | null;
  createdAt: string;
  agent: { name: string };
}): string {
  const title = workflow.title?.trim();
  return title || `Untitled · ${workflow.agent.name} · ${dateTime(workflow.createdAt)}`;
}

/** `12 in · 30 out · 42 total`. */
export function usageText(usage: {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}): string {
  return `${usage.inputTokens} in · ${usage.outputTokens} out · ${usage.totalTokens} total`;
}

/** How a JSON value (a tool's arguments or result) is shown. */
export type ValueDisplay =
  /** Nothing to show (null or absent). */
  | { kind: 'empty' }
  /** A string as it is (wrapped), a number or a boolean. */
  | { kind: 'text'; text: string }
  /** A flat object: one `key: value` line per key, in the object's order. */
  | { kind: 'fields'; fields: [key: string, value: string][] }
  /** Anything nested, an array or a large object: pretty-printed JSON. */
  | { kind: 'json'; text: string };

type Scalar = string | number | boolean | null;

function isScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/**
 * Decides how to show a JSON value: a flat object of at most {@link MAX_FIELD_LINES} keys as
 * `key: value` lines (strings unquoted, null as `null`), a scalar as text, everything else as
 * JSON indented by two spaces.
 */
export function describeValue(value: unknown): ValueDisplay {
  if (value === null || value === undefined) return { kind: 'empty' };
  if (typeof value === 'string') return { kind: 'text', text: value };
  if (typeof value === 'number' || typeof value === 'boolean') {
    return { kind: 'text', text: String(value) };
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length > 0 && entries.length <= MAX_FIELD_LINES) {
      if (entries.every(([, field]) => isScalar(field))) {
        return {
          kind: 'fields',
          fields: entries.map(([key, field]) => [
            key,
            typeof field === 'string' ? field : String(field),
          ]),
        };
      }
    }
  }
  return { kind: 'json', text: JSON.stringify(value, null, 2) };
}

/** One tool call as the console shows it, live (a ToolCallEvent) or stored (a TOOL message). */
export interface ToolCallView {
  name: string;
  status: 'STARTED' | 'SUCCEEDED' | 'FAILED';
  arguments: unknown;
  result: unknown;
}

const TOOL_STATUSES: ReadonlySet<string> = new Set(['STARTED', 'SUCCEEDED', 'FAILED']);

/**
 * The tool call a TOOL message stores (its content is the call as JSON: name, status, arguments,
 * result), or undefined when the content is not one.
 */
export function parseToolMessage(content: string): ToolCallView | undefined {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const call = value as Record<string, unknown>;
  if (typeof call.name !== 'string' || typeof call.status !== 'string') return undefined;
  if (!TOOL_STATUSES.has(call.status)) return undefined;
  return {
    name: call.name,
    status: call.status as ToolCallView['status'],
    arguments: call.arguments ?? null,
    result: call.result ?? null,
  };
}

/**
 * A stored message's content shown like a tool value: JSON text holding an object or an array is
 * shown as one; any other text stays text.
 */
export function describeContent(content: string): ValueDisplay {
  const trimmed = content.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return describeValue(JSON.parse(trimmed));
    } catch {
      // Not JSON after all: shown as the text it is.
    }
  }
  return { kind: 'text', text: content };
}
