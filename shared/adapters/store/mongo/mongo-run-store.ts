import { randomUUID } from 'node:crypto';
import type { Filter } from 'mongodb';
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
import { type Collections, isDuplicateKey, type RunDoc, toRun } from './documents.ts';

const BUSY: StartRunResult = { ok: false, reason: 'BUSY' };
const NOT_QUEUED: StartRunResult = { ok: false, reason: 'NOT_QUEUED' };

/** How long one `create` may hold its workflow's creation lease before it expires by itself. */
const CREATE_LEASE_MS = 10_000;
/** How long a `create` waits for the lease before it gives up. */
const CREATE_LEASE_WAIT_MS = 15_000;

function plus(date: Date, ms: number | null | undefined): Date | null {
  return ms === null || ms === undefined ? null : new Date(date.getTime() + ms);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function newRunDoc(input: NewRun, id: string, createdAt: Date): RunDoc {
  return {
    _id: id,
    tenantId: input.tenantId,
    workflowId: input.workflowId,
    status: 'QUEUED',
    prompt: input.prompt,
    output: null,
    error: null,
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
    idempotencyKey: input.idempotencyKey,
    eventsAfter: input.eventsAfter,
    attempt: 0,
    timeoutAt: plus(createdAt, input.queueTimeoutMs),
    runTimeoutMs: input.runTimeoutMs ?? null,
    createdAt,
    startedAt: null,
    finishedAt: null,
  };
}

/** Runs in the `runs` collection; the partial unique indexes in indexes.ts back `start` and `create`. */
export function createMongoRunStore({ runs, workflows }: Collections): RunStore {
  /**
   * Runs `fn` while holding the workflow's creation lease (`WorkflowDoc.createLock`), so creates
   * of one workflow from any process run one at a time. A holder that dies leaves a lease that
   * expires after CREATE_LEASE_MS. Without a workflow there is nothing to serialise on.
   */
  async function withCreateLease<T>(tenantId: string, workflowId: string, fn: () => Promise<T>) {
    const token = randomUUID();
    const deadline = Date.now() + CREATE_LEASE_WAIT_MS;
    for (let round = 0; ; round++) {
      const now = new Date();
      const taken = await workflows.findOneAndUpdate(
        {
          _id: workflowId,
          tenantId,
          $or: [{ createLock: null }, { 'createLock.until': { $lte: now } }],
        },
        { $set: { createLock: { token, until: new Date(now.getTime() + CREATE_LEASE_MS) } } },
        { projection: { _id: 1 } },
      );
      if (taken) break;
      const exists = await workflows.findOne(
        { _id: workflowId, tenantId },
        { projection: { _id: 1 } },
      );
      if (!exists) return fn();
      if (Date.now() > deadline) {
        throw new Error(`Workflow ${workflowId} stayed locked for run creation; retry.`);
      }
      await sleep(Math.min(50, 2 ** round));
    }
    try {
      return await fn();
    } finally {
      await workflows.updateOne(
        { _id: workflowId, tenantId, 'createLock.token': token },
        { $set: { createLock: null } },
      );
    }
  }

  async function createLocked(input: NewRun, options: CreateRunOptions): Promise<CreateRunResult> {
    const { tenantId, workflowId, idempotencyKey } = input;
    const now = new Date();
    if (idempotencyKey !== null) {
      // A key outlives its window only as history: clearing it lets this create insert anew.
      await runs.updateMany(
        {
          tenantId,
          idempotencyKey,
          createdAt: { $lte: idempotencyCutoff(now, options.idempotencyWindowMs) },
        },
        { $set: { idempotencyKey: null } },
      );
      const existing = await runs.findOne({ tenantId, idempotencyKey });
      if (existing) return { run: toRun(existing), created: false, reason: 'IDEMPOTENT' };
    }
    const ifBusy = options.ifBusy ?? 'ENQUEUE';
    const active =
      ifBusy === 'ENQUEUE'
        ? []
        : await runs
            .find({ tenantId, workflowId, status: { $in: ['RUNNING', 'QUEUED'] } })
            .sort({ _id: 1 })
            .toArray();
    const running = active.find((doc) => doc.status === 'RUNNING') ?? null;
    const first = running ?? active[0];
    if (first && ifBusy === 'REJECT') return { run: toRun(first), created: false, reason: 'BUSY' };

    const newest = await runs
      .find({ workflowId }, { projection: { _id: 1 } })
      .sort({ _id: -1 })
      .limit(1)
      .next();
    const doc = newRunDoc(input, newIdAfter(newest?._id ?? null), now);
    try {
      // Inserted before any QUEUED run is cancelled: without transactions, a create that loses
      // its idempotency key to another workflow's create must have changed nothing. The new run
      // is the newest, so it cannot start before the older QUEUED runs below are gone.
      await runs.insertOne(doc);
    } catch (error) {
      // A fresh QUEUED run with a new _id can only collide on the idempotency key.
      if (!isDuplicateKey(error) || idempotencyKey === null) throw error;
      const existing = await runs.findOne({ tenantId, idempotencyKey });
      if (!existing) throw error;
      return { run: toRun(existing), created: false, reason: 'IDEMPOTENT' };
    }
    const cancelled: Run[] = [];
    if (ifBusy === 'INTERRUPT') {
      for (const queued of active.filter((d) => d.status === 'QUEUED')) {
        const moved = await runs.findOneAndUpdate(
          { _id: queued._id, tenantId, status: 'QUEUED' },
          { $set: { status: 'CANCELLED', finishedAt: now } },
          { returnDocument: 'after' },
        );
        if (moved) cancelled.push(toRun(moved));
      }
    }
    return {
      run: toRun(doc),
      created: true,
      cancelled,
      running: ifBusy === 'INTERRUPT' && running ? toRun(running) : null,
    };
  }

  return {
    /**
     * No transaction: the workflow's creation lease serialises creates of one workflow, and the
     * unique index on (tenantId, idempotencyKey) decides between creates of different workflows
     * racing for one key; the loser returns the winner's run.
     */
    create(input, options): Promise<CreateRunResult> {
      return withCreateLease(input.tenantId, input.workflowId, () => createLocked(input, options));
    },

    async getMany(tenantId: string, ids: readonly string[]): Promise<(Run | null)[]> {
      if (ids.length === 0) return [];
      const docs = await runs.find({ tenantId, _id: { $in: [...ids] } }).toArray();
      return inKeyOrder(ids, docs.map(toRun), (run) => run.id);
    },

    async listByWorkflow(tenantId: string, workflowId: string, page: PageArgs): Promise<Page<Run>> {
      const filter: Filter<RunDoc> = { tenantId, workflowId };
      if (page.after) filter._id = { $lt: page.after };
      const docs = await runs
        .find(filter)
        .sort({ _id: -1 })
        .limit(page.first + 1)
        .toArray();
      return toPage(docs.map(toRun), page.first);
    },

    async activeByWorkflow(tenantId, workflowIds): Promise<(Run | null)[]> {
      if (workflowIds.length === 0) return [];
      const docs = await runs
        .find({
          tenantId,
          workflowId: { $in: [...workflowIds] },
          status: { $in: ['RUNNING', 'QUEUED'] },
        })
        .sort({ _id: 1 })
        .toArray();
      // Oldest first, so the first QUEUED run kept is the oldest; a RUNNING one replaces it.
      const active = new Map<string, RunDoc>();
      for (const doc of docs) {
        const current = active.get(doc.workflowId);
        if (!current || (doc.status === 'RUNNING' && current.status !== 'RUNNING')) {
          active.set(doc.workflowId, doc);
        }
      }
      return workflowIds.map((id) => {
        const doc = active.get(id);
        return doc ? toRun(doc) : null;
      });
    },

    async usageByWorkflow(tenantId, workflowIds): Promise<Usage[]> {
      if (workflowIds.length === 0) return [];
      const sums = await runs
        .aggregate<Usage & { _id: string }>([
          { $match: { tenantId, workflowId: { $in: [...workflowIds] } } },
          {
            $group: {
              _id: '$workflowId',
              inputTokens: { $sum: '$usage.inputTokens' },
              outputTokens: { $sum: '$usage.outputTokens' },
              totalTokens: { $sum: '$usage.totalTokens' },
            },
          },
        ])
        .toArray();
      const byWorkflow = new Map(sums.map((sum) => [sum._id, sum]));
      return workflowIds.map((id) => {
        const sum = byWorkflow.get(id);
        return {
          inputTokens: sum?.inputTokens ?? 0,
          outputTokens: sum?.outputTokens ?? 0,
          totalTokens: sum?.totalTokens ?? 0,
        };
      });
    },

    async start(
      tenantId: string,
      id: string,
      options: StartRunOptions = {},
    ): Promise<StartRunResult> {
      const run = await runs.findOne({ _id: id, tenantId });
      if (run?.status !== 'QUEUED') return NOT_QUEUED;
      const { overdueAt } = options;
      if (overdueAt && run.timeoutAt && run.timeoutAt <= overdueAt) return NOT_QUEUED;
      const blocker = await runs.findOne(
        {
          tenantId,
          workflowId: run.workflowId,
          $or: [{ status: 'RUNNING' }, { status: 'QUEUED', _id: { $lt: id } }],
        },
        { projection: { _id: 1 } },
      );
      if (blocker) return BUSY;
      // Stamped after the busy check saw the previous run ended, so never before its end.
      const startedAt = new Date();
      try {
        // Conditional on QUEUED: of concurrent starts of this run one matches, the rest see null.
        const started = await runs.findOneAndUpdate(
          { _id: id, tenantId, status: 'QUEUED' },
          {
            $set: {
              status: 'RUNNING',
              startedAt,
              attempt: 1,
              timeoutAt: plus(startedAt, run.runTimeoutMs),
            },
          },
          { returnDocument: 'after' },
        );
        return started ? { ok: true, run: toRun(started) } : NOT_QUEUED;
      } catch (error) {
        // Another run of the workflow started after our check: the partial unique index refused.
        if (isDuplicateKey(error)) return BUSY;
        throw error;
      }
    },

    async resume(tenantId: string, id: string): Promise<Run | null> {
      const doc = await runs.findOneAndUpdate(
        { _id: id, tenantId, status: 'RUNNING' },
        { $inc: { attempt: 1 } },
        { returnDocument: 'after' },
      );
      return doc ? toRun(doc) : null;
    },

    async transition(
      tenantId: string,
      id: string,
      from: readonly RunStatus[],
      patch: RunPatch,
      guard: TransitionGuard = {},
    ): Promise<Run | null> {
      const $set: Partial<Omit<RunDoc, '_id'>> = { status: patch.status };
      if (patch.output !== undefined) $set.output = patch.output;
      if (patch.error !== undefined) {
        $set.error = patch.error && { code: patch.error.code, message: patch.error.message };
      }
      if (patch.usage !== undefined) {
        const { inputTokens, outputTokens, totalTokens } = patch.usage;
        $set.usage = { inputTokens, outputTokens, totalTokens };
      }
      if (patch.startedAt !== undefined) $set.startedAt = patch.startedAt;
      if (patch.finishedAt !== undefined) $set.finishedAt = patch.finishedAt;
      // Unannounced until the terminal event is out (markAnnounced).
      if (TERMINAL_STATUSES.has(patch.status)) $set.announced = false;
      // One conditional update, compare-and-set: of concurrent transitions from the same status
      // the first applies and the rest no longer match `from`.
      const filter: Filter<RunDoc> = { _id: id, tenantId, status: { $in: [...from] } };
      if (guard.attempt !== undefined) filter.attempt = guard.attempt;
      const doc = await runs.findOneAndUpdate(filter, { $set }, { returnDocument: 'after' });
      return doc ? toRun(doc) : null;
    },

    async listOverdue(now: Date, limit: number): Promise<Run[]> {
      const docs = await runs
        .find({ status: { $in: ['QUEUED', 'RUNNING'] }, timeoutAt: { $ne: null, $lte: now } })
        .sort({ timeoutAt: 1 })
        .limit(limit)
        .toArray();
      return docs.map(toRun);
    },

    async markAnnounced(tenantId: string, id: string): Promise<void> {
      await runs.updateOne({ _id: id, tenantId }, { $set: { announced: true } });
    },

    async listUnannounced(finishedBefore: Date, limit: number): Promise<Run[]> {
      const docs = await runs
        .find({ announced: false, finishedAt: { $lte: finishedBefore } })
        .sort({ finishedAt: 1 })
        .limit(limit)
        .toArray();
      return docs.map(toRun);
    },

    async listActive(statuses, createdBefore: Date, limit: number): Promise<Run[]> {
      const docs = await runs
        .find({ status: { $in: [...statuses] }, createdAt: { $lte: createdBefore } })
        .sort({ createdAt: 1 })
        .limit(limit)
        .toArray();
      return docs.map(toRun);
    },
  };
}
