import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import type { JobHandler, JobProcessor, JobProcessorOptions } from '../../ports/job-queue.ts';
import { PermanentJobError } from '../../ports/job-queue.ts';
import {
  asError,
  assertInteger,
  cancellationReason,
  parseDequeuedRunJob,
  type QueueLogger,
  retryAfterDelayMs,
  salvageRunJob,
  shutdownReason,
} from './job-queue-common.ts';

/** What a BullMQ processor needs from the queue that starts it; resolved and validated there. */
export interface BullmqProcessorSettings {
  queueName: string;
  prefix: string;
  /** The pub/sub channel `requestCancel` publishes run ids on. */
  cancelChannel: string;
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  drainDelaySeconds: number;
  logger: QueueLogger;
  /** Opens a new connection with an error listener; the caller owns and closes it. */
  openConnection(role: string, extra?: RedisOptions): Redis;
  /** Closes a connection opened by `openConnection`, also when Redis is unreachable. */
  closeConnection(redis: Redis): Promise<void>;
}

/**
 * Runs `handler` for the queue's jobs in a BullMQ Worker, on connections of its own: one for the
 * worker (BullMQ duplicates it for blocking reads) and one subscribed to the cancel channel.
 */
export function startBullmqProcessor(
  settings: BullmqProcessorSettings,
  handler: JobHandler,
  options: JobProcessorOptions,
): JobProcessor {
  assertInteger('concurrency', options.concurrency, 1);
  const { logger } = settings;
  /** The abort controller of every job this processor is running, by run id (= job id). */
  const controllers = new Map<string, AbortController>();
  const pendingFailures = new Set<Promise<void>>();

  const workerConnection = settings.openConnection('worker', { maxRetriesPerRequest: null });
  // Why: a subscriber waits for Redis instead of giving up, or the worker below would never start.
  const subscriber = settings.openConnection('cancel-subscriber', { maxRetriesPerRequest: null });
  subscriber.on('message', (channel: string, runId: string) => {
    if (channel === settings.cancelChannel)
      controllers.get(runId)?.abort(cancellationReason(runId));
  });

  async function processJob(job: Job<unknown>, token?: string): Promise<void> {
    const dequeued = parseDequeuedRunJob(job.data);
    if (!dequeued.valid) throw new UnrecoverableError(dequeued.reason);
    if (closing) {
      // Fetched while this processor stops: it takes no new job, so the job goes back unstarted.
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
    const runId = job.id ?? dequeued.job.runId;
    const controller = new AbortController();
    controllers.set(runId, controller);
    try {
      const outcome = await handler(dequeued.job, {
        signal: controller.signal,
        attempt: job.attemptsMade + 1,
        maxAttempts: job.opts.attempts ?? 1,
      });
      if (outcome === undefined) return;
      // Why: moveToDelayed skips the attempt count, and DelayedError tells the worker the job has
      // already been moved, so a busy workflow never uses up its run's retries.
      await job.moveToDelayed(Date.now() + retryAfterDelayMs(outcome), token);
      throw new DelayedError();
    } catch (thrown) {
      const error = asError(thrown);
      if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message);
      throw error;
    } finally {
      controllers.delete(runId);
    }
  }

  const worker = new Worker<unknown, void>(settings.queueName, processJob, {
    connection: workerConnection,
    prefix: settings.prefix,
    concurrency: options.concurrency,
    lockDuration: settings.lockDurationMs,
    stalledInterval: settings.stalledIntervalMs,
    maxStalledCount: settings.maxStalledCount,
    drainDelay: settings.drainDelaySeconds,
    autorun: false,
  });
  worker.on('error', (error) => logger.error({ err: error }, 'job queue worker error'));
  // Why: a lock that cannot be renewed (Redis unreachable longer than lockDurationMs, or the job
  // gone) may let another worker take the job over as stalled. The handler is not aborted here —
  // when Redis lost the job nobody else will run it — but the store's attempt fence stops this
  // worker from recording anything once another attempt has begun.
  worker.on('lockRenewalFailed', (jobIds) =>
    logger.warn({ runIds: jobIds }, 'could not renew the lock of running jobs'),
  );
  worker.on('failed', (job, error) => {
    if (!job) {
      logger.error({ err: error }, 'a run job failed for good after it was removed; run not ended');
      return;
    }
    const runId = job.id ?? '';
    // Why: BullMQ emits 'failed' for every failed attempt, but sets finishedOn only when it moved
    // the job to the failed set, and only the worker holding the job does that: so this runs
    // once per job that failed for good — retries exhausted, unrecoverable, invalid payload, or
    // stalled more than maxStalledCount times (failed by whichever worker picks it up next).
    if (job.finishedOn === undefined) {
      logger.warn({ err: error, runId, attempt: job.attemptsMade }, 'run job failed; retrying');
      return;
    }
    logger.error({ err: error, runId, attempts: job.attemptsMade }, 'run job failed for good');
    const pending = reportFailure(job, runId, error.message).finally(() =>
      pendingFailures.delete(pending),
    );
    pendingFailures.add(pending);
  });

  async function reportFailure(job: Job<unknown>, runId: string, reason: string): Promise<void> {
    const dequeued = parseDequeuedRunJob(job.data);
    const runJob = dequeued.valid ? dequeued.job : salvageRunJob(runId, job.data);
    try {
      await options.onFailed?.(runJob, reason);
    } catch (error) {
      // An event listener has no caller to rethrow to: this log is the last place to report it.
      logger.error({ err: error, runId }, 'onFailed threw; the run may not be ended');
    }
  }

  let closing: Promise<void> | undefined;
  // Why: the worker takes no job before the cancel subscription is live, so a cancel published
  // while one of its jobs runs always reaches it.
  const started = subscriber.subscribe(settings.cancelChannel).then(() => {
    if (closing) return;
    worker.run().catch((error) => logger.error({ err: error }, 'job queue worker stopped'));
  });
  started.catch((error) => {
    if (!closing) logger.error({ err: error }, 'cannot subscribe to run cancellations');
  });

  function close(): Promise<void> {
    closing ??= (async () => {
      // Waits for running handlers; aborts none.
      await worker.close();
      await Promise.all(pendingFailures);
      await settings.closeConnection(subscriber);
      await settings.closeConnection(workerConnection);
    })();
    return closing;
  }

  return {
    close,
    async drain(graceMs) {
      // worker.close() stops fetching at once and resolves when the running handlers are done.
      const closed = close();
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => {
        timer = setTimeout(() => resolve('expired'), graceMs);
      });
      const outcome = await Promise.race([closed.then(() => 'closed' as const), expired]);
      clearTimeout(timer);
      if (outcome === 'closed') return;
      logger.warn(
        { runIds: [...controllers.keys()], graceMs },
        'drain period over; handing the remaining runs back to the queue',
      );
      for (const [runId, controller] of controllers) controller.abort(shutdownReason(runId));
      await closed;
    },
  };
}
