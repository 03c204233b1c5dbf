import { BadUserInputError } from '../../errors.ts';

/**
 * Cursors of both event buses have the Redis Stream entry id format `<ms>-<seq>`: milliseconds and
 * a sequence number within that millisecond, each an unsigned 64-bit integer. They are opaque to
 * clients; inside the bus they compare numerically, never as strings ("10-0" > "9-0").
 */
const CURSOR_PATTERN = /^(\d{1,20})-(\d{1,20})$/;
const MAX_PART = 2n ** 64n - 1n;
const LAST_POSSIBLE_KEY = (MAX_PART << 64n) | MAX_PART;

/** A sort key below every cursor: "nothing emitted yet". */
export const BEFORE_FIRST_KEY = -1n;

/**
 * The cursor's sort key (`ms << 64 | seq`), one bigint so every comparison is a single `>`, or
 * null when `cursor` is not a well-formed `<ms>-<seq>` pair of unsigned 64-bit integers.
 */
export function cursorKey(cursor: string): bigint | null {
  const match = CURSOR_PATTERN.exec(cursor);
  if (!match) return null;
  const ms = BigInt(match[1]!);
  const seq = BigInt(match[2]!);
  if (ms > MAX_PART || seq > MAX_PART) return null;
  return (ms << 64n) | seq;
}

/** The sort key of a cursor that came from a client; a malformed one is the client's mistake. */
export function parseClientCursor(cursor: string): bigint {
  const key = cursorKey(cursor);
  if (key === null) {
    throw new BadUserInputError(
      `The cursor ${JSON.stringify(cursor)} is malformed; pass the id of an event you received, or omit it to start from the first retained event.`,
      { cursor },
    );
  }
  return key;
}

/** Orders two well-formed cursors: negative when `a` is older, 0 when equal, positive when newer. */
export function compareCursors(a: string, b: string): number {
  const keyA = cursorKey(a);
  const keyB = cursorKey(b);
  if (keyA === null || keyB === null) throw new TypeError(`Cannot compare cursors ${a} and ${b}.`);
  return keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
}

/** True when `key` is the largest possible cursor, after which nothing can follow. */
export function isLastPossibleKey(key: bigint): boolean {
  return key === LAST_POSSIBLE_KEY;
}

/**
 * Issues strictly increasing cursors from a millisecond clock that may stall or step backwards
 * (the same rule Redis applies to `XADD *`): the time part never decreases, and within one
 * millisecond the sequence counts up.
 */
export function createCursorClock(
  now: () => number,
  /** Cursors issued before (e.g. by an earlier process): every new one comes after it. */
  after: bigint = BEFORE_FIRST_KEY,
): () => { id: string; key: bigint } {
  let lastMs = after < 0n ? -1 : Number(after >> 64n);
  let seq = after < 0n ? 0 : Number(after & (2n ** 64n - 1n));
  return () => {
    const ms = Math.max(Math.floor(now()), lastMs);
    seq = ms === lastMs ? seq + 1 : 0;
    lastMs = ms;
    return { id: `${ms}-${seq}`, key: (BigInt(ms) << 64n) | BigInt(seq) };
  };
}
