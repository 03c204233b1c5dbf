import type { Run } from '../domain/types.ts';
import { isTerminal } from '../domain/types.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Page, PageArgs } from '../ports/pagination.ts';
import { announceRunStatus, publishRunStatus } from './run-status.ts';
import { effectiveLimitMs } from './run-timeouts.ts';
import type { ServiceDeps, Viewer } from './types.ts';
import { optionalText, requiredText } from './validation.ts';

/** An idempotency key is honoured this long (API.md: 24 h). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
const IDEMPOTENCY_KEY_MAX = 200;

export type IfBusy = 'ENQUEUE' | 'REJECT' | 'INTERRUPT';

export interface SendPromptInput {
  workflowId: string;
  prompt: string;
  idempotencyKey?: string | null;
  ifBusy?: IfBusy | null;
}

export type RunService = ReturnType<typeof createRunService>;

/** Runs: turning prompts into queued jobs, and cancelling them. */
export function createRunService(deps: ServiceDeps) {
  const { store, bus, queue, limits, logger } = deps;

  async function getRun(viewer: Viewer, id: string): Promise<Run> {
    const [run] = await store.runs.getMany(viewer.tenantId, [id]);
    if (!run) throw new NotFoundError('Run', id);
    return run;
  }

  /** Ends a QUEUED run as CANCELLED and takes its job off the queue. Null if it already left QUEUED. */
  async function cancelQueued(run: Run): Promise<Run | null> {
    const cancelled = await store.runs.transition(run.tenantId, run.id, ['QUEUED'], {
      status: 'CANCELLED',
      finishedAt: new Date(),
    });
    if (!cancelled) return null;
    await queue.remove(run.id);
    await announceRunStatus({ store, bus }, cancelled);
    return cancelled;
  }

  /**
   * Asks the worker holding the run to stop and waits for its terminal event. A worker that does
   * not answer within the grace period (gone, or stuck) is overruled: the run is ended here.
   */
  async function cancelRunning(run: Run): Promise<Run> {
    const subscription = await bus.subscribe(run.workflowId, { position: { kind: 'live' } });
    const ended = (async () => {
      for await (const event of subscription) {
        if (event.runId === run.id && event.type === 'RunStatusEvent' && isTerminal(event.status)) {
          return true;
        }
      }
      return false;
    })();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), limits.cancelGraceMs);
    });
    try {
      await queue.requestCancel(run.id);
      await Promise.race([ended, timedOut]);
    } finally {
      clearTimeout(timer);
      await subscription.close();
    }
    const forced = await store.runs.transition(run.tenantId, run.id, ['RUNNING'], {
      status: 'CANCELLED',
      finishedAt: new Date(),
    });
    if (forced) {
      logger.warn({ runId: run.id }, 'worker did not confirm cancel in time; run ended by gateway');
      await announceRunStatus({ store, bus }, forced);
      return forced;
    }
    return getRun({ tenantId: run.tenantId }, run.id);
  }

  async function cancel(run: Run): Promise<Run> {
    if (isTerminal(run.status)) return run;
    if (run.status === 'QUEUED') {
      const cancelled = await cancelQueued(run);
      if (cancelled) return cancelled;
      run = await getRun({ tenantId: run.tenantId }, run.id);
      if (isTerminal(run.status)) return run;
    }
    return cancelRunning(run);
  }

  function jobOf(run: Run, agentId?: string) {
    return { tenantId: run.tenantId, workflowId: run.workflowId, runId: run.id, agentId };
  }

  return {
    get: getRun,

    async send(viewer: Viewer, input: SendPromptInput): Promise<Run> {
      const prompt = requiredText('prompt', input.prompt, limits.maxPromptChars);
      const idempotencyKey = optionalText(
        'idempotencyKey',
        input.idempotencyKey,
        IDEMPOTENCY_KEY_MAX,
      );
      // At once: both are round trips on the way to the answer (the cursor is only used once
      // the workflow is known to be the viewer's).
      const [[workflow], eventsAfter] = await Promise.all([
        store.workflows.getMany(viewer.tenantId, [input.workflowId]),
        bus.lastCursor(input.workflowId),
      ]);
      if (!workflow) throw new NotFoundError('Workflow', input.workflowId);

      // One atomic step in the store, whichever gateway each of several racing prompts reached:
      // the idempotency key first, then the busy check (REJECT) or the cancel of the queued runs
      // (INTERRUPT), then the insert.
      const result = await store.runs.create(
        {
          tenantId: viewer.tenantId,
          workflowId: workflow.id,
          prompt,
          idempotencyKey,
          eventsAfter,
          queueTimeoutMs: effectiveLimitMs(limits.queueTimeoutMs, workflow.queueTimeoutMs),
          runTimeoutMs: effectiveLimitMs(limits.runTimeoutMs, workflow.runTimeoutMs),
        },
        { idempotencyWindowMs: IDEMPOTENCY_WINDOW_MS, ifBusy: input.ifBusy ?? 'ENQUEUE' },
      );
      if (!result.created) {
        const { run } = result;
        if (result.reason === 'BUSY') {
          throw new ConflictError(
            `Workflow ${JSON.stringify(workflow.id)} is busy with run ${run.id}.`,
            { runId: run.id },
          );
        }
        if (run.workflowId !== workflow.id || run.prompt !== prompt) {
          throw new ConflictError(
            'This idempotencyKey was already used with a different input within 24 hours.',
            { runId: run.id },
          );
        }
        // The first request may have died between storing the run and announcing or queueing
        // it: do both again (each a no-op when it was done).
        if (run.status === 'QUEUED') {
          await publishRunStatus(bus, run);
          await queue.enqueue(jobOf(run, workflow.agentId));
        }
        return run;
      }
      const { run } = result;
      for (const cancelled of result.cancelled) {
        // Persisted as CANCELLED by create(), announced here.
        await announceRunStatus({ store, bus }, cancelled);
        await queue.remove(cancelled.id);
      }
      await publishRunStatus(bus, run);
      try {
        await queue.enqueue(jobOf(run, workflow.agentId));
      } catch (error) {
        // Never leave a run QUEUED with no job behind it.
        const failed = await store.runs.transition(run.tenantId, run.id, ['QUEUED'], {
          status: 'FAILED',
          error: { code: 'ENQUEUE_FAILED', message: 'The run could not be queued; send it again.' },
          finishedAt: new Date(),
        });
        if (failed) await announceRunStatus({ store, bus }, failed);
        throw error;
      }
      // INTERRUPT: the new run starts once the running one has ended.
      if (result.running) await cancel(result.running);
      return run;
    },

    /** Cancelling twice is harmless; a finished run is returned unchanged. */
    async cancel(viewer: Viewer, id: string): Promise<Run> {
      return cancel(await getRun(viewer, id));
    },

    listByWorkflow(viewer: Viewer, workflowId: string, page: PageArgs): Promise<Page<Run>> {
      return store.runs.listByWorkflow(viewer.tenantId, workflowId, page);
    },
  };
}
