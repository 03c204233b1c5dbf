import type { Filter } from 'mongodb';
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
import { type Collections, isDuplicateKey, type RunDoc, toRun } from './documents.ts';

const BUSY: StartRunResult = { ok: false, reason: 'BUSY' };
const NOT_QUEUED: StartRunResult = { ok: false, reason: 'NOT_QUEUED' };

/**
 * How often `create` retries when the run holding its idempotency key vanished between the
 * refused insert and the read (another caller expired the key in that instant).
 */
const IDEMPOTENT_CREATE_ATTEMPTS = 3;

function newRunDoc(input: NewRun): RunDoc {
  return {
    _id: newId(),
    tenantId: input.tenantId,
    workflowId: input.workflowId,
    status: 'QUEUED',
    prompt: input.prompt,
    output: null,
    error: null,
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
    idempotencyKey: input.idempotencyKey,
    eventsAfter: input.eventsAfter,
    createdAt: new Date(),
    startedAt: null,
    finishedAt: null,
  };
}

/** Runs in the `runs` collection; the partial unique indexes in indexes.ts back `start` and `create`. */
export function createMongoRunStore({ runs }: Collections): RunStore {
  return {
    /**
     * No transaction: the unique index on (tenantId, idempotencyKey) decides between racing
     * creates; the loser reads the winner's run.
     */
    async create(input, { idempotencyWindowMs }): Promise<CreateRunResult> {
      const { tenantId, idempotencyKey } = input;
      if (idempotencyKey === null) {
        const doc = newRunDoc(input);
        await runs.insertOne(doc);
        return { run: toRun(doc), created: true };
      }
      for (let attempt = 1; attempt <= IDEMPOTENT_CREATE_ATTEMPTS; attempt++) {
        const doc = newRunDoc(input);
        // A key outlives its window only as history: clearing it lets this create insert anew.
        await runs.updateMany(
          {
            tenantId,
            idempotencyKey,
            createdAt: { $lte: idempotencyCutoff(doc.createdAt, idempotencyWindowMs) },
          },
          { $set: { idempotencyKey: null } },
        );
        try {
          await runs.insertOne(doc);
          return { run: toRun(doc), created: true };
        } catch (error) {
          // A fresh QUEUED run with a new _id can only collide on the idempotency key.
          if (!isDuplicateKey(error)) throw error;
        }
        const existing = await runs.findOne({ tenantId, idempotencyKey });
        if (existing) return { run: toRun(existing), created: false };
      }
      throw new Error(`Could not create a run for idempotency key ${idempotencyKey}; retry.`);
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

    async start(tenantId: string, id: string, startedAt: Date): Promise<StartRunResult> {
      const run = await runs.findOne({ _id: id, tenantId });
      if (run?.status !== 'QUEUED') return NOT_QUEUED;
      const blocker = await runs.findOne(
        {
          tenantId,
          workflowId: run.workflowId,
          $or: [{ status: 'RUNNING' }, { status: 'QUEUED', _id: { $lt: id } }],
        },
        { projection: { _id: 1 } },
      );
      if (blocker) return BUSY;
      try {
        // Conditional on QUEUED: of concurrent starts of this run one matches, the rest see null.
        const started = await runs.findOneAndUpdate(
          { _id: id, tenantId, status: 'QUEUED' },
          { $set: { status: 'RUNNING', startedAt } },
          { returnDocument: 'after' },
        );
        return started ? { ok: true, run: toRun(started) } : NOT_QUEUED;
      } catch (error) {
        // Another run of the workflow started after our check: the partial unique index refused.
        if (isDuplicateKey(error)) return BUSY;
        throw error;
      }
    },

    async transition(
      tenantId: string,
      id: string,
      from: readonly RunStatus[],
      patch: RunPatch,
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
      // One conditional update, compare-and-set: of concurrent transitions from the same status
      // the first applies and the rest no longer match `from`.
      const doc = await runs.findOneAndUpdate(
        { _id: id, tenantId, status: { $in: [...from] } },
        { $set },
        { returnDocument: 'after' },
      );
      return doc ? toRun(doc) : null;
    },
  };
}
