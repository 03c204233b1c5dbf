import { incrementBase32, monotonicFactory } from 'ulid';

const next = monotonicFactory();

/**
 * A new record id: a ULID, so ids sort by creation time and keyset pagination on the id alone
 * gives creation order.
 */
export function newId(): string {
  return next();
}

/**
 * A new id greater than `previous` (an id from any process): ULIDs of different processes made
 * in the same millisecond sort at random, so a caller that must order records it creates one
 * after another (under a lock) bumps past the newest one instead.
 */
export function newIdAfter(previous: string | null): string {
  const id = newId();
  return previous === null || id > previous ? id : incrementBase32(previous);
}
