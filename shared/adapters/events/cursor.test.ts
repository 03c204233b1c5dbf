import { describe, expect, it } from 'vitest';
import { BadUserInputError } from '../../errors.ts';
import { compareCursors, createCursorClock, cursorKey, parseClientCursor } from './cursor.ts';

describe('cursors', () => {
  it('compare numerically, milliseconds first, then the sequence', () => {
    expect(compareCursors('9-0', '10-0')).toBeLessThan(0);
    expect(compareCursors('1-9', '1-10')).toBeLessThan(0);
    expect(compareCursors('2-0', '1-99')).toBeGreaterThan(0);
    expect(compareCursors('5-5', '5-5')).toBe(0);
    expect(
      compareCursors('18446744073709551615-0', '18446744073709551614-18446744073709551615'),
    ).toBe(1);
  });

  it('accept every Redis stream id and nothing else', () => {
    expect(cursorKey('0-0')).toBe(0n);
    expect(cursorKey('18446744073709551615-18446744073709551615')).not.toBeNull();
    for (const malformed of [
      '',
      '1',
      '1-',
      '-1',
      '1-1-1',
      'a-1',
      '18446744073709551616-0',
      '1-0 ',
    ]) {
      expect(cursorKey(malformed)).toBeNull();
    }
  });

  it('from a client, reject a malformed one with BadUserInputError', () => {
    expect(() => parseClientCursor('latest')).toThrow(BadUserInputError);
    expect(parseClientCursor('1-2')).toBe((1n << 64n) | 2n);
  });

  it('come from the clock strictly increasing, even when it stalls or steps back', () => {
    let time = 1_000;
    const next = createCursorClock(() => time);
    const issued = [next().id, next().id];
    time = 900;
    issued.push(next().id);
    time = 1_001;
    issued.push(next().id);
    expect(issued).toEqual(['1000-0', '1000-1', '1000-2', '1001-0']);
  });
});
