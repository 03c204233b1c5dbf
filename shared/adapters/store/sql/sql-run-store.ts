import { type Run, type RunStatus, TERMINAL_STATUSES, type Usage } from '../../../domain/types.ts';
import { newIdAfter } from '../../../ids.ts';
import type { Page, PageArgs } from '../../../ports/pagination.ts';
import type {
  CreateRunOptions,
  CreateRunResult,
  NewRun,
  RunPatch,
  RunStore,
  StartRunOptions,
  StartRunResult,
  TransitionGuard,
} from '../../../ports/store.ts';
import { idempotencyCutoff, inKeyOrder, toPage } from '../store-helpers.ts';
import { type RunRow, toRun, toUsage, type UsageRow } from './rows.ts';
import { CONSTRAINTS } from './schema.ts';
import { isUniqueViolation, type SqlDriver } from './sql-driver.ts';

const BUSY: StartRunResult = { ok: false, reason: 'BUSY' };
const NOT_QUEUED: StartRunResult = { ok: false, reason: 'NOT_QUEUED' };

/**
 * How often `create` starts over when a concurrent create of another workflow took its
 * idempotency key between the lookup and the insert (the retry then finds that run).
 */
const IDEMPOTENT_CREATE_ATTEMPTS = 3;

/** Thrown inside the create transaction to roll it back when the idempotency key was taken. */
class KeyTaken extends Error {}

const INSERT_RUN = `INSERT INTO runs
  (tenant_id, id, created_at, workflow_id, status, prompt, idempotency_key, events_after,
   timeout_at, run_timeout_ms)
  VALUES ($1, $2, $3, $4, 'QUEUED', $5, $6, $7, $8, $9)`;

function plus(date: Date, ms: number | null | undefined): Date | null {
  return ms === null || ms === undefined ? null : new Date(date.getTime() + ms);
}

/** Runs in the `runs` table; the partial unique indexes in schema.ts back `start` and `create`. */
export function createSqlRunStore(db: SqlDriver): RunStore {
  /** One create as one transaction; null when the key was taken meanwhile (start over). */
  async function createOnce(input: NewRun, options: CreateRunOptions) {
    return db.transaction(async (tx): Promise<CreateRunResult> => {
      // The workflow row lock makes every create of this workflow, from any process, run one at
      // a time: the key lookup, the busy check and the insert below are one atomic step.
      await tx.query('SELECT id FROM workflows WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [
        input.tenantId,
        input.workflowId,
      ]);
      const now = new Date();
      const { idempotencyKey } = input;
      if (idempotencyKey !== null) {
        // A key outlives its window only as history: clearing it lets this create insert anew.
        await tx.query(
          `UPDATE runs SET idempotency_key = NULL
           WHERE tenant_id = $1 AND idempotency_key = $2 AND created_at <= $3`,
          [input.tenantId, idempotencyKey, idempotencyCutoff(now, options.idempotencyWindowMs)],
        );
        const [existing] = await tx.query<RunRow>(
          'SELECT * FROM runs WHERE tenant_id = $1 AND idempotency_key = $2',
          [input.tenantId, idempotencyKey],
        );
        if (existing) return { run: toRun(existing), created: false, reason: 'IDEMPOTENT' };
      }
      const ifBusy = options.ifBusy ?? 'ENQUEUE';
      let cancelled: Run[] = [];
      let running: Run | null = null;
      if (ifBusy !== 'ENQUEUE') {
        const active = await tx.query<RunRow>(
          `SELECT * FROM runs WHERE tenant_id = $1 AND workflow_id = $2
           AND status IN ('RUNNING', 'QUEUED') ORDER BY status = 'RUNNING' DESC, id`,
          [input.tenantId, input.workflowId],
        );
        const [first] = active;
        if (first && ifBusy === 'REJECT') {
          return { run: toRun(first), created: false, reason: 'BUSY' };
        }
        const rows = await tx.query<RunRow>(
          `UPDATE runs SET status = 'CANCELLED', finished_at = $3
           WHERE tenant_id = $1 AND workflow_id = $2 AND status = 'QUEUED' RETURNING *`,
          [input.tenantId, input.workflowId, now],
        );
        cancelled = rows.map(toRun).sort((a, b) => (a.id < b.id ? -1 : 1));
        running = first?.status === 'RUNNING' ? toRun(first) : null;
      }
      const [newest] = await tx.query<{ id: string }>(
        'SELECT id FROM runs WHERE workflow_id = $1 ORDER BY id DESC LIMIT 1',
        [input.workflowId],
      );
      // ON CONFLICT waits for a concurrent insert of the same key (by a create of another
      // workflow); if that one wins, this transaction rolls back and the next attempt finds it.
      const [inserted] = await tx.query<RunRow>(
        `${INSERT_RUN} ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL
         DO NOTHING RETURNING *`,
        [
          input.tenantId,
          newIdAfter(newest?.id ?? null),
          now,
          input.workflowId,
          input.prompt,
          idempotencyKey,
          input.eventsAfter,
          plus(now, input.queueTimeoutMs),
          input.runTimeoutMs ?? null,
        ],
      );
      if (!inserted) throw new KeyTaken();
      await tx.query('UPDATE workflows SET last_run_id = $3 WHERE tenant_id = $1 AND id = $2', [
        input.tenantId,
        input.workflowId,
        inserted.id,
      ]);
      return { run: toRun(inserted), created: true, cancelled, running };
    });
  }

  /**
   * The common create — no idempotency key, ENQUEUE — as one statement: bumping the workflow's
   * `last_run_id` to the new id locks the workflow (creates of it queue up, as in the
   * transaction) and checks, against the newest committed value, that the id is the greatest
   * yet. Null when it cannot (a workflow from before `last_run_id`, an id from a clock behind
   * another gateway's, a missing workflow): the caller takes the transaction.
   */
  async function createFast(input: NewRun): Promise<Run | null> {
    const now = new Date();
    const [row] = await db.query<RunRow>(
      `WITH w AS (
         UPDATE workflows SET last_run_id = $2
         WHERE tenant_id = $1 AND id = $4 AND last_run_id IS NOT NULL AND last_run_id < $2
         RETURNING id
       )
       INSERT INTO runs
         (tenant_id, id, created_at, workflow_id, status, prompt, idempotency_key, events_after,
          timeout_at, run_timeout_ms)
       SELECT $1, $2, $3, $4, 'QUEUED', $5, NULL, $6, $7, $8 FROM w
       RETURNING *`,
      [
        input.tenantId,
        newIdAfter(null),
        now,
        input.workflowId,
        input.prompt,
        input.eventsAfter,
        plus(now, input.queueTimeoutMs),
        input.runTimeoutMs ?? null,
      ],
    );
    return row ? toRun(row) : null;
  }

  return {
    async create(input, options): Promise<CreateRunResult> {
      if (input.idempotencyKey === null && (options.ifBusy ?? 'ENQUEUE') === 'ENQUEUE') {
        const run = await createFast(input);
        if (run) return { run, created: true, cancelled: [], running: null };
      }
      for (let attempt = 1; ; attempt++) {
        try {
          return await createOnce(input, options);
        } catch (error) {
          if (!(error instanceof KeyTaken) || attempt >= IDEMPOTENT_CREATE_ATTEMPTS) throw error;
        }
      }
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

    async start(
      tenantId: string,
      id: string,
      options: StartRunOptions = {},
    ): Promise<StartRunResult> {
      const overdueAt = options.overdueAt ?? null;
      // The common case in one statement: the run is QUEUED and nothing holds its workflow.
      // `started_at` is never before the end of the run before it, whose worker stamped it.
      try {
        const [started] = await db.query<RunRow>(
          `WITH s AS (
             SELECT GREATEST($3::timestamptz, (
               SELECT p.finished_at FROM runs p, runs r
               WHERE r.tenant_id = $1 AND r.id = $2 AND p.tenant_id = $1
                 AND p.workflow_id = r.workflow_id AND p.id < r.id
               ORDER BY p.id DESC LIMIT 1)) AS at
           )
           UPDATE runs r SET status = 'RUNNING', started_at = s.at, attempt = 1,
             timeout_at = s.at + r.run_timeout_ms * interval '1 millisecond'
           FROM s
           WHERE r.tenant_id = $1 AND r.id = $2 AND r.status = 'QUEUED'
             AND ($4::timestamptz IS NULL OR r.timeout_at IS NULL OR r.timeout_at > $4)
             AND NOT EXISTS (
               SELECT 1 FROM runs b WHERE b.tenant_id = $1 AND b.workflow_id = r.workflow_id
               AND (b.status = 'RUNNING' OR (b.status = 'QUEUED' AND b.id < r.id)))
           RETURNING r.*`,
          [tenantId, id, new Date(), overdueAt],
        );
        if (started) return { ok: true, run: toRun(started) };
      } catch (error) {
        // Another run of the workflow started at the same moment (the partial unique index).
        if (isUniqueViolation(error, CONSTRAINTS.oneRunningRun)) return BUSY;
        throw error;
      }
      // Not started: the transaction below tells why (not queued, or busy).
      try {
        return await db.transaction(async (tx) => {
          // Locking the run makes concurrent starts of it queue up; each later one then sees
          // RUNNING and answers NOT_QUEUED.
          const [run] = await tx.query<RunRow>(
            'SELECT * FROM runs WHERE tenant_id = $1 AND id = $2 FOR UPDATE',
            [tenantId, id],
          );
          if (run?.status !== 'QUEUED') return NOT_QUEUED;
          if (overdueAt && run.timeout_at && new Date(run.timeout_at) <= overdueAt) {
            return NOT_QUEUED;
          }
          const blockers = await tx.query<{ id: string }>(
            `SELECT id FROM runs WHERE tenant_id = $1 AND workflow_id = $2
             AND (status = 'RUNNING' OR (status = 'QUEUED' AND id < $3)) LIMIT 1`,
            [tenantId, run.workflow_id, id],
          );
          if (blockers.length > 0) return BUSY;
          // Stamped after the busy check saw the previous run ended, so never before its end.
          const startedAt = new Date();
          const [started] = await tx.query<RunRow>(
            `UPDATE runs SET status = 'RUNNING', started_at = $3, attempt = 1, timeout_at = $4
             WHERE tenant_id = $1 AND id = $2 RETURNING *`,
            [tenantId, id, startedAt, plus(startedAt, run.run_timeout_ms)],
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

    async resume(tenantId: string, id: string): Promise<Run | null> {
      const [row] = await db.query<RunRow>(
        `UPDATE runs SET attempt = attempt + 1
         WHERE tenant_id = $1 AND id = $2 AND status = 'RUNNING' RETURNING *`,
        [tenantId, id],
      );
      return row ? toRun(row) : null;
    },

    async transition(
      tenantId: string,
      id: string,
      from: readonly RunStatus[],
      patch: RunPatch,
      guard: TransitionGuard = {},
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
      // Unannounced until the terminal event is out (markAnnounced).
      if (TERMINAL_STATUSES.has(patch.status)) sets.push('announced = false');
      let fence = '';
      if (guard.attempt !== undefined) {
        params.push(guard.attempt);
        fence = ` AND attempt = $${params.length}`;
      }
      // One statement, compare-and-set: of concurrent transitions from the same status, the
      // first to lock the row wins and the others no longer match `from`.
      const [row] = await db.query<RunRow>(
        `UPDATE runs SET ${sets.join(', ')}
         WHERE tenant_id = $1 AND id = $2 AND status = ANY($3::text[])${fence} RETURNING *`,
        params,
      );
      return row ? toRun(row) : null;
    },

    async listOverdue(now: Date, limit: number): Promise<Run[]> {
      const rows = await db.query<RunRow>(
        `SELECT * FROM runs WHERE status IN ('QUEUED', 'RUNNING') AND timeout_at IS NOT NULL
         AND timeout_at <= $1 ORDER BY timeout_at LIMIT $2`,
        [now, limit],
      );
      return rows.map(toRun);
    },

    async markAnnounced(tenantId: string, id: string): Promise<void> {
      await db.query('UPDATE runs SET announced = true WHERE tenant_id = $1 AND id = $2', [
        tenantId,
        id,
      ]);
    },

    async listUnannounced(finishedBefore: Date, limit: number): Promise<Run[]> {
      const rows = await db.query<RunRow>(
        `SELECT * FROM runs WHERE NOT announced AND finished_at <= $1
         ORDER BY finished_at LIMIT $2`,
        [finishedBefore, limit],
      );
      return rows.map(toRun);
    },

    async listActive(statuses, createdBefore: Date, limit: number): Promise<Run[]> {
      // The constant IN list lets the planner use the partial index runs_active_by_age.
      const rows = await db.query<RunRow>(
        `SELECT * FROM runs WHERE status IN ('QUEUED', 'RUNNING') AND status = ANY($1::text[])
         AND created_at <= $2 ORDER BY created_at LIMIT $3`,
        [statuses, createdBefore, limit],
      );
      return rows.map(toRun);
    },
  };
}
