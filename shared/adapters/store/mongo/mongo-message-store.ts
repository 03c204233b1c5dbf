import type { Message } from '../../../domain/types.ts';
import { NotFoundError } from '../../../errors.ts';
import type { Page, PageArgs } from '../../../ports/pagination.ts';
import type { MessageStore, NewMessage } from '../../../ports/store.ts';
import {
  type AppendGroup,
  assertSameOwner,
  groupByWorkflow,
  parseMessageIndex,
  toPage,
} from '../store-helpers.ts';
import { type Collections, isDuplicateKey, type MessageDoc, toMessage } from './documents.ts';

/**
 * How many rounds one append may lose to concurrent appends of the same workflow before giving
 * up. Every lost round means another appender stored a message, so this bounds waiting, not
 * correctness.
 */
const APPEND_ATTEMPTS = 50;

/**
 * Messages in the `messages` collection, numbered per workflow.
 *
 * Without transactions, indexes are claimed optimistically: read the workflow's last index, insert
 * the batch after it in order, and let the unique (workflowId, index) index refuse a claim another
 * appender won; then retry after the new last index. Unlike a separate counter, nothing is
 * reserved before it is stored, so indexes stay gapless even when a process dies mid-append.
 */
export function createMongoMessageStore({ workflows, messages }: Collections): MessageStore {
  async function workflowExists(group: AppendGroup): Promise<boolean> {
    const found = await workflows.findOne(
      { _id: group.workflowId, tenantId: group.tenantId },
      { projection: { _id: 1 } },
    );
    return found !== null;
  }

  /** Stores the group's new messages; records every message of the group in `stored`. */
  async function appendGroup(group: AppendGroup, stored: Map<string, Message>): Promise<void> {
    let pending = group.messages;
    for (let attempt = 1; attempt <= APPEND_ATTEMPTS; attempt++) {
      // Messages stored before (an earlier call, a retry, our own last round) count as stored.
      // Looked up by id alone, across tenants, only to detect a clash (assertSameOwner throws);
      // another tenant's message is never returned.
      const existing = await messages.find({ _id: { $in: pending.map((m) => m.id) } }).toArray();
      for (const doc of existing) {
        const message = toMessage(doc);
        assertSameOwner(message, group);
        stored.set(message.id, message);
      }
      pending = pending.filter((m) => !stored.has(m.id));
      if (pending.length === 0) return;

      const last = await messages
        .find({ workflowId: group.workflowId }, { projection: { index: 1 } })
        .sort({ index: -1 })
        .limit(1)
        .next();
      const after = last?.index ?? 0;
      const createdAt = new Date();
      const docs: MessageDoc[] = pending.map((message, i) => ({
        _id: message.id,
        tenantId: group.tenantId,
        workflowId: group.workflowId,
        runId: message.runId,
        index: after + i + 1,
        role: message.role,
        content: message.content,
        createdAt,
      }));
      try {
        // Ordered: on a collision the documents before it are stored and the rest are not, so
        // the next round continues the batch in order.
        await messages.insertMany(docs, { ordered: true });
        for (const doc of docs) stored.set(doc._id, toMessage(doc));
        return;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    throw new Error(
      `Could not append to workflow ${group.workflowId}: too many concurrent appends; retry.`,
    );
  }

  return {
    async append(batch: readonly NewMessage[]): Promise<Message[]> {
      if (batch.length === 0) return [];
      const groups = groupByWorkflow(batch);
      for (const group of groups) {
        if (!(await workflowExists(group))) throw new NotFoundError('Workflow', group.workflowId);
      }
      const stored = new Map<string, Message>();
      for (const group of groups) {
        await appendGroup(group, stored);
        // A delete that ran meanwhile may have missed what we inserted: remove it ourselves, so
        // a deleted workflow never keeps messages.
        if (!(await workflowExists(group))) {
          await messages.deleteMany({ tenantId: group.tenantId, workflowId: group.workflowId });
          throw new NotFoundError('Workflow', group.workflowId);
        }
      }
      return batch.map((m) => stored.get(m.id)!);
    },

    async list(tenantId: string, workflowId: string, page: PageArgs): Promise<Page<Message>> {
      const docs = await messages
        .find({ tenantId, workflowId, index: { $gt: parseMessageIndex(page.after) } })
        .sort({ index: 1 })
        .limit(page.first + 1)
        .toArray();
      return toPage(docs.map(toMessage), page.first);
    },

    async history(tenantId: string, workflowId: string): Promise<Message[]> {
      const docs = await messages.find({ tenantId, workflowId }).sort({ index: 1 }).toArray();
      return docs.map(toMessage);
    },
  };
}
