import { h } from './dom.ts';
import { describeValue, type ToolCallView, type ValueDisplay } from './format.ts';

/**
 * A JSON value readable at a glance: `key: value` lines for a flat object, wrapped text for a
 * string, pretty-printed JSON in a scrolling box (see `.json` in console.css) for anything else.
 */
export function valueElement(value: unknown): HTMLElement | null {
  return displayElement(describeValue(value));
}

/** The element of a {@link ValueDisplay}; null for an empty one. */
export function displayElement(display: ValueDisplay): HTMLElement | null {
  switch (display.kind) {
    case 'empty':
      return null;
    case 'text':
      return h('div', { class: 'value-text' }, display.text);
    case 'fields':
      return h(
        'dl',
        { class: 'value-fields' },
        ...display.fields.flatMap(([key, text]) => [h('dt', {}, key), h('dd', {}, text)]),
      );
    case 'json':
      return h('pre', { class: 'json' }, display.text);
  }
}

/**
 * One tool call: its name and status, then its arguments and its result (or error) as
 * {@link valueElement}s.
 */
export function toolCallElement(call: ToolCallView, attributes: Record<string, string> = {}) {
  const part = (label: string, testId: string, value: unknown) => {
    const shown = valueElement(value);
    return shown
      ? h('div', { class: 'tool-part', 'data-testid': testId }, h('small', {}, label), shown)
      : null;
  };
  return h(
    'div',
    { class: 'tool-call', 'data-testid': 'tool-call', 'data-status': call.status, ...attributes },
    h(
      'div',
      { class: 'row' },
      h('strong', { class: 'tool-name' }, call.name),
      h('span', { class: `status ${call.status}` }, call.status.toLowerCase()),
    ),
    part('Arguments', 'tool-arguments', call.arguments),
    part(call.status === 'FAILED' ? 'Error' : 'Result', 'tool-result', call.result),
  );
}
