import { describe, expect, it } from 'vitest';
import type { Run } from '../../../domain/types.ts';
import type { CreateRunOptions, CreateRunResult, NewRun } from '../../../ports/store.ts';
import type { ContractContext } from './context.ts';
import { fixtures, LONG_WINDOW } from './context.ts';

/**
 * What keeps runs reliable across processes: atomic creation under `ifBusy`, the idempotency key
 * looked up before the busy check, attempts that fence stale workers, and the deadlines the run
 * sweeper reads.
 */
export function describeRunReliability(ctx: ContractContext): void {
  const make = fixtures(ctx);

  function create(
    workflowId: string,
    options: Partial<CreateRunOptions> = {},
    input: Partial<NewRun> = {},
  ): Promise<CreateRunResult> {
    return ctx.store.runs.create(
      {
        tenantId: ctx.tenant,
        workflowId,
        prompt: 'Hello',
        idempotencyKey: null,
        eventsAfter: null,
        ...input,
      },
      { ...LONG_WINDOW, ...options },
    );
  }

  async function statuses(workflowId: string): Promise<string[]> {
    const page = await ctx.store.runs.listByWorkflow(ctx.tenant, workflowId, { first: 100 });
    return page.items.map((run) => run.status).reverse();
  }

  describe('runs.create with ifBusy', () => {
    it('creates behind an active run with ENQUEUE, in creation order', async () => {
      const workflow = await make.workflow();
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await create(workflow.id));

      const ids = results.map((result) => result.run.id);
      expect(results.every((result) => result.created)).toBe(true);
      expect([...ids].sort()).toEqual(ids);
    });

    it('answers BUSY with the active run for REJECT and creates nothing', async () => {
      const workflow = await make.workflow();
      const active = await make.setStatus(await make.run(workflow.id), 'RUNNING');

      const result = await create(workflow.id, { ifBusy: 'REJECT' });

      expect(result).toEqual({ run: active, created: false, reason: 'BUSY' });
      expect(await statuses(workflow.id)).toEqual(['RUNNING']);
    });

    it('creates with REJECT when the workflow is idle', async () => {
      const workflow = await make.workflow();
      await make.setStatus(await make.run(workflow.id), 'SUCCEEDED');

      const result = await create(workflow.id, { ifBusy: 'REJECT' });

      expect(result).toMatchObject({ created: true, cancelled: [], running: null });
    });

    it('creates exactly one run when ten REJECT creates race on an idle workflow', async () => {
      const workflow = await make.workflow();

      const results = await Promise.all(
        Array.from({ length: 10 }, () => create(workflow.id, { ifBusy: 'REJECT' })),
      );

      const created = results.filter((result) => result.created);
      expect(created).toHaveLength(1);
      for (const result of results.filter((r) => !r.created)) {
        expect(result).toMatchObject({ reason: 'BUSY', run: { id: created[0]!.run.id } });
      }
      expect(await statuses(workflow.id)).toEqual(['QUEUED']);
    });

    it('cancels the QUEUED runs and reports the RUNNING one for INTERRUPT, in one step', async () => {
      const workflow = await make.workflow();
      const running = await make.setStatus(await make.run(workflow.id), 'RUNNING');
      const queued = [await make.run(workflow.id), await make.run(workflow.id)];

      const result = await create(workflow.id, { ifBusy: 'INTERRUPT' });

      if (!result.created) throw new Error('INTERRUPT did not create a run');
      expect(result.running).toEqual(running);
      expect(result.cancelled.map((run) => [run.id, run.status])).toEqual(
        queued.map((run) => [run.id, 'CANCELLED']),
      );
      expect(result.cancelled.every((run) => run.finishedAt instanceof Date)).toBe(true);
      expect(await statuses(workflow.id)).toEqual(['RUNNING', 'CANCELLED', 'CANCELLED', 'QUEUED']);
    });

    it('leaves exactly one QUEUED run when INTERRUPT creates race, each cancelled run reported once', async () => {
      const workflow = await make.workflow();

      const results = await Promise.all(
        Array.from({ length: 6 }, () => create(workflow.id, { ifBusy: 'INTERRUPT' })),
      );

      const created: Run[] = [];
      const cancelled: string[] = [];
      for (const result of results) {
        if (!result.created) throw new Error('INTERRUPT did not create a run');
        created.push(result.run);
        cancelled.push(...result.cancelled.map((run) => run.id));
      }
      const survivors = created.filter((run) => !cancelled.includes(run.id));
      expect(survivors).toHaveLength(1);
      expect(new Set(cancelled).size).toBe(cancelled.length);
      expect(cancelled).toHaveLength(5);
      expect((await statuses(workflow.id)).filter((s) => s === 'QUEUED')).toHaveLength(1);
    });

    it('looks the idempotency key up before the busy check: a retried REJECT gets its own run', async () => {
      const workflow = await make.workflow();
      const first = await create(workflow.id, { ifBusy: 'REJECT' }, { idempotencyKey: 'k' });
      await make.setStatus(first.run, 'RUNNING');

      const again = await create(workflow.id, { ifBusy: 'REJECT' }, { idempotencyKey: 'k' });

      expect(again).toMatchObject({ created: false, reason: 'IDEMPOTENT' });
      expect(again.run.id).toBe(first.run.id);
    });

    it('a retried INTERRUPT returns its own run and cancels nothing', async () => {
      const workflow = await make.workflow();
      const first = await create(workflow.id, { ifBusy: 'INTERRUPT' }, { idempotencyKey: 'i' });

      const again = await create(workflow.id, { ifBusy: 'INTERRUPT' }, { idempotencyKey: 'i' });

      expect(again).toMatchObject({ created: false, reason: 'IDEMPOTENT' });
      expect(again.run).toEqual(first.run);
      expect(await statuses(workflow.id)).toEqual(['QUEUED']);
    });
  });

  describe('run attempts and deadlines', () => {
    it('sets the queue-wait deadline at creation and the execution deadline at start', async () => {
      const workflow = await make.workflow();
      const { run } = await create(workflow.id, {}, { queueTimeoutMs: 5_000, runTimeoutMs: 7_000 });

      expect(run.attempt).toBe(0);
      expect(run.runTimeoutMs).toBe(7_000);
      expect(run.timeoutAt?.getTime()).toBe(run.createdAt.getTime() + 5_000);
      const started = await ctx.store.runs.start(ctx.tenant, run.id);
      if (!started.ok) throw new Error('not started');
      expect(started.run.timeoutAt?.getTime()).toBe(started.run.startedAt!.getTime() + 7_000);
    });

    it('has no deadlines without limits', async () => {
      const workflow = await make.workflow();
      const run = await make.run(workflow.id);

      expect(run).toMatchObject({ timeoutAt: null, runTimeoutMs: null, attempt: 0 });
    });

    it('counts takeovers with resume, only for RUNNING runs', async () => {
      const workflow = await make.workflow();
      const run = await make.run(workflow.id);

      expect(await ctx.store.runs.resume(ctx.tenant, run.id)).toBeNull();
      await ctx.store.runs.start(ctx.tenant, run.id);
      const [second, third] = await Promise.all([
        ctx.store.runs.resume(ctx.tenant, run.id),
        ctx.store.runs.resume(ctx.tenant, run.id),
      ]);

      expect([second?.attempt, third?.attempt].sort()).toEqual([2, 3]);
      expect(await ctx.store.runs.resume(ctx.tenant, 'missing')).toBeNull();
      expect(await ctx.store.runs.resume(ctx.other, run.id)).toBeNull();
    });

    it('refuses a transition guarded by a superseded attempt', async () => {
      const workflow = await make.workflow();
      const run = await make.run(workflow.id);
      await ctx.store.runs.start(ctx.tenant, run.id);
      await ctx.store.runs.resume(ctx.tenant, run.id);

      const stale = await ctx.store.runs.transition(
        ctx.tenant,
        run.id,
        ['RUNNING'],
        { status: 'SUCCEEDED' },
        { attempt: 1 },
      );
      const current = await ctx.store.runs.transition(
        ctx.tenant,
        run.id,
        ['RUNNING'],
        { status: 'SUCCEEDED' },
        { attempt: 2 },
      );

      expect(stale).toBeNull();
      expect(current).toMatchObject({ status: 'SUCCEEDED', attempt: 2 });
    });

    it('lists overdue active runs of every tenant, earliest deadline first', async () => {
      const workflow = await make.workflow();
      const now = Date.now();
      const soon = await create(workflow.id, {}, { queueTimeoutMs: 0 });
      const sooner = await create(workflow.id, {}, { queueTimeoutMs: -1_000 });
      const later = await create(workflow.id, {}, { queueTimeoutMs: 60_000 });
      const ended = await create(workflow.id, {}, { queueTimeoutMs: -2_000 });
      await make.setStatus(ended.run, 'CANCELLED');

      const overdue = await ctx.store.runs.listOverdue(new Date(now + 1_000), 10_000);
      const mine = overdue.filter((run) => run.workflowId === workflow.id).map((run) => run.id);

      expect(mine).toEqual([sooner.run.id, soon.run.id]);
      expect(mine).not.toContain(later.run.id);
      expect(await ctx.store.runs.listOverdue(new Date(now + 1_000), 1)).toHaveLength(1);
    });

    it('keeps a run that ended unannounced until markAnnounced, for the sweeper to find', async () => {
      const workflow = await make.workflow();
      const ended = await make.run(workflow.id);
      const active = await make.run(workflow.id);
      await ctx.store.runs.start(ctx.tenant, ended.id);
      await ctx.store.runs.transition(ctx.tenant, ended.id, ['RUNNING'], {
        status: 'SUCCEEDED',
        finishedAt: new Date(),
      });
      const later = new Date(Date.now() + 1_000);
      const mine = async (before: Date) =>
        (await ctx.store.runs.listUnannounced(before, 10_000))
          .filter((run) => run.workflowId === workflow.id)
          .map((run) => run.id);

      expect(await mine(later)).toEqual([ended.id]);
      expect(await mine(new Date(0))).toEqual([]);
      await ctx.store.runs.markAnnounced(ctx.tenant, ended.id);
      expect(await mine(later)).toEqual([]);
      expect((await ctx.store.runs.getMany(ctx.tenant, [active.id]))[0]?.status).toBe('QUEUED');
    });

    it('lists active runs created before a moment, oldest first, by status', async () => {
      const workflow = await make.workflow();
      const queued = await make.run(workflow.id);
      const running = await make.setStatus(await make.run(workflow.id), 'RUNNING');
      await make.setStatus(await make.run(workflow.id), 'SUCCEEDED');
      const cutoff = new Date(Date.now() + 1_000);

      const onlyQueued = await ctx.store.runs.listActive(['QUEUED'], cutoff, 10_000);
      const both = await ctx.store.runs.listActive(['QUEUED', 'RUNNING'], cutoff, 10_000);
      const none = await ctx.store.runs.listActive(['QUEUED'], new Date(0), 10_000);

      const ids = (runs: Run[]) =>
        runs.filter((run) => run.workflowId === workflow.id).map((r) => r.id);
      expect(ids(onlyQueued)).toEqual([queued.id]);
      expect(ids(both)).toEqual([queued.id, running.id]);
      expect(ids(none)).toEqual([]);
    });
  });

  describe('workflow limits', () => {
    it('keeps a workflow’s own timeouts, null when not given', async () => {
      const agent = await make.agent();
      const limited = await ctx.store.workflows.create({
        tenantId: ctx.tenant,
        agentId: agent.id,
        title: null,
        model: null,
        maxTurns: 2,
        queueTimeoutMs: 1_500,
        runTimeoutMs: 2_500,
      });
      const plain = await make.workflow(agent.id);

      expect(limited).toMatchObject({ queueTimeoutMs: 1_500, runTimeoutMs: 2_500 });
      expect(plain).toMatchObject({ queueTimeoutMs: null, runTimeoutMs: null });
      expect(await ctx.store.workflows.getMany(ctx.tenant, [limited.id])).toEqual([limited]);
    });
  });
}
