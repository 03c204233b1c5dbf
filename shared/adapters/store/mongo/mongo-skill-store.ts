import type { Filter } from 'mongodb';
import type { Skill } from '../../../domain/types.ts';
import { newId } from '../../../ids.ts';
import type { Page, PageArgs } from '../../../ports/pagination.ts';
import type { NewSkill, SkillPatch, SkillStore } from '../../../ports/store.ts';
import { inKeyOrder, toPage } from '../store-helpers.ts';
import { type Collections, type SkillDoc, toSkill } from './documents.ts';

/** Skills in the `skills` collection. */
export function createMongoSkillStore({ skills, agents, workflows }: Collections): SkillStore {
  return {
    async create(input: NewSkill): Promise<Skill> {
      const now = new Date();
      const doc: SkillDoc = {
        _id: newId(),
        tenantId: input.tenantId,
        name: input.name,
        description: input.description,
        instructions: input.instructions,
        tags: input.tags,
        createdAt: now,
        updatedAt: now,
      };
      await skills.insertOne(doc);
      return toSkill(doc);
    },

    async getMany(tenantId: string, ids: readonly string[]): Promise<(Skill | null)[]> {
      if (ids.length === 0) return [];
      const docs = await skills.find({ tenantId, _id: { $in: [...ids] } }).toArray();
      return inKeyOrder(ids, docs.map(toSkill), (skill) => skill.id);
    },

    async list(tenantId: string, page: PageArgs): Promise<Page<Skill>> {
      const filter: Filter<SkillDoc> = page.after
        ? { tenantId, _id: { $lt: page.after } }
        : { tenantId };
      const docs = await skills
        .find(filter)
        .sort({ _id: -1 })
        .limit(page.first + 1)
        .toArray();
      return toPage(docs.map(toSkill), page.first);
    },

    async listByTags(tenantId: string, tags: readonly string[]): Promise<Skill[]> {
      if (tags.length === 0) return [];
      const docs = await skills
        .find({ tenantId, tags: { $in: [...tags] } })
        .sort({ _id: 1 })
        .toArray();
      return docs.map(toSkill);
    },

    async update(tenantId: string, id: string, patch: SkillPatch): Promise<Skill | null> {
      const $set: Partial<Omit<SkillDoc, '_id'>> = { updatedAt: new Date() };
      if (patch.name !== undefined) $set.name = patch.name;
      if (patch.description !== undefined) $set.description = patch.description;
      if (patch.instructions !== undefined) $set.instructions = patch.instructions;
      if (patch.tags !== undefined) $set.tags = patch.tags;
      const doc = await skills.findOneAndUpdate(
        { _id: id, tenantId },
        { $set },
        { returnDocument: 'after' },
      );
      return doc ? toSkill(doc) : null;
    },

    /**
     * Without a transaction (a standalone server has none), the steps are ordered instead: the
     * skill goes first, so runs stop using it at once (they skip ids of missing skills); then its
     * id is pulled from agents and workflows, also when the skill was already gone, so a delete
     * interrupted half-way is completed by the next attempt.
     */
    async delete(tenantId: string, id: string): Promise<boolean> {
      const { deletedCount } = await skills.deleteOne({ _id: id, tenantId });
      await agents.updateMany({ tenantId, skillIds: id }, { $pull: { skillIds: id } });
      await workflows.updateMany({ tenantId, skillIds: id }, { $pull: { skillIds: id } });
      return deletedCount === 1;
    },
  };
}
