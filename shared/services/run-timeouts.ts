import type { Run, RunError } from '../domain/types.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { JobQueue } from '../ports/job-queue.ts';
import type { Store } from '../ports/store.ts';
import { announceRunStatus } from './run-status.ts';

/**
 * Run timeouts. Two limits, each set per deployment and lowered per workflow:
 * - queue wait (`RUN_QUEUE_TIMEOUT_MS`, `Workflow.queueTimeoutMs`): from `sendPrompt` to the start;
 * - execution (`RUN_TIMEOUT_MS`, `Workflow.runTimeoutMs`): from the start to the end.
 * The gateway fixes both on the run when it is created (`NewRun`), and the store turns them into
 * `Run.timeoutAt`. The worker holding a run aborts it at its deadline; every gateway and worker
 * also sweeps for overdue runs, so a run times out even when no worker is up or its worker died.
 */

/**
 * The limit in force: the workflow's own when it is lower than the deployment's (a higher one has
 * no effect). Null: no limit at all.
 */
export function effectiveLimitMs(
  deploymentMs: number | null | undefined,
  workflowMs: number | null,
): number | null {
  if (deploymentMs === null || deploymentMs === undefined) return workflowMs;
  return workflowMs === null ? deploymentMs : Math.min(deploymentMs, workflowMs);
}

/** True once the run's current deadline has passed. */
export function isOverdue(run: Run, now = new Date()): boolean {
  return run.timeoutAt !== null && run.timeoutAt.getTime() <= now.getTime();
}

/** The `RunError` of a run that timed out in `phase`. */
export function timeoutError(run: Run, phase: 'QUEUED' | 'RUNNING'): RunError {
  if (phase === 'QUEUED') {
    const limitMs = run.timeoutAt ? run.timeoutAt.getTime() - run.createdAt.getTime() : null;
    return {
      code: 'QUEUE_TIMEOUT',
      message: `The run did not start within its queue-wait limit${limitMs === null ? '' : ` of ${limitMs} ms`}: no worker was free for it, or its workflow was busy. Send it again later, or raise the workflow's queueTimeoutMs.`,
    };
  }
  return {
    code: 'RUN_TIMEOUT',
    message: `The run did not finish within its execution limit${run.runTimeoutMs === null ? '' : ` of ${run.runTimeoutMs} ms`}.`,
  };
}

export interface TimeOutDeps {
  store: Store;
  bus: EventBus;
  /** When given, a QUEUED run's job is removed and a RUNNING run's worker is told to stop. */
  queue?: JobQueue;
}

/**
 * Ends an active run TIMED_OUT in the phase it is in, exactly once: the status change is a CAS
 * from that phase, and only its winner publishes the terminal event. Null when the run has left
 * that phase meanwhile (started, ended, or timed out by someone else).
 */
export async function timeOutRun(deps: TimeOutDeps, run: Run): Promise<Run | null> {
  if (run.status !== 'QUEUED' && run.status !== 'RUNNING') return null;
  const phase = run.status;
  const ended = await deps.store.runs.transition(run.tenantId, run.id, [phase], {
    status: 'TIMED_OUT',
    error: timeoutError(run, phase),
    finishedAt: new Date(),
  });
  if (!ended) return null;
  // Persisted above, announced here.
  await announceRunStatus(deps, ended);
  if (phase === 'QUEUED') await deps.queue?.remove(run.id);
  // The worker, if any, stops at once; its own end of the run then loses the CAS.
  else await deps.queue?.requestCancel(run.id);
  return ended;
}
