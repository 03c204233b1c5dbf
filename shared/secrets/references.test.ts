import { describe, expect, it } from 'vitest';
import {
  createRedactor,
  maskedValue,
  maskSuffix,
  referencedSecretNames,
  substituteAll,
} from './references.ts';

describe('secret references', () => {
  it('finds every referenced name once, with or without spaces inside the braces', () => {
    expect(
      referencedSecretNames(['Bearer {{secret:API_KEY}}', '{{ secret:OTHER }}-{{secret:API_KEY}}']),
    ).toEqual(['API_KEY', 'OTHER']);
    expect(referencedSecretNames(['plain', '{{not a ref}}'])).toEqual([]);
    expect(referencedSecretNames(['{{secret:bad name}}'])).toEqual(['bad name']);
  });

  it('substitutes values and refuses an unresolved name', () => {
    const values = new Map([['API_KEY', 'v4lue']]);
    expect(substituteAll({ authorization: 'Bearer {{secret:API_KEY}}' }, values)).toEqual({
      authorization: 'Bearer v4lue',
    });
    expect(() => substituteAll({ a: '{{secret:MISSING}}' }, values)).toThrow(/MISSING/);
  });

  it('masks: the last 4 characters only of values of 12 or more', () => {
    expect(maskedValue(maskSuffix('sk-0123456789abcd'))).toBe('********abcd');
    expect(maskedValue(maskSuffix('short-value'))).toBe('********');
  });

  it('redacts values in text and nested JSON, longest first, leaving short values alone', () => {
    const redact = createRedactor(
      new Map([
        ['KEY', 'abc123'],
        ['LONG', 'abc123-and-more'],
        ['TINY', 'x'],
      ]),
    );
    expect(redact.text('got abc123-and-more and abc123 and x')).toBe(
      'got [secret:LONG] and [secret:KEY] and x',
    );
    expect(redact.value({ list: ['abc123'], nested: { abc123: 1 }, n: 2, none: null })).toEqual({
      list: ['[secret:KEY]'],
      nested: { '[secret:KEY]': 1 },
      n: 2,
      none: null,
    });
    const more = createRedactor().with(new Map([['X', 'zzzz']]));
    expect(more.text('zzzz')).toBe('[secret:X]');
  });
});
