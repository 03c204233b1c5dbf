import { describe, expect, it } from 'vitest';
import type { ContractContext } from './context.ts';
import { fixtures, LONG_WINDOW } from './context.ts';

export function describeTenantIsolation(ctx: ContractContext): void {
  const make = fixtures(ctx);

  describe('tenant isolation', () => {
    it("hides a tenant's agents from another tenant on every method", async () => {
      const agent = await make.agent();

      expect(await ctx.store.agents.getMany(ctx.other, [agent.id])).toEqual([null]);
      expect(await ctx.store.agents.list(ctx.other, { first: 10 })).toEqual({
        items: [],
        hasNextPage: false,
      });
      expect(await ctx.store.agents.update(ctx.other, agent.id, { name: 'Stolen' })).toBeNull();
      expect(await ctx.store.agents.delete(ctx.other, agent.id)).toBe(false);
      expect(await ctx.store.agents.getMany(ctx.tenant, [agent.id])).toEqual([agent]);
    });

    it("hides a tenant's workflows from another tenant on every method", async () => {
      const workflow = await make.workflow();

      expect(await ctx.store.workflows.getMany(ctx.other, [workflow.id])).toEqual([null]);
      expect((await ctx.store.workflows.list(ctx.other, { first: 10 })).items).toEqual([]);
      expect(await ctx.store.workflows.countByAgent(ctx.other, workflow.agentId)).toBe(0);
      expect(await ctx.store.workflows.delete(ctx.other, workflow.id)).toBe(false);
      expect(await ctx.store.workflows.getMany(ctx.tenant, [workflow.id])).toEqual([workflow]);
    });

    it("hides a tenant's runs from another tenant on every method", async () => {
      const workflow = await make.workflow();
      const run = await make.run(workflow.id, 'shared-key');
      await ctx.store.runs.transition(ctx.tenant, run.id, ['QUEUED'], {
        status: 'QUEUED',
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
      });
      const others = ctx.store.runs;

      expect(await others.getMany(ctx.other, [run.id])).toEqual([null]);
      expect((await others.listByWorkflow(ctx.other, workflow.id, { first: 10 })).items).toEqual(
        [],
      );
      expect(await others.activeByWorkflow(ctx.other, [workflow.id])).toEqual([null]);
      expect(await others.usageByWorkflow(ctx.other, [workflow.id])).toEqual([
        { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
      ]);
      expect(await others.start(ctx.other, run.id)).toEqual({
        ok: false,
        reason: 'NOT_QUEUED',
      });
      expect(
        await others.transition(ctx.other, run.id, ['QUEUED'], { status: 'CANCELLED' }),
      ).toBeNull();
      const theirs = await others.create(
        {
          tenantId: ctx.other,
          workflowId: workflow.id,
          prompt: 'Mine',
          idempotencyKey: 'shared-key',
          eventsAfter: null,
        },
        LONG_WINDOW,
      );
      expect(theirs.created).toBe(true);
      expect(theirs.run.id).not.toBe(run.id);
      const [mine] = await ctx.store.runs.getMany(ctx.tenant, [run.id]);
      expect(mine).toMatchObject({ status: 'QUEUED', idempotencyKey: 'shared-key' });
    });

    it("hides a tenant's messages from another tenant and refuses appends into them", async () => {
      const workflow = await make.workflow();
      await ctx.store.messages.append([make.message(workflow.id, 'secret')]);

      expect((await ctx.store.messages.list(ctx.other, workflow.id, { first: 10 })).items).toEqual(
        [],
      );
      expect(await ctx.store.messages.history(ctx.other, workflow.id)).toEqual([]);
      await expect(
        ctx.store.messages.append([
          { ...make.message(workflow.id, 'intrusion'), tenantId: ctx.other },
        ]),
      ).rejects.toThrow();
      const history = await ctx.store.messages.history(ctx.tenant, workflow.id);
      expect(history.map((m) => m.content)).toEqual(['secret']);
    });
  });
}
