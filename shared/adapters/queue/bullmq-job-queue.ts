import { type JobState, type KeepJobs, Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { runAgentJob } from '../../jobs.ts';
import type { JobProcessor, JobQueue } from '../../ports/job-queue.ts';
import { type BullmqProcessorSettings, startBullmqProcessor } from './bullmq-job-processor.ts';
import {
  assertInteger,
  parseRunJobForEnqueue,
  QUEUE_STATES,
  type QueueCounts,
  type QueueLogger,
  resolveRetryPolicy,
  stderrQueueLogger,
} from './job-queue-common.ts';

export const DEFAULT_QUEUE_NAME = 'runs';
export const DEFAULT_KEY_PREFIX = 'agentgate';
export const DEFAULT_LOCK_DURATION_MS = 30_000;
export const DEFAULT_STALLED_INTERVAL_MS = 30_000;
export const DEFAULT_MAX_STALLED_COUNT = 1;
export const DEFAULT_DRAIN_DELAY_SECONDS = 5;
/** Completed jobs are kept an hour (at most 1000) so a late duplicate enqueue stays a no-op. */
export const DEFAULT_REMOVE_ON_COMPLETE: KeepJobs = { age: 3_600, count: 1_000 };
/** Failed jobs are kept a day (at most 5000) for inspection. */
export const DEFAULT_REMOVE_ON_FAIL: KeepJobs = { age: 86_400, count: 5_000 };

/** States in which no worker holds the job yet, so removing it prevents its run. */
const REMOVABLE_STATES: ReadonlySet<JobState | 'unknown'> = new Set([
  'waiting',
  'delayed',
  'prioritized',
]);

export interface BullmqJobQueueOptions {
  /**
   * Redis to use: a `redis://` URL or ioredis options (without `keyPrefix`; use `prefix`). The
   * queue, every processor's worker and every processor's cancel subscriber each open their own
   * connection from it.
   */
  connection: string | RedisOptions;
  /** BullMQ queue name; must not contain ':'. Default `'runs'`. */
  queueName?: string;
  /** Prefix of every BullMQ key and of the cancel channel. Default `'agentgate'`. */
  prefix?: string;
  /** Attempts in total, the first included. Default: the job catalog's (`runAgentJob.attempts`). */
  attempts?: number;
  /** Exponential backoff base delay in ms. Default: the job catalog's (`runAgentJob.backoffMs`). */
  backoffMs?: number;
  /** How long a worker's lock on a job lasts before it is renewed, in ms. Default 30000. */
  lockDurationMs?: number;
  /** How often workers look for jobs whose lock expired (their worker died), in ms. Default 30000. */
  stalledIntervalMs?: number;
  /** Times a job may stall and be retried before it fails for good; 0 fails it at once. Default 1. */
  maxStalledCount?: number;
  /** How long an idle worker blocks waiting for a job, in seconds (may be fractional). Default 5. */
  drainDelaySeconds?: number;
  /** Retention of completed jobs (BullMQ `KeepJobs`: `age` in seconds, `count`). Default 1 h / 1000. */
  removeOnComplete?: KeepJobs;
  /** Retention of failed jobs (BullMQ `KeepJobs`: `age` in seconds, `count`). Default 24 h / 5000. */
  removeOnFail?: KeepJobs;
  /** Where connection errors, failed attempts and failures of `onFailed` go. Default: stderr. */
  logger?: QueueLogger;
}

/** The BullMQ job queue, plus its depth for metrics. */
export interface BullmqJobQueue extends JobQueue {
  /** Jobs by unfinished state, read from Redis now (one round trip). */
  counts(): Promise<QueueCounts>;
}

/**
 * The job queue of the distributed mode: BullMQ on Redis. The job id is the run id, so a duplicate
 * enqueue is a no-op while the job is retained; cancellation reaches workers in any process over
 * the pub/sub channel `${prefix}:${queueName}:cancel`.
 */
export function createBullmqJobQueue(options: BullmqJobQueueOptions): BullmqJobQueue {
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  const prefix = options.prefix ?? DEFAULT_KEY_PREFIX;
  if (queueName === '' || queueName.includes(':')) {
    throw new RangeError(
      `queueName must be non-empty without ':', got ${JSON.stringify(queueName)}.`,
    );
  }
  if (prefix === '') throw new RangeError('prefix must be non-empty.');
  const policy = resolveRetryPolicy(options);
  const logger = options.logger ?? stderrQueueLogger;
  const settings: BullmqProcessorSettings = {
    queueName,
    prefix,
    cancelChannel: `${prefix}:${queueName}:cancel`,
    lockDurationMs: options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS,
    stalledIntervalMs: options.stalledIntervalMs ?? DEFAULT_STALLED_INTERVAL_MS,
    maxStalledCount: options.maxStalledCount ?? DEFAULT_MAX_STALLED_COUNT,
    drainDelaySeconds: options.drainDelaySeconds ?? DEFAULT_DRAIN_DELAY_SECONDS,
    logger,
    openConnection(role, extra) {
      const redisOptions: RedisOptions = {
        connectionName: `${prefix}:${queueName}:${role}`,
        ...extra,
      };
      const redis =
        typeof options.connection === 'string'
          ? new Redis(options.connection, redisOptions)
          : new Redis({ ...options.connection, ...redisOptions });
      redis.on('error', (error) => logger.error({ err: error, role }, 'job queue redis error'));
      return redis;
    },
    async closeConnection(redis) {
      // QUIT would wait for a reconnect that may never come; a connection that is not ready has
      // nothing to flush, so it is dropped instead.
      if (redis.status === 'ready') await redis.quit();
      else redis.disconnect();
    },
  };
  assertInteger('lockDurationMs', settings.lockDurationMs, 1);
  assertInteger('stalledIntervalMs', settings.stalledIntervalMs, 1);
  assertInteger('maxStalledCount', settings.maxStalledCount, 0);
  if (!(settings.drainDelaySeconds > 0)) {
    throw new RangeError(`drainDelaySeconds must be > 0, got ${settings.drainDelaySeconds}.`);
  }
  const jobOptions = {
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs },
    removeOnComplete: options.removeOnComplete ?? DEFAULT_REMOVE_ON_COMPLETE,
    removeOnFail: options.removeOnFail ?? DEFAULT_REMOVE_ON_FAIL,
  };

  // Why: a producer fails fast while Redis is down (enqueue, cancel and ping reject) instead of
  // queueing commands offline; BullMQ still waits for the first connect before its own commands.
  const queueConnection = settings.openConnection('queue', { enableOfflineQueue: false });
  const queue = new Queue(queueName, { connection: queueConnection, prefix });
  queue.on('error', (error) => logger.error({ err: error }, 'job queue error'));
  const processors = new Set<JobProcessor>();
  let closing: Promise<void> | undefined;

  function assertOpen(): void {
    if (closing) throw new Error('The job queue is closed.');
  }

  return {
    async enqueue(job) {
      assertOpen();
      const payload = parseRunJobForEnqueue(job);
      // Why: jobId = runId makes BullMQ ignore a second add of the same run.
      await queue.add(runAgentJob.name, payload, { ...jobOptions, jobId: payload.runId });
    },

    async remove(runId) {
      assertOpen();
      if (!REMOVABLE_STATES.has(await queue.getJobState(runId))) return false;
      // Why: a worker may take the job between the two calls; the removal script refuses a locked
      // job and answers 0 instead of throwing, which reads as "a worker has it".
      return (await queue.remove(runId)) === 1;
    },

    async requestCancel(runId) {
      assertOpen();
      await queue.waitUntilReady();
      await queueConnection.publish(settings.cancelChannel, runId);
    },

    process(handler, processorOptions) {
      assertOpen();
      const processor = startBullmqProcessor(settings, handler, processorOptions);
      processors.add(processor);
      return processor;
    },

    async counts() {
      assertOpen();
      const counts = await queue.getJobCounts(...QUEUE_STATES);
      return Object.fromEntries(
        QUEUE_STATES.map((state) => [state, counts[state] ?? 0]),
      ) as QueueCounts;
    },

    async ping() {
      assertOpen();
      // Waits for the first connection, then fails fast: a readiness probe bounds it with a timeout.
      await queue.waitUntilReady();
      await queueConnection.ping();
    },

    close() {
      // Reverse order of creation: processors (waiting for their handlers), queue, connection.
      closing ??= (async () => {
        await Promise.all([...processors].map((processor) => processor.close()));
        await queue.close();
        await settings.closeConnection(queueConnection);
      })();
      return closing;
    },
  };
}
