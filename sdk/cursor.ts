/**
 * Event ids are cursors `<ms>-<seq>` (two unsigned 64-bit integers), strictly increasing within a
 * workflow. They compare numerically, never as strings ("10-0" is after "9-0"), exactly as the
 * gateway compares them.
 */
const CURSOR_PATTERN = /^(\d{1,20})-(\d{1,20})$/;

/** The cursor's sort key, or null when it is not a `<ms>-<seq>` cursor. */
export function cursorKey(cursor: string): bigint | null {
  const match = CURSOR_PATTERN.exec(cursor);
  if (!match) return null;
  return (BigInt(match[1]!) << 64n) | BigInt(match[2]!);
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareCursors(a: string, b: string): number {
  const keyA = cursorKey(a);
  const keyB = cursorKey(b);
  if (keyA === null || keyB === null) throw new TypeError(`Cannot compare cursors ${a} and ${b}.`);
  return keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
}
