import { describe, expect, it } from 'vitest';
import type { ContractContext } from './context.ts';
import { fixtures, LONG_WINDOW } from './context.ts';

export function describeRuns(ctx: ContractContext): void {
  const make = fixtures(ctx);

  describe('runs', () => {
    it('creates a QUEUED run with empty output, error and usage', async () => {
      const workflow = await make.workflow();
      const { run, created } = await ctx.store.runs.create(
        {
          tenantId: ctx.tenant,
          workflowId: workflow.id,
          prompt: 'Plan my day',
          idempotencyKey: 'key-1',
          eventsAfter: '1700000000000-0',
        },
        LONG_WINDOW,
      );

      expect(created).toBe(true);
      expect(run).toMatchObject({
        tenantId: ctx.tenant,
        workflowId: workflow.id,
        status: 'QUEUED',
        prompt: 'Plan my day',
        output: null,
        error: null,
        usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
        idempotencyKey: 'key-1',
        eventsAfter: '1700000000000-0',
        startedAt: null,
        finishedAt: null,
      });
      expect(run.createdAt).toBeInstanceOf(Date);
      expect(await ctx.store.runs.getMany(ctx.tenant, ['missing', run.id])).toEqual([null, run]);
    });

    it('returns the same run for the same idempotency key within the window', async () => {
      const workflow = await make.workflow();
      const first = await make.run(workflow.id, 'same');

      const again = await ctx.store.runs.create(
        {
          tenantId: ctx.tenant,
          workflowId: workflow.id,
          prompt: 'Different prompt',
          idempotencyKey: 'same',
          eventsAfter: null,
        },
        LONG_WINDOW,
      );

      expect(again).toEqual({ run: first, created: false, reason: 'IDEMPOTENT' });
      const page = await ctx.store.runs.listByWorkflow(ctx.tenant, workflow.id, { first: 10 });
      expect(page.items.map((r) => r.id)).toEqual([first.id]);
    });

    it('creates a new run when the key is older than the window, and the old run loses it', async () => {
      const workflow = await make.workflow();
      const old = await make.run(workflow.id, 'retry');
      const input = {
        tenantId: ctx.tenant,
        workflowId: workflow.id,
        prompt: 'Hello',
        idempotencyKey: 'retry',
        eventsAfter: null,
      };

      const fresh = await ctx.store.runs.create(input, { idempotencyWindowMs: 0 });
      const repeated = await ctx.store.runs.create(input, LONG_WINDOW);

      expect(fresh.created).toBe(true);
      expect(fresh.run.id).not.toBe(old.id);
      expect(fresh.run.idempotencyKey).toBe('retry');
      expect(repeated).toEqual({ run: fresh.run, created: false, reason: 'IDEMPOTENT' });
      const [oldNow] = await ctx.store.runs.getMany(ctx.tenant, [old.id]);
      expect(oldNow?.idempotencyKey).toBeNull();
    });

    it('creates exactly one run when the same key is sent concurrently', async () => {
      const workflow = await make.workflow();

      const results = await Promise.all(
        Array.from({ length: 8 }, () => make.run(workflow.id, 'burst').then((run) => run.id)),
      );

      expect(new Set(results).size).toBe(1);
      const page = await ctx.store.runs.listByWorkflow(ctx.tenant, workflow.id, { first: 10 });
      expect(page.items.map((r) => r.id)).toEqual([results[0]]);
    });

    it('gives concurrently created runs of a workflow increasing ids, in the order they were stored', async () => {
      const workflow = await make.workflow();
      // The first create numbers the workflow's runs; the racing ones then queue up behind it.
      await make.run(workflow.id);
      const created = await Promise.all(
        Array.from({ length: 12 }, (_, n) =>
          ctx.store.runs.create(
            {
              tenantId: ctx.tenant,
              workflowId: workflow.id,
              prompt: `p${n}`,
              idempotencyKey: null,
              eventsAfter: null,
            },
            { idempotencyWindowMs: 0 },
          ),
        ),
      );
      const ids = created.map((result) => result.run.id);
      expect(new Set(ids).size).toBe(12);
      // Listed newest first by id: the order of ids is the order of creation timestamps too.
      const page = await ctx.store.runs.listByWorkflow(ctx.tenant, workflow.id, { first: 20 });
      const listed = page.items.map((run) => run.id);
      expect([...listed].sort().reverse()).toEqual(listed);
      const times = [...page.items].reverse().map((run) => run.createdAt.getTime());
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    });

    it('lists the runs of a workflow newest first, page by page', async () => {
      const workflow = await make.workflow();
      const elsewhere = await make.workflow();
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await make.run(workflow.id));
      await make.run(elsewhere.id);

      const page1 = await ctx.store.runs.listByWorkflow(ctx.tenant, workflow.id, { first: 2 });
      const page2 = await ctx.store.runs.listByWorkflow(ctx.tenant, workflow.id, {
        first: 2,
        after: page1.items.at(-1)?.id,
      });

      expect(page1.items.map((r) => r.id)).toEqual([runs[2]?.id, runs[1]?.id]);
      expect(page1.hasNextPage).toBe(true);
      expect(page2.items.map((r) => r.id)).toEqual([runs[0]?.id]);
      expect(page2.hasNextPage).toBe(false);
    });

    it('reports per workflow its RUNNING run, else its oldest QUEUED run, else null', async () => {
      const running = await make.workflow();
      const queued = await make.workflow();
      const idle = await make.workflow();
      const olderQueued = await make.run(running.id);
      const started = await make.setStatus(await make.run(running.id), 'RUNNING');
      const cancelled = await make.setStatus(await make.run(queued.id), 'CANCELLED');
      const oldest = await make.run(queued.id);
      await make.run(queued.id);
      await make.setStatus(await make.run(idle.id), 'SUCCEEDED');

      const active = await ctx.store.runs.activeByWorkflow(ctx.tenant, [
        idle.id,
        queued.id,
        'missing',
        running.id,
      ]);

      expect(olderQueued.id < started.id).toBe(true);
      expect(cancelled.id < oldest.id).toBe(true);
      expect(active.map((run) => run?.id ?? null)).toEqual([null, oldest.id, null, started.id]);
      expect(active[3]?.status).toBe('RUNNING');
    });

    it('sums the usage of every run per workflow', async () => {
      const busy = await make.workflow();
      const idle = await make.workflow();
      const one = await make.run(busy.id);
      const two = await make.run(busy.id);
      await make.run(busy.id);
      await ctx.store.runs.transition(ctx.tenant, one.id, ['QUEUED'], {
        status: 'SUCCEEDED',
        usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
      });
      await ctx.store.runs.transition(ctx.tenant, two.id, ['QUEUED'], {
        status: 'FAILED',
        usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
      });

      const usage = await ctx.store.runs.usageByWorkflow(ctx.tenant, [idle.id, busy.id]);

      expect(usage).toEqual([
        { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
        { inputTokens: 11, outputTokens: 7, totalTokens: 18 },
      ]);
    });

    it('applies a transition only from the expected statuses', async () => {
      const workflow = await make.workflow();
      const run = await make.run(workflow.id);

      const refused = await ctx.store.runs.transition(ctx.tenant, run.id, ['RUNNING'], {
        status: 'SUCCEEDED',
      });
      const missing = await ctx.store.runs.transition(ctx.tenant, 'missing', ['QUEUED'], {
        status: 'CANCELLED',
      });

      expect(refused).toBeNull();
      expect(missing).toBeNull();
      expect((await ctx.store.runs.getMany(ctx.tenant, [run.id]))[0]?.status).toBe('QUEUED');
    });

    it('sets the patched fields with the status and leaves absent ones as they are', async () => {
      const workflow = await make.workflow();
      const run = await make.run(workflow.id);
      const finishedAt = new Date('2030-01-01T00:00:05.250Z');
      const started = await ctx.store.runs.start(ctx.tenant, run.id);
      const startedAt = started.ok ? started.run.startedAt : null;

      const failed = await ctx.store.runs.transition(ctx.tenant, run.id, ['RUNNING'], {
        status: 'FAILED',
        output: 'partial',
        error: { code: 'PROVIDER_RATE_LIMITED', message: 'Slow down' },
        usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
        finishedAt,
      });
      const cleared = await ctx.store.runs.transition(ctx.tenant, run.id, ['FAILED'], {
        status: 'FAILED',
        error: null,
        output: null,
      });

      expect(started.ok).toBe(true);
      expect(failed).toMatchObject({
        status: 'FAILED',
        output: 'partial',
        error: { code: 'PROVIDER_RATE_LIMITED', message: 'Slow down' },
        usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
        startedAt,
        finishedAt,
        prompt: 'Hello',
      });
      expect(cleared).toMatchObject({ error: null, output: null, startedAt, finishedAt });
      expect(cleared?.usage).toEqual({ inputTokens: 3, outputTokens: 4, totalTokens: 7 });
      expect(await ctx.store.runs.getMany(ctx.tenant, [run.id])).toEqual([cleared]);
    });

    it('lets exactly one of concurrent transitions to different terminal statuses win', async () => {
      const workflow = await make.workflow();
      const run = await make.setStatus(await make.run(workflow.id), 'RUNNING');
      const targets = [
        'SUCCEEDED',
        'FAILED',
        'CANCELLED',
        'TIMED_OUT',
        'MAX_TURNS_REACHED',
      ] as const;

      const results = await Promise.all(
        targets.flatMap((status) =>
          [1, 2].map(() => ctx.store.runs.transition(ctx.tenant, run.id, ['RUNNING'], { status })),
        ),
      );

      const winners = results.filter((result) => result !== null);
      expect(winners).toHaveLength(1);
      const [stored] = await ctx.store.runs.getMany(ctx.tenant, [run.id]);
      expect(stored?.status).toBe(winners[0]?.status);
    });
  });
}
