import { describe, expect, it } from 'vitest';
import type { StartRunResult } from '../../../ports/store.ts';
import type { ContractContext } from './context.ts';
import { fixtures } from './context.ts';

function reasons(results: readonly StartRunResult[]): string[] {
  return results.map((result) => (result.ok ? 'STARTED' : result.reason)).sort();
}

export function describeRunStart(ctx: ContractContext): void {
  const make = fixtures(ctx);
  const start = (id: string) => ctx.store.runs.start(ctx.tenant, id);

  describe('runs.start', () => {
    it('moves the oldest QUEUED run to RUNNING and stamps startedAt and attempt 1', async () => {
      const workflow = await make.workflow();
      const run = await make.run(workflow.id);
      const before = Date.now();

      const result = await ctx.store.runs.start(ctx.tenant, run.id);

      const startedAt = result.ok ? result.run.startedAt : null;
      expect(startedAt?.getTime()).toBeGreaterThanOrEqual(before);
      expect(startedAt?.getTime()).toBeLessThanOrEqual(Date.now());
      expect(result).toEqual({
        ok: true,
        run: { ...run, status: 'RUNNING', startedAt, attempt: 1, timeoutAt: null },
      });
      expect(await ctx.store.runs.getMany(ctx.tenant, [run.id])).toEqual([
        { ...run, status: 'RUNNING', startedAt, attempt: 1, timeoutAt: null },
      ]);
    });

    it('stamps startedAt no earlier than the finishedAt of the run before it', async () => {
      const workflow = await make.workflow();
      const first = await make.run(workflow.id);
      const second = await make.run(workflow.id);
      await start(first.id);
      const ended = await ctx.store.runs.transition(ctx.tenant, first.id, ['RUNNING'], {
        status: 'SUCCEEDED',
        finishedAt: new Date(),
      });

      const result = await start(second.id);

      expect(result.ok && result.run.startedAt!.getTime()).toBeGreaterThanOrEqual(
        ended!.finishedAt!.getTime(),
      );
    });

    it('answers BUSY while another run of the workflow is RUNNING', async () => {
      const workflow = await make.workflow();
      const first = await make.run(workflow.id);
      const second = await make.run(workflow.id);
      await start(first.id);

      expect(await start(second.id)).toEqual({ ok: false, reason: 'BUSY' });

      await make.setStatus({ ...first, status: 'RUNNING' }, 'SUCCEEDED');
      expect(await start(second.id)).toMatchObject({ ok: true, run: { status: 'RUNNING' } });
    });

    it('answers BUSY while an older run of the workflow is still QUEUED', async () => {
      const workflow = await make.workflow();
      const older = await make.run(workflow.id);
      const newer = await make.run(workflow.id);

      expect(await start(newer.id)).toEqual({ ok: false, reason: 'BUSY' });
      expect((await ctx.store.runs.getMany(ctx.tenant, [newer.id]))[0]?.status).toBe('QUEUED');

      await make.setStatus(older, 'CANCELLED');
      expect(await start(newer.id)).toMatchObject({ ok: true });
    });

    it('answers NOT_QUEUED for a cancelled, already started or missing run', async () => {
      const workflow = await make.workflow();
      const cancelled = await make.setStatus(await make.run(workflow.id), 'CANCELLED');
      const other = await make.workflow();
      const started = await make.run(other.id);
      await start(started.id);

      expect(await start(cancelled.id)).toEqual({ ok: false, reason: 'NOT_QUEUED' });
      expect(await start(started.id)).toEqual({ ok: false, reason: 'NOT_QUEUED' });
      expect(await start('missing')).toEqual({ ok: false, reason: 'NOT_QUEUED' });
    });

    it('does not start a run past its queue deadline when asked to look (overdueAt)', async () => {
      const workflow = await make.workflow();
      const { run } = await ctx.store.runs.create(
        {
          tenantId: ctx.tenant,
          workflowId: workflow.id,
          prompt: 'Hello',
          idempotencyKey: null,
          eventsAfter: null,
          queueTimeoutMs: 60_000,
        },
        { idempotencyWindowMs: 0 },
      );
      const deadline = run.timeoutAt!.getTime();
      const late = { overdueAt: new Date(deadline) };
      expect(await ctx.store.runs.start(ctx.tenant, run.id, late)).toEqual({
        ok: false,
        reason: 'NOT_QUEUED',
      });
      expect((await ctx.store.runs.getMany(ctx.tenant, [run.id]))[0]?.status).toBe('QUEUED');
      const early = { overdueAt: new Date(deadline - 1) };
      const started = await ctx.store.runs.start(ctx.tenant, run.id, early);
      expect(started.ok && started.run.status).toBe('RUNNING');
    });

    it('starts runs of different workflows independently', async () => {
      const one = await make.run((await make.workflow()).id);
      const two = await make.run((await make.workflow()).id);

      expect(await start(one.id)).toMatchObject({ ok: true });
      expect(await start(two.id)).toMatchObject({ ok: true });
    });

    it('starts a run exactly once when ten callers start it at the same time', async () => {
      const workflow = await make.workflow();
      const run = await make.run(workflow.id);

      const results = await Promise.all(Array.from({ length: 10 }, () => start(run.id)));

      expect(reasons(results)).toEqual([...Array(9).fill('NOT_QUEUED'), 'STARTED']);
    });

    it('starts only the oldest of two queued runs when callers race on both', async () => {
      const workflow = await make.workflow();
      const older = await make.run(workflow.id);
      const newer = await make.run(workflow.id);

      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => start(i % 2 === 0 ? newer.id : older.id)),
      );

      const started = results.flatMap((result) => (result.ok ? [result.run.id] : []));
      expect(started).toEqual([older.id]);
      const page = await ctx.store.runs.listByWorkflow(ctx.tenant, workflow.id, { first: 10 });
      expect(page.items.map((r) => r.status)).toEqual(['QUEUED', 'RUNNING']);
    });

    it('never lets a transition make a second run of a workflow RUNNING', async () => {
      const workflow = await make.workflow();
      const first = await make.run(workflow.id);
      const second = await make.run(workflow.id);
      await start(first.id);

      await expect(
        ctx.store.runs.transition(ctx.tenant, second.id, ['QUEUED'], { status: 'RUNNING' }),
      ).rejects.toThrow();

      const page = await ctx.store.runs.listByWorkflow(ctx.tenant, workflow.id, { first: 10 });
      expect(page.items.map((r) => r.status)).toEqual(['QUEUED', 'RUNNING']);
    });
  });
}
