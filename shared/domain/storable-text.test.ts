import { describe, expect, it } from 'vitest';
import { MAX_VALUE_DEPTH, storableText, storableValue } from './storable-text.ts';

describe('storableText', () => {
  it('replaces NUL characters and lone surrogates with U+FFFD and keeps surrogate pairs', () => {
    expect(storableText('a\u0000b\u0000')).toBe('a\uFFFDb\uFFFD');
    expect(storableText('x\ud83d y \ude00 z 😀')).toBe('x\uFFFD y \uFFFD z 😀');
  });

  it('returns clean text as it is', () => {
    const text = 'héllo wörld 🌍\n\t';
    expect(storableText(text)).toBe(text);
  });
});

describe('storableValue', () => {
  it('cleans strings in nested values and keys without changing the original', () => {
    const original = { 'k\u0000': ['a\u0000', { deep: '\ud800' }], n: 1, ok: 'fine', none: null };
    const cleaned = storableValue(original);
    expect(cleaned).toEqual({
      'k\uFFFD': ['a\uFFFD', { deep: '\uFFFD' }],
      n: 1,
      ok: 'fine',
      none: null,
    });
    expect(original['k\u0000']).toEqual(['a\u0000', { deep: '\ud800' }]);
  });

  it('returns a clean value itself, not a copy', () => {
    const value = { list: [1, 'two', { three: true }], text: 'clean' };
    expect(storableValue(value)).toBe(value);
  });

  it(`refuses a value nested deeper than ${MAX_VALUE_DEPTH} levels`, () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i <= MAX_VALUE_DEPTH; i++) deep = [deep];
    expect(() => storableValue(deep)).toThrow(RangeError);
  });
});
