import { monotonicFactory } from 'ulid';

const next = monotonicFactory();

/**
 * A new record id: a ULID, so ids sort by creation time and keyset pagination on the id alone
 * gives creation order.
 */
export function newId(): string {
  return next();
}
