import { describe, expect, it } from 'vitest';
import type { ContractContext } from './context.ts';
import { fixtures } from './context.ts';

export function describeWorkflows(ctx: ContractContext): void {
  const make = fixtures(ctx);

  describe('workflows', () => {
    it('creates a workflow and reads back every field', async () => {
      const agent = await make.agent();
      const workflow = await ctx.store.workflows.create({
        tenantId: ctx.tenant,
        agentId: agent.id,
        title: null,
        model: 'openai:gpt-4.1',
        maxTurns: 3,
      });

      expect(workflow).toMatchObject({
        tenantId: ctx.tenant,
        agentId: agent.id,
        title: null,
        model: 'openai:gpt-4.1',
        maxTurns: 3,
      });
      expect(workflow.createdAt).toBeInstanceOf(Date);
      const [other] = await ctx.store.workflows.getMany(ctx.tenant, [workflow.id]);
      expect(other).toEqual(workflow);
    });

    it('returns workflows in the order asked, with null for missing ids', async () => {
      const first = await make.workflow();
      const second = await make.workflow();

      const found = await ctx.store.workflows.getMany(ctx.tenant, [second.id, first.id, 'nope']);

      expect(found.map((w) => w?.id ?? null)).toEqual([second.id, first.id, null]);
    });

    it('lists workflows newest first, page by page', async () => {
      const agent = await make.agent();
      const created = [];
      for (let i = 0; i < 5; i++) created.push(await make.workflow(agent.id));
      const newestFirst = created.map((w) => w.id).reverse();

      const seen: string[] = [];
      const more: boolean[] = [];
      let after: string | null = null;
      for (let i = 0; i < 3; i++) {
        const page = await ctx.store.workflows.list(ctx.tenant, { first: 2, after });
        seen.push(...page.items.map((w) => w.id));
        more.push(page.hasNextPage);
        after = page.items.at(-1)?.id ?? null;
      }

      expect(seen).toEqual(newestFirst);
      expect(more).toEqual([true, true, false]);
    });

    it('counts the workflows that use an agent', async () => {
      const busy = await make.agent();
      const idle = await make.agent();
      await make.workflow(busy.id);
      await make.workflow(busy.id);

      expect(await ctx.store.workflows.countByAgent(ctx.tenant, busy.id)).toBe(2);
      expect(await ctx.store.workflows.countByAgent(ctx.tenant, idle.id)).toBe(0);
    });

    it('deletes a workflow together with its runs and messages', async () => {
      const workflow = await make.workflow();
      const kept = await make.workflow();
      const run = await make.run(workflow.id);
      const keptRun = await make.run(kept.id);
      await ctx.store.messages.append([make.message(workflow.id, 'bye')]);
      await ctx.store.messages.append([make.message(kept.id, 'stay')]);

      expect(await ctx.store.workflows.delete(ctx.tenant, workflow.id)).toBe(true);

      expect(await ctx.store.workflows.getMany(ctx.tenant, [workflow.id])).toEqual([null]);
      expect(await ctx.store.runs.getMany(ctx.tenant, [run.id, keptRun.id])).toEqual([
        null,
        keptRun,
      ]);
      expect(await ctx.store.messages.history(ctx.tenant, workflow.id)).toEqual([]);
      expect((await ctx.store.messages.history(ctx.tenant, kept.id)).map((m) => m.content)).toEqual(
        ['stay'],
      );
      expect(await ctx.store.workflows.delete(ctx.tenant, workflow.id)).toBe(false);
    });
  });
}
