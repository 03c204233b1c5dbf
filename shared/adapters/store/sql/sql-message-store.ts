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
import { type MessageRow, toMessage } from './rows.ts';
import { isUniqueViolation, type SqlDriver, type SqlExecutor } from './sql-driver.ts';

/** Inserts `messages` at indexes `after + 1`, `after + 2`, ... in one statement. */
async function insertGroup(
  tx: SqlExecutor,
  group: AppendGroup,
  after: number,
  createdAt: Date,
): Promise<MessageRow[]> {
  const { messages } = group;
  return tx.query<MessageRow>(
    `INSERT INTO messages (id, created_at, idx, tenant_id, workflow_id, run_id, role, content)
     SELECT m.id, $1, $2::integer + m.ord::integer, $3, $4, m.run_id, m.role, m.content
     FROM unnest($5::text[], $6::text[], $7::text[], $8::text[])
       WITH ORDINALITY AS m (id, run_id, role, content, ord)
     RETURNING *`,
    [
      createdAt,
      after,
      group.tenantId,
      group.workflowId,
      messages.map((m) => m.id),
      messages.map((m) => m.runId),
      messages.map((m) => m.role),
      messages.map((m) => m.content),
    ],
  );
}

/**
 * The common append — one message — as one statement: numbers it by bumping the workflow's
 * count (the row lock serialises appends to the workflow, as the transaction below does) unless
 * a message with its id exists, in which case that one is returned. Undefined when the statement
 * cannot decide alone (a concurrent append of the same id): the caller takes the transaction.
 */
async function appendOne(db: SqlDriver, message: NewMessage): Promise<Message | undefined> {
  let rows: (MessageRow & { stored: boolean })[];
  try {
    rows = await db.query<MessageRow & { stored: boolean }>(
      `WITH counted AS (
         UPDATE workflows SET message_count = message_count + 1
         WHERE tenant_id = $1 AND id = $2 AND NOT EXISTS (SELECT 1 FROM messages WHERE id = $3)
         RETURNING message_count
       ), inserted AS (
         INSERT INTO messages (created_at, idx, id, tenant_id, workflow_id, run_id, role, content)
         SELECT $4, message_count, $3, $1, $2, $5, $6, $7 FROM counted
         RETURNING *
       )
       SELECT true AS stored, * FROM inserted
       UNION ALL
       SELECT false AS stored, * FROM messages WHERE id = $3`,
      [
        message.tenantId,
        message.workflowId,
        message.id,
        new Date(),
        message.runId,
        message.role,
        message.content,
      ],
    );
  } catch (error) {
    if (isUniqueViolation(error)) return undefined;
    throw error;
  }
  // The statement's snapshot predates its insert: a fresh row appears once, as stored.
  const row = rows.find((r) => r.stored) ?? rows[0];
  if (!row) throw new NotFoundError('Workflow', message.workflowId);
  const stored = toMessage(row);
  if (!row.stored) assertSameOwner(stored, message);
  return stored;
}

/** Messages in the `messages` table, one row each, numbered per workflow. */
export function createSqlMessageStore(db: SqlDriver): MessageStore {
  return {
    async append(messages: readonly NewMessage[]): Promise<Message[]> {
      if (messages.length === 0) return [];
      if (messages.length === 1) {
        const stored = await appendOne(db, messages[0]!);
        if (stored) return [stored];
      }
      const groups = groupByWorkflow(messages);
      const stored = await db.transaction(async (tx) => {
        // Lock each workflow row first: appends to one workflow then run one after another, so
        // the existence check below sees every committed message and the indexes stay gapless.
        const counts: number[] = [];
        for (const group of groups) {
          const [workflow] = await tx.query<{ message_count: number }>(
            'SELECT message_count FROM workflows WHERE tenant_id = $1 AND id = $2 FOR UPDATE',
            [group.tenantId, group.workflowId],
          );
          if (!workflow) throw new NotFoundError('Workflow', group.workflowId);
          counts.push(Number(workflow.message_count));
        }
        // Looked up by id alone, across tenants, only to detect a clash (assertSameOwner throws);
        // another tenant's message is never returned.
        const existing = await tx.query<MessageRow>(
          'SELECT * FROM messages WHERE id = ANY($1::text[])',
          [messages.map((m) => m.id)],
        );
        const byId = new Map(existing.map((row) => [row.id, toMessage(row)]));
        for (const message of messages) {
          const found = byId.get(message.id);
          if (found) assertSameOwner(found, message);
        }
        const createdAt = new Date();
        for (const [i, group] of groups.entries()) {
          const fresh = group.messages.filter((m) => !byId.has(m.id));
          if (fresh.length === 0) continue;
          const count = counts[i]!;
          const rows = await insertGroup(tx, { ...group, messages: fresh }, count, createdAt);
          for (const row of rows) byId.set(row.id, toMessage(row));
          await tx.query(
            'UPDATE workflows SET message_count = message_count + $3 WHERE tenant_id = $1 AND id = $2',
            [group.tenantId, group.workflowId, fresh.length],
          );
        }
        return byId;
      });
      return messages.map((m) => stored.get(m.id)!);
    },

    async list(tenantId: string, workflowId: string, page: PageArgs): Promise<Page<Message>> {
      const rows = await db.query<MessageRow>(
        `SELECT * FROM messages WHERE tenant_id = $1 AND workflow_id = $2 AND idx > $3
         ORDER BY idx LIMIT $4`,
        [tenantId, workflowId, parseMessageIndex(page.after), page.first + 1],
      );
      return toPage(rows.map(toMessage), page.first);
    },

    async history(tenantId: string, workflowId: string): Promise<Message[]> {
      const rows = await db.query<MessageRow>(
        'SELECT * FROM messages WHERE tenant_id = $1 AND workflow_id = $2 ORDER BY idx',
        [tenantId, workflowId],
      );
      return rows.map(toMessage);
    },
  };
}
