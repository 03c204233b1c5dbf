import type { Filter } from 'mongodb';
import type { Agent } from '../../../domain/types.ts';
import { newId } from '../../../ids.ts';
import type { Page, PageArgs } from '../../../ports/pagination.ts';
import type { AgentPatch, AgentStore, NewAgent } from '../../../ports/store.ts';
import { inKeyOrder, toPage } from '../store-helpers.ts';
import { type AgentDoc, type Collections, toAgent } from './documents.ts';

/** Agents in the `agents` collection. */
export function createMongoAgentStore({ agents }: Collections): AgentStore {
  return {
    async create(input: NewAgent): Promise<Agent> {
      const now = new Date();
      const doc: AgentDoc = {
        _id: newId(),
        tenantId: input.tenantId,
        name: input.name,
        systemPrompt: input.systemPrompt,
        model: input.model,
        description: input.description,
        mcpServerIds: input.mcpServerIds ?? [],
        mcpServerTags: input.mcpServerTags ?? [],
        skillIds: input.skillIds ?? [],
        skillTags: input.skillTags ?? [],
        contextBudget: input.contextBudget ?? null,
        createdAt: now,
        updatedAt: now,
      };
      await agents.insertOne(doc);
      return toAgent(doc);
    },

    async getMany(tenantId: string, ids: readonly string[]): Promise<(Agent | null)[]> {
      if (ids.length === 0) return [];
      const docs = await agents.find({ tenantId, _id: { $in: [...ids] } }).toArray();
      return inKeyOrder(ids, docs.map(toAgent), (agent) => agent.id);
    },

    async list(tenantId: string, page: PageArgs): Promise<Page<Agent>> {
      const filter: Filter<AgentDoc> = page.after
        ? { tenantId, _id: { $lt: page.after } }
        : { tenantId };
      const docs = await agents
        .find(filter)
        .sort({ _id: -1 })
        .limit(page.first + 1)
        .toArray();
      return toPage(docs.map(toAgent), page.first);
    },

    async update(tenantId: string, id: string, patch: AgentPatch): Promise<Agent | null> {
      const $set: Partial<Omit<AgentDoc, '_id'>> = { updatedAt: new Date() };
      if (patch.name !== undefined) $set.name = patch.name;
      if (patch.systemPrompt !== undefined) $set.systemPrompt = patch.systemPrompt;
      if (patch.model !== undefined) $set.model = patch.model;
      if (patch.description !== undefined) $set.description = patch.description;
      if (patch.mcpServerIds !== undefined) $set.mcpServerIds = patch.mcpServerIds;
      if (patch.mcpServerTags !== undefined) $set.mcpServerTags = patch.mcpServerTags;
      if (patch.skillIds !== undefined) $set.skillIds = patch.skillIds;
      if (patch.skillTags !== undefined) $set.skillTags = patch.skillTags;
      if (patch.contextBudget !== undefined) $set.contextBudget = patch.contextBudget;
      const doc = await agents.findOneAndUpdate(
        { _id: id, tenantId },
        { $set },
        { returnDocument: 'after' },
      );
      return doc ? toAgent(doc) : null;
    },

    async delete(tenantId: string, id: string): Promise<boolean> {
      const { deletedCount } = await agents.deleteOne({ _id: id, tenantId });
      return deletedCount === 1;
    },
  };
}
