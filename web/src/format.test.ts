import { describe, expect, it } from 'vitest';
import {
  dateTime,
  describeContent,
  describeValue,
  MAX_FIELD_LINES,
  parseToolMessage,
  usageText,
  workflowLabel,
} from './format.ts';

describe('describeValue', () => {
  it('shows a flat object as key: value lines in its order, strings unquoted', () => {
    expect(describeValue({ city: 'Paris', days: 3, metric: true, unit: null })).toEqual({
      kind: 'fields',
      fields: [
        ['city', 'Paris'],
        ['days', '3'],
        ['metric', 'true'],
        ['unit', 'null'],
      ],
    });
  });

  it('shows a nested object or an array as JSON indented by two spaces', () => {
    const nested = { query: { city: 'Paris' }, limit: 5 };
    expect(describeValue(nested)).toEqual({ kind: 'json', text: JSON.stringify(nested, null, 2) });
    expect(describeValue([1, 2])).toEqual({ kind: 'json', text: '[\n  1,\n  2\n]' });
  });

  it(`shows an object of more than ${MAX_FIELD_LINES} keys, or of none, as JSON`, () => {
    const wide = Object.fromEntries(
      Array.from({ length: MAX_FIELD_LINES + 1 }, (_, i) => [`k${i}`, i]),
    );
    expect(describeValue(wide).kind).toBe('json');
    expect(describeValue({})).toEqual({ kind: 'json', text: '{}' });
  });

  it('shows a string as it is, a number or boolean as text, and nothing for null', () => {
    expect(describeValue('line one\nline two')).toEqual({
      kind: 'text',
      text: 'line one\nline two',
    });
    expect(describeValue(42)).toEqual({ kind: 'text', text: '42' });
    expect(describeValue(false)).toEqual({ kind: 'text', text: 'false' });
    expect(describeValue(null)).toEqual({ kind: 'empty' });
    expect(describeValue(undefined)).toEqual({ kind: 'empty' });
  });
});

describe('describeContent', () => {
  it('shows JSON text of an object like the object, other text as text', () => {
    expect(describeContent('{"sum":3}')).toEqual({ kind: 'fields', fields: [['sum', '3']] });
    expect(describeContent('{not json')).toEqual({ kind: 'text', text: '{not json' });
    expect(describeContent('plain words')).toEqual({ kind: 'text', text: 'plain words' });
  });
});

describe('parseToolMessage', () => {
  it('reads the call a TOOL message stores', () => {
    const content = JSON.stringify({
      toolCallId: 'c1',
      name: 'demo_echo',
      status: 'SUCCEEDED',
      arguments: { text: 'hi' },
      result: { text: 'hi' },
    });
    expect(parseToolMessage(content)).toEqual({
      name: 'demo_echo',
      status: 'SUCCEEDED',
      arguments: { text: 'hi' },
      result: { text: 'hi' },
    });
  });

  it('answers undefined for text that is not a stored call', () => {
    expect(parseToolMessage('not json')).toBeUndefined();
    expect(parseToolMessage('{"sum":3}')).toBeUndefined();
    expect(parseToolMessage('{"name":"x","status":"WEIRD"}')).toBeUndefined();
    expect(parseToolMessage('null')).toBeUndefined();
  });
});

describe('workflowLabel', () => {
  const workflow = {
    title: null as string | null,
    createdAt: '2026-01-05T15:49:00.000Z',
    agent: { name: 'Echo' },
  };

  it('is the title when there is one', () => {
    expect(workflowLabel({ ...workflow, title: 'Trip planning' })).toBe('Trip planning');
  });

  it('names an untitled workflow by its agent and creation time', () => {
    const expected = `Untitled · Echo · ${dateTime(workflow.createdAt)}`;
    expect(workflowLabel(workflow)).toBe(expected);
    expect(workflowLabel({ ...workflow, title: '   ' })).toBe(expected);
    expect(dateTime(workflow.createdAt)).toMatch(/2026/);
  });
});

describe('usageText', () => {
  it('lists input, output and total tokens', () => {
    expect(usageText({ inputTokens: 12, outputTokens: 30, totalTokens: 42 })).toBe(
      '12 in · 30 out · 42 total',
    );
  });
});
