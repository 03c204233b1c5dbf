import { describe, expect, it } from 'vitest';
import type { NewSkill } from '../../../ports/store.ts';
import type { ContractContext } from './context.ts';
import { fixtures } from './context.ts';

export function describeSkills(ctx: ContractContext): void {
  const make = fixtures(ctx);
  const skill = (overrides: Partial<NewSkill> = {}) =>
    ctx.store.skills.create({
      tenantId: ctx.tenant,
      name: 'Summaries',
      description: 'Short answers.',
      instructions: 'Answer in three sentences.\nCite sources.',
      tags: ['writing', 'style'],
      ...overrides,
    });

  describe('skills', () => {
    it('creates a skill and reads back every field', async () => {
      const created = await skill();
      expect(created).toMatchObject({
        tenantId: ctx.tenant,
        name: 'Summaries',
        description: 'Short answers.',
        instructions: 'Answer in three sentences.\nCite sources.',
        tags: ['writing', 'style'],
      });
      expect(created.createdAt).toBeInstanceOf(Date);
      expect(await ctx.store.skills.getMany(ctx.tenant, [created.id, 'missing'])).toEqual([
        created,
        null,
      ]);
      expect(await ctx.store.skills.getMany(ctx.other, [created.id])).toEqual([null]);
    });

    it('lists newest first with pages, updates present fields only, and deletes', async () => {
      const first = await skill({ name: 'one', description: null });
      const second = await skill({ name: 'two' });
      const third = await skill({ name: 'three' });
      const page = await ctx.store.skills.list(ctx.tenant, { first: 2 });
      expect(page.items.map((s) => s.id)).toEqual([third.id, second.id]);
      expect(page.hasNextPage).toBe(true);
      const rest = await ctx.store.skills.list(ctx.tenant, { first: 2, after: second.id });
      expect(rest).toEqual({ items: [first], hasNextPage: false });
      expect((await ctx.store.skills.list(ctx.other, { first: 10 })).items).toEqual([]);

      const updated = await ctx.store.skills.update(ctx.tenant, first.id, {
        instructions: 'New text.',
        tags: [],
      });
      expect(updated).toMatchObject({
        name: 'one',
        description: null,
        instructions: 'New text.',
        tags: [],
      });
      expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(first.updatedAt.getTime());
      expect(await ctx.store.skills.update(ctx.tenant, 'missing', { name: 'x' })).toBeNull();
      expect(await ctx.store.skills.update(ctx.other, first.id, { name: 'x' })).toBeNull();
      expect(await ctx.store.skills.delete(ctx.other, first.id)).toBe(false);
      expect(await ctx.store.skills.delete(ctx.tenant, first.id)).toBe(true);
      expect(await ctx.store.skills.delete(ctx.tenant, first.id)).toBe(false);
      expect(await ctx.store.skills.getMany(ctx.tenant, [first.id])).toEqual([null]);
    });

    it('finds skills by any of the tags, oldest first, only the tenant’s', async () => {
      const a = await skill({ name: 'a', tags: ['x'] });
      const b = await skill({ name: 'b', tags: ['y', 'z'] });
      await skill({ name: 'c', tags: ['w'] });
      await ctx.store.skills.create({
        tenantId: ctx.other,
        name: 'other',
        description: null,
        instructions: 'Not yours.',
        tags: ['x'],
      });
      const found = await ctx.store.skills.listByTags(ctx.tenant, ['x', 'z']);
      expect(found.map((s) => s.id)).toEqual([a.id, b.id]);
      expect(await ctx.store.skills.listByTags(ctx.tenant, [])).toEqual([]);
    });

    it('stores an agent’s skills by id and tag, and its context budget', async () => {
      const agent = await make.agent({ name: 'Skilled' });
      expect(agent).toMatchObject({ skillIds: [], skillTags: [], contextBudget: null });
      const created = await make.agent({ skillIds: ['k1'], skillTags: ['t'], contextBudget: 5000 });
      expect(created).toMatchObject({ skillIds: ['k1'], skillTags: ['t'], contextBudget: 5000 });
      const updated = await ctx.store.agents.update(ctx.tenant, agent.id, {
        skillIds: ['k1', 'k2'],
        skillTags: ['writing'],
        contextBudget: 12_000,
      });
      expect(updated).toMatchObject({
        skillIds: ['k1', 'k2'],
        skillTags: ['writing'],
        contextBudget: 12_000,
      });
      const cleared = await ctx.store.agents.update(ctx.tenant, agent.id, { contextBudget: null });
      expect(cleared).toMatchObject({ skillIds: ['k1', 'k2'], contextBudget: null });
    });

    it('stores a workflow’s skills and replaces them', async () => {
      const workflow = await make.workflow();
      expect(workflow.skillIds).toEqual([]);
      const agent = await make.agent();
      const withSkills = await ctx.store.workflows.create({
        tenantId: ctx.tenant,
        agentId: agent.id,
        title: null,
        model: null,
        maxTurns: 2,
        skillIds: ['k1', 'k2'],
      });
      expect(withSkills.skillIds).toEqual(['k1', 'k2']);
      const replaced = await ctx.store.workflows.setSkillIds(ctx.tenant, withSkills.id, ['k3']);
      expect(replaced).toEqual({ ...withSkills, skillIds: ['k3'] });
      expect(await ctx.store.workflows.getMany(ctx.tenant, [withSkills.id])).toEqual([replaced]);
      expect(await ctx.store.workflows.setSkillIds(ctx.other, withSkills.id, [])).toBeNull();
      expect(await ctx.store.workflows.setSkillIds(ctx.tenant, 'missing', [])).toBeNull();
    });

    it('removes a deleted skill from the agents and workflows that name it, only the tenant’s', async () => {
      const kept = await skill({ name: 'kept' });
      const gone = await skill({ name: 'gone' });
      const agent = await make.agent({ skillIds: [gone.id, kept.id] });
      const workflow = await ctx.store.workflows.create({
        tenantId: ctx.tenant,
        agentId: agent.id,
        title: null,
        model: null,
        maxTurns: 2,
        skillIds: [kept.id, gone.id],
      });
      // Another tenant naming the same id (it cannot see the skill) is left alone.
      const foreign = await ctx.store.agents.create({
        tenantId: ctx.other,
        name: 'Other',
        systemPrompt: 'x',
        model: 'demo:echo',
        description: null,
        skillIds: [gone.id],
      });

      expect(await ctx.store.skills.delete(ctx.tenant, gone.id)).toBe(true);

      const [agentAfter] = await ctx.store.agents.getMany(ctx.tenant, [agent.id]);
      const [workflowAfter] = await ctx.store.workflows.getMany(ctx.tenant, [workflow.id]);
      const [foreignAfter] = await ctx.store.agents.getMany(ctx.other, [foreign.id]);
      expect(agentAfter?.skillIds).toEqual([kept.id]);
      expect(workflowAfter?.skillIds).toEqual([kept.id]);
      expect(foreignAfter?.skillIds).toEqual([gone.id]);
    });
  });
}
