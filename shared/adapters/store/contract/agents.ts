import { describe, expect, it } from 'vitest';
import type { ContractContext } from './context.ts';
import { fixtures } from './context.ts';

export function describeAgents(ctx: ContractContext): void {
  const make = fixtures(ctx);

  describe('agents', () => {
    it('creates an agent and reads back every field', async () => {
      const before = Date.now();
      const agent = await make.agent({ name: 'Writer', description: 'Writes things' });

      expect(agent).toMatchObject({
        tenantId: ctx.tenant,
        name: 'Writer',
        systemPrompt: 'You help.',
        model: 'demo:echo',
        description: 'Writes things',
      });
      expect(agent.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(agent.createdAt).toBeInstanceOf(Date);
      expect(agent.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(agent.updatedAt.getTime()).toBe(agent.createdAt.getTime());
      expect(await ctx.store.agents.getMany(ctx.tenant, [agent.id])).toEqual([agent]);
    });

    it('returns agents in the order asked, with null for missing ids', async () => {
      const first = await make.agent({ name: 'First' });
      const second = await make.agent({ name: 'Second' });

      const found = await ctx.store.agents.getMany(ctx.tenant, [second.id, 'missing', first.id]);

      expect(found.map((agent) => agent?.name ?? null)).toEqual(['Second', null, 'First']);
      expect(await ctx.store.agents.getMany(ctx.tenant, [])).toEqual([]);
    });

    it('lists agents newest first, page by page', async () => {
      const names = ['a1', 'a2', 'a3', 'a4', 'a5'];
      for (const name of names) await make.agent({ name });

      const page1 = await ctx.store.agents.list(ctx.tenant, { first: 2 });
      const page2 = await ctx.store.agents.list(ctx.tenant, {
        first: 2,
        after: page1.items.at(-1)?.id,
      });
      const page3 = await ctx.store.agents.list(ctx.tenant, {
        first: 2,
        after: page2.items.at(-1)?.id,
      });

      expect(page1.items.map((a) => a.name)).toEqual(['a5', 'a4']);
      expect(page1.hasNextPage).toBe(true);
      expect(page2.items.map((a) => a.name)).toEqual(['a3', 'a2']);
      expect(page2.hasNextPage).toBe(true);
      expect(page3.items.map((a) => a.name)).toEqual(['a1']);
      expect(page3.hasNextPage).toBe(false);
    });

    it('reports no next page when the last page is exactly full', async () => {
      await make.agent({ name: 'a1' });
      await make.agent({ name: 'a2' });

      const page = await ctx.store.agents.list(ctx.tenant, { first: 2, after: null });

      expect(page.items.map((a) => a.name)).toEqual(['a2', 'a1']);
      expect(page.hasNextPage).toBe(false);
    });

    it('applies only the fields present in a patch', async () => {
      const agent = await make.agent({ name: 'Old', description: 'Keeps me' });

      const renamed = await ctx.store.agents.update(ctx.tenant, agent.id, { name: 'New' });
      const cleared = await ctx.store.agents.update(ctx.tenant, agent.id, {
        description: null,
        model: 'openai:gpt-4.1',
      });

      expect(renamed).toMatchObject({ name: 'New', description: 'Keeps me', model: 'demo:echo' });
      expect(cleared).toMatchObject({
        name: 'New',
        description: null,
        model: 'openai:gpt-4.1',
        systemPrompt: 'You help.',
      });
      expect(cleared?.createdAt.getTime()).toBe(agent.createdAt.getTime());
      expect(cleared?.updatedAt.getTime()).toBeGreaterThanOrEqual(agent.updatedAt.getTime());
      expect(await ctx.store.agents.getMany(ctx.tenant, [agent.id])).toEqual([cleared]);
    });

    it('returns null when updating an agent that does not exist', async () => {
      expect(await ctx.store.agents.update(ctx.tenant, 'missing', { name: 'X' })).toBeNull();
    });

    it('deletes an agent once', async () => {
      const agent = await make.agent();

      expect(await ctx.store.agents.delete(ctx.tenant, agent.id)).toBe(true);
      expect(await ctx.store.agents.delete(ctx.tenant, agent.id)).toBe(false);
      expect(await ctx.store.agents.getMany(ctx.tenant, [agent.id])).toEqual([null]);
    });
  });
}
