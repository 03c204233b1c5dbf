import { BadUserInputError } from '../../errors.ts';
import type { Page } from '../../ports/pagination.ts';
import type { NewMessage } from '../../ports/store.ts';

/**
 * Helpers shared by every store adapter, so all of them agree on paging and ordering rules.
 */

/**
 * Turns `first + 1` fetched rows into a page: the extra row only tells that a next page exists.
 */
export function toPage<T>(rows: readonly T[], first: number): Page<T> {
  return { items: rows.slice(0, first), hasNextPage: rows.length > first };
}

/** One entry per key, in the order asked, null where no record has that key (DataLoader order). */
export function inKeyOrder<T>(
  keys: readonly string[],
  records: readonly T[],
  keyOf: (record: T) => string,
): (T | null)[] {
  const byKey = new Map(records.map((record) => [keyOf(record), record]));
  return keys.map((key) => byKey.get(key) ?? null);
}

/** The message index encoded in a page `after` key (decimal); 0 (before the first) when absent. */
export function parseMessageIndex(after: string | null | undefined): number {
  if (after == null) return 0;
  const index = Number(after);
  if (!/^\d+$/.test(after) || !Number.isSafeInteger(index)) {
    throw new BadUserInputError(`The message cursor ${JSON.stringify(after)} is not an index.`, {
      after,
    });
  }
  return index;
}

/**
 * The moment before which a run's idempotency key has expired. A run created at or before it is
 * outside the window, so a window of 0 never deduplicates.
 */
export function idempotencyCutoff(now: Date, idempotencyWindowMs: number): Date {
  return new Date(now.getTime() - idempotencyWindowMs);
}

/** Rejects an append batch that reuses a stored message id for another tenant or workflow. */
export function assertSameOwner(
  stored: { id: string; tenantId: string; workflowId: string },
  wanted: { tenantId: string; workflowId: string },
): void {
  if (stored.tenantId !== wanted.tenantId || stored.workflowId !== wanted.workflowId) {
    // Message ids are chosen by callers; a clash across workflows is a caller bug, never a merge.
    throw new Error(
      `Message id ${JSON.stringify(stored.id)} is already stored for another workflow; choose a new id.`,
    );
  }
}

/** New messages of one workflow within an append batch, in batch order. */
export interface AppendGroup {
  tenantId: string;
  workflowId: string;
  messages: NewMessage[];
}

/** Splits a batch by workflow, keeping order and the first of repeated ids. */
export function groupByWorkflow(messages: readonly NewMessage[]): AppendGroup[] {
  const groups = new Map<string, AppendGroup>();
  const seen = new Set<string>();
  for (const message of messages) {
    if (seen.has(message.id)) continue;
    seen.add(message.id);
    const key = JSON.stringify([message.tenantId, message.workflowId]);
    let group = groups.get(key);
    if (!group) {
      group = { tenantId: message.tenantId, workflowId: message.workflowId, messages: [] };
      groups.set(key, group);
    }
    group.messages.push(message);
  }
  // Sorted by workflow id: adapters that lock workflows then lock them in one order, so two
  // batches touching the same workflows cannot deadlock.
  return [...groups.values()].sort((a, b) => compare(a.workflowId, b.workflowId));
}

function compare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
