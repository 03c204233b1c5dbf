import type { Run, RunStatus, Usage } from '../../../domain/types.ts';
import { newId } from '../../../ids.ts';
import type { Page, PageArgs } from '../../../ports/pagination.ts';
import type {
  CreateRunResult,
  NewRun,
  RunPatch,
  RunStore,
  StartRunResult,
} from '../../../ports/store.ts';
import { idempotencyCutoff, inKeyOrder, toPage } from '../store-helpers.ts';
import { type RunRow, toRun, toUsage, type UsageRow } from './rows.ts';
import { CONSTRAINTS } from './schema.ts';
import { isUniqueViolation, type SqlDriver } from './sql-driver.ts';

const BUSY: StartRunResult = { ok: false, reason: 'BUSY' };
const NOT_QUEUED: StartRunResult = { ok: false, reason: 'NOT_QUEUED' };

/**
 * How often `create` retries when the run holding its idempotency key vanished between the
 * conflicting insert and the read (another caller expired the key in that instant).
 */
const IDEMPOTENT_CREATE_ATTEMPTS = 3;

const INSERT_RUN = `INSERT INTO runs
  (tenant_id, id, created_at, workflow_id, status, prompt, idempotency_key, events_after)
  VALUES ($1, $2, $3, $4, 'QUEUED', $5, $6, $7)`;

/** Runs in the `runs` table; the partial unique indexes in schema.ts back `start` and `create`. */
export function createSqlRunStore(db: SqlDriver): RunStore {
  function insertParams(input: NewRun, now: Date): unknown[] {
    return [
      input.tenantId,
      newId(),
      now,
      input.workflowId,
      input.prompt,
      input.idempotencyKey,
      input.eventsAfter,
    ];
  }

  async function createIdempotent(
    input: NewRun & { idempotencyKey: string },
    idempotencyWindowMs: number,
  ): Promise<CreateRunResult | null> {
    return db.transaction(async (tx) => {
      const now = new Date();
      // A key outlives its window only as history: clearing it lets this create insert anew.
      await tx.query(
        `UPDATE runs SET idempotency_key = NULL
         WHERE tenant_id = $1 AND idempotency_key = $2 AND created_at <= $3`,
        [input.tenantId, input.idempotencyKey, idempotencyCutoff(now, idempotencyWindowMs)],
      );
      // ON CONFLICT waits for a concurrent insert of the same key, so of two racing creates one
      // inserts and the other reads its run below.
      const [inserted] = await tx.query<RunRow>(
        `${INSERT_RUN} ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL
         DO NOTHING RETURNING *`,
        insertParams(input, now),
      );
      if (inserted) return { run: toRun(inserted), created: true };
      const [existing] = await tx.query<RunRow>(
        'SELECT * FROM runs WHERE tenant_id = $1 AND idempotency_key = $2',
        [input.tenantId, input.idempotencyKey],
      );
      return existing ? { run: toRun(existing), created: false } : null;
    });
  }

  return {
    async create(input, { idempotencyWindowMs }): Promise<CreateRunResult> {
      const { idempotencyKey } = input;
      if (idempotencyKey === null) {
        const [row] = await db.query<RunRow>(
          `${INSERT_RUN} RETURNING *`,
          insertParams(input, new Date()),
        );
        return { run: toRun(row!), created: true };
      }
      for (let attempt = 1; attempt <= IDEMPOTENT_CREATE_ATTEMPTS; attempt++) {
        const result = await createIdempotent({ ...input, idempotencyKey }, idempotencyWindowMs);
        if (result) return result;
      }
      throw new Error(`Could not create a run for idempotency key ${idempotencyKey}; retry.`);
    },

    async getMany(tenantId: string, ids: readonly string[]): Promise<(Run | null)[]> {
      if (ids.length === 0) return [];
      const rows = await db.query<RunRow>(
        'SELECT * FROM runs WHERE tenant_id = $1 AND id = ANY($2::text[])',
        [tenantId, ids],
      );
      return inKeyOrder(ids, rows.map(toRun), (run) => run.id);
    },

    async listByWorkflow(tenantId: string, workflowId: string, page: PageArgs): Promise<Page<Run>> {
      const rows = await db.query<RunRow>(
        `SELECT * FROM runs WHERE tenant_id = $1 AND workflow_id = $2
         AND ($3::text IS NULL OR id < $3) ORDER BY id DESC LIMIT $4`,
        [tenantId, workflowId, page.after ?? null, page.first + 1],
      );
      return toPage(rows.map(toRun), page.first);
    },

    async activeByWorkflow(tenantId, workflowIds): Promise<(Run | null)[]> {
      if (workflowIds.length === 0) return [];
      const rows = await db.query<RunRow>(
        `SELECT DISTINCT ON (workflow_id) * FROM runs
         WHERE tenant_id = $1 AND workflow_id = ANY($2::text[]) AND status IN ('RUNNING', 'QUEUED')
         ORDER BY workflow_id, status = 'RUNNING' DESC, id`,
        [tenantId, workflowIds],
      );
      return inKeyOrder(workflowIds, rows.map(toRun), (run) => run.workflowId);
    },

    async usageByWorkflow(tenantId, workflowIds): Promise<Usage[]> {
      if (workflowIds.length === 0) return [];
      const rows = await db.query<UsageRow>(
        `SELECT workflow_id, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
           sum(total_tokens) AS total_tokens
         FROM runs WHERE tenant_id = $1 AND workflow_id = ANY($2::text[]) GROUP BY workflow_id`,
        [tenantId, workflowIds],
      );
      const byWorkflow = new Map(rows.map((row) => [row.workflow_id, toUsage(row)]));
      return workflowIds.map(
        (id) => byWorkflow.get(id) ?? { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
      );
    },

    async start(tenantId: string, id: string, startedAt: Date): Promise<StartRunResult> {
      try {
        return await db.transaction(async (tx) => {
          // Locking the run makes concurrent starts of it queue up; each later one then sees
          // RUNNING and answers NOT_QUEUED.
          const [run] = await tx.query<RunRow>(
            'SELECT * FROM runs WHERE tenant_id = $1 AND id = $2 FOR UPDATE',
            [tenantId, id],
          );
          if (run?.status !== 'QUEUED') return NOT_QUEUED;
          const blockers = await tx.query<{ id: string }>(
            `SELECT id FROM runs WHERE tenant_id = $1 AND workflow_id = $2
             AND (status = 'RUNNING' OR (status = 'QUEUED' AND id < $3)) LIMIT 1`,
            [tenantId, run.workflow_id, id],
          );
          if (blockers.length > 0) return BUSY;
          const [started] = await tx.query<RunRow>(
            `UPDATE runs SET status = 'RUNNING', started_at = $3
             WHERE tenant_id = $1 AND id = $2 RETURNING *`,
            [tenantId, id, startedAt],
          );
          return { ok: true, run: toRun(started!) };
        });
      } catch (error) {
        // Another run of the workflow started between our check and our update, in another
        // transaction: the partial unique index refused this one.
        if (isUniqueViolation(error, CONSTRAINTS.oneRunningRun)) return BUSY;
        throw error;
      }
    },

    async transition(
      tenantId: string,
      id: string,
      from: readonly RunStatus[],
      patch: RunPatch,
    ): Promise<Run | null> {
      const params: unknown[] = [tenantId, id, from, patch.status];
      const sets = ['status = $4'];
      const set = (column: string, value: unknown) => {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      };
      if (patch.output !== undefined) set('output', patch.output);
      if (patch.error !== undefined) {
        set('error_code', patch.error?.code ?? null);
        set('error_message', patch.error?.message ?? null);
      }
      if (patch.usage !== undefined) {
        set('input_tokens', patch.usage.inputTokens);
        set('output_tokens', patch.usage.outputTokens);
        set('total_tokens', patch.usage.totalTokens);
      }
      if (patch.startedAt !== undefined) set('started_at', patch.startedAt);
      if (patch.finishedAt !== undefined) set('finished_at', patch.finishedAt);
      // One statement, compare-and-set: of concurrent transitions from the same status, the
      // first to lock the row wins and the others no longer match `from`.
      const [row] = await db.query<RunRow>(
        `UPDATE runs SET ${sets.join(', ')}
         WHERE tenant_id = $1 AND id = $2 AND status = ANY($3::text[]) RETURNING *`,
        params,
      );
      return row ? toRun(row) : null;
    },
  };
}
