import type { Logger } from '../logger.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { JobQueue } from '../ports/job-queue.ts';
import type { Store } from '../ports/store.ts';
import type { Runtime } from '../runtime.ts';
import { announceRunStatus } from './run-status.ts';
import { timeOutRun } from './run-timeouts.ts';

/** Runs handled per sweep and per kind, so one sweep stays short however large the backlog. */
export const SWEEP_BATCH = 100;
/**
 * How long past its execution deadline a RUNNING run is left to its own worker, whose timer ends
 * it on time; the sweeper ends it only when that worker is gone or stuck.
 */
export const RUNNING_TIMEOUT_GRACE_MS = 2_000;
/**
 * How long after a run ended the sweeper leaves its terminal event to the process that ended it,
 * before it publishes the event itself (in case that process died in between).
 */
export const ANNOUNCE_GRACE_MS = 2_000;

export interface RunSweeperOptions {
  store: Store;
  bus: EventBus;
  queue: JobQueue;
  logger: Logger;
  /** Time between sweeps, in ms. */
  intervalMs: number;
  /** A run QUEUED at least this long is offered to the queue again (a no-op while its job exists). */
  requeueAfterMs: number;
  /**
   * Also offer RUNNING runs again. Only for a queue that does not outlive its process (embedded):
   * there a RUNNING run without a live job was orphaned by a restart, and the queue ignores a
   * run whose job is running.
   */
  requeueRunning?: boolean;
}

export interface SweepReport {
  timedOut: number;
  requeued: number;
  /** Terminal events published for runs whose end was never announced. */
  announced: number;
}

export interface RunSweeper {
  /** One sweep now; resolves with what it did. */
  sweep(): Promise<SweepReport>;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/**
 * Every gateway and worker runs one. It announces run ends whose announcer died before it could,
 * ends overdue runs TIMED_OUT (so the queue-wait limit holds even when no worker is up), and
 * offers runs that have waited long to the queue again, in case their job was lost (a gateway
 * died between storing the run and enqueueing it, or Redis restarted without its data). Sweepers of different processes race harmlessly: ending a run is a
 * CAS, and a job id is its run id.
 */
export function startRunSweeper(options: RunSweeperOptions): RunSweeper {
  const { store, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<SweepReport> | undefined;
  let stopped = false;

  async function sweepOnce(requeueAfterMs: number): Promise<SweepReport> {
    const report: SweepReport = { timedOut: 0, requeued: 0, announced: 0 };
    const now = Date.now();
    for (const run of await store.runs.listUnannounced(
      new Date(now - ANNOUNCE_GRACE_MS),
      SWEEP_BATCH,
    )) {
      // The process that ended it died before announcing it; the bus drops a repeat.
      await announceRunStatus(options, run);
      report.announced += 1;
      logger.info({ runId: run.id, status: run.status }, 'announced the end of a run');
    }
    for (const run of await store.runs.listOverdue(new Date(now), SWEEP_BATCH)) {
      const deadline = run.timeoutAt?.getTime() ?? now;
      if (run.status === 'RUNNING' && deadline > now - RUNNING_TIMEOUT_GRACE_MS) continue;
      if (await timeOutRun(options, run)) {
        report.timedOut += 1;
        logger.info({ runId: run.id, status: run.status }, 'run timed out');
      }
    }
    const statuses = options.requeueRunning
      ? (['QUEUED', 'RUNNING'] as const)
      : ['QUEUED' as const];
    const waiting = await store.runs.listActive(
      statuses,
      new Date(now - requeueAfterMs),
      SWEEP_BATCH,
    );
    for (const run of waiting) {
      await options.queue.enqueue({
        tenantId: run.tenantId,
        workflowId: run.workflowId,
        runId: run.id,
      });
      report.requeued += 1;
    }
    return report;
  }

  function sweep(requeueAfterMs = options.requeueAfterMs): Promise<SweepReport> {
    current ??= sweepOnce(requeueAfterMs).finally(() => {
      current = undefined;
    });
    return current;
  }

  function schedule(): void {
    if (stopped) return;
    // Jittered, so the sweeps of many processes spread out instead of hitting the store at once.
    const delay = options.intervalMs * (0.75 + Math.random() * 0.5);
    timer = setTimeout(() => {
      sweep()
        .catch((error: unknown) => logger.warn({ err: error }, 'run sweep failed; next one later'))
        .finally(schedule);
    }, delay);
    timer.unref();
  }

  if (options.requeueRunning) {
    // Every active run older than this process lost its job with the previous one.
    void sweep(0)
      .catch((error: unknown) => logger.warn({ err: error }, 'could not recover active runs'))
      .finally(schedule);
  } else {
    schedule();
  }
  return {
    sweep: () => sweep(),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current?.catch(() => undefined);
    },
  };
}

/** The sweeper of a gateway or worker process, configured from its runtime. */
export function startRuntimeSweeper(runtime: Runtime): RunSweeper {
  const { config, adapters } = runtime;
  return startRunSweeper({
    store: adapters.store,
    bus: adapters.bus,
    queue: adapters.queue,
    logger: runtime.logger.child({ component: 'run-sweeper' }),
    intervalMs: config.runs.sweepIntervalMs,
    requeueAfterMs: config.runs.requeueAfterMs,
    // In process, jobs die with the process: a RUNNING run found after a restart is an orphan.
    requeueRunning: config.mode === 'embedded',
  });
}
