import type { Filter } from 'mongodb';
import type { Workflow } from '../../../domain/types.ts';
import { newId } from '../../../ids.ts';
import type { Page, PageArgs } from '../../../ports/pagination.ts';
import type { NewWorkflow, WorkflowStore } from '../../../ports/store.ts';
import { inKeyOrder, toPage } from '../store-helpers.ts';
import { type Collections, toWorkflow, type WorkflowDoc } from './documents.ts';

/** Workflows in the `workflows` collection; deleting one takes its runs and messages with it. */
export function createMongoWorkflowStore({
  workflows,
  runs,
  messages,
}: Collections): WorkflowStore {
  return {
    async create(input: NewWorkflow): Promise<Workflow> {
      const doc: WorkflowDoc = {
        _id: newId(),
        tenantId: input.tenantId,
        agentId: input.agentId,
        title: input.title,
        model: input.model,
        maxTurns: input.maxTurns,
        queueTimeoutMs: input.queueTimeoutMs ?? null,
        runTimeoutMs: input.runTimeoutMs ?? null,
        skillIds: input.skillIds ?? [],
        createdAt: new Date(),
      };
      await workflows.insertOne(doc);
      return toWorkflow(doc);
    },

    async getMany(tenantId: string, ids: readonly string[]): Promise<(Workflow | null)[]> {
      if (ids.length === 0) return [];
      const docs = await workflows.find({ tenantId, _id: { $in: [...ids] } }).toArray();
      return inKeyOrder(ids, docs.map(toWorkflow), (workflow) => workflow.id);
    },

    async list(tenantId: string, page: PageArgs): Promise<Page<Workflow>> {
      const filter: Filter<WorkflowDoc> = page.after
        ? { tenantId, _id: { $lt: page.after } }
        : { tenantId };
      const docs = await workflows
        .find(filter)
        .sort({ _id: -1 })
        .limit(page.first + 1)
        .toArray();
      return toPage(docs.map(toWorkflow), page.first);
    },

    countByAgent(tenantId: string, agentId: string): Promise<number> {
      return workflows.countDocuments({ tenantId, agentId });
    },

    async setSkillIds(
      tenantId: string,
      id: string,
      skillIds: readonly string[],
    ): Promise<Workflow | null> {
      const doc = await workflows.findOneAndUpdate(
        { _id: id, tenantId },
        { $set: { skillIds: [...skillIds] } },
        { returnDocument: 'after' },
      );
      return doc ? toWorkflow(doc) : null;
    },

    /**
     * Without a transaction (a standalone server has none), the steps are ordered instead: the
     * workflow goes first, so it vanishes for readers at once and appends to it fail; then its
     * runs and messages. Those are removed even when the workflow was already gone, so a delete
     * interrupted half-way is completed by the next attempt.
     */
    async delete(tenantId: string, id: string): Promise<boolean> {
      const { deletedCount } = await workflows.deleteOne({ _id: id, tenantId });
      await runs.deleteMany({ tenantId, workflowId: id });
      await messages.deleteMany({ tenantId, workflowId: id });
      return deletedCount === 1;
    },
  };
}
