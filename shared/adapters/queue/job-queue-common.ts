import { z } from 'zod';
import { runAgentJob } from '../../jobs.ts';
import { JobAbortReason, type JobOutcome, type RunJob } from '../../ports/job-queue.ts';

/** The part of a pino logger the queue adapters use; a pino `Logger` fits as is. */
export interface QueueLogger {
  debug(object: object, message?: string): void;
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/**
 * Used when no logger is given. Warnings and errors still reach stderr, so a failing job or a
 * broken connection is never silent; routine messages are dropped.
 */
export const stderrQueueLogger: QueueLogger = {
  debug() {},
  info() {},
  warn: (object, message) => console.warn(message, object),
  error: (object, message) => console.error(message, object),
};

/**
 * The states of a job no worker has finished, as BullMQ names them: `waiting` (ready, FIFO),
 * `prioritized` (ready, with a priority), `delayed` (due later: a retry's backoff, or a busy
 * workflow's run offered again), `active` (a worker holds it).
 */
export const QUEUE_STATES = ['waiting', 'prioritized', 'delayed', 'active'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];
/** Jobs in each unfinished state, read for metrics. */
export type QueueCounts = Record<QueueState, number>;

/** How often a run job is tried and how long to wait between tries. */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  attempts: number;
  /** Exponential backoff base: the n-th retry waits `backoffMs * 2^(n-1)` ms. */
  backoffMs: number;
}

/** Fills the policy from the job catalog and rejects impossible values at construction. */
export function resolveRetryPolicy(overrides: Partial<RetryPolicy>): RetryPolicy {
  const attempts = overrides.attempts ?? runAgentJob.attempts;
  const backoffMs = overrides.backoffMs ?? runAgentJob.backoffMs;
  assertInteger('attempts', attempts, 1);
  if (!Number.isFinite(backoffMs) || backoffMs < 0) {
    throw new RangeError(`backoffMs must be a finite number >= 0, got ${backoffMs}.`);
  }
  return { attempts, backoffMs };
}

/** Throws a RangeError naming the option unless `value` is an integer >= `min`. */
export function assertInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}.`);
  }
}

/**
 * The delay before retry number `failedAttempts` (1 after the first failure), the same formula as
 * BullMQ's exponential backoff so both adapters space retries alike.
 */
export function backoffDelayMs(policy: RetryPolicy, failedAttempts: number): number {
  return Math.round(policy.backoffMs * 2 ** (failedAttempts - 1));
}

/**
 * Trust boundary on enqueue: an invalid payload is a bug in the caller, reported at once rather
 * than discovered by a worker later.
 */
export function parseRunJobForEnqueue(job: RunJob): RunJob {
  const result = runAgentJob.payload.safeParse(job);
  if (!result.success) {
    throw new TypeError(
      `Cannot enqueue a ${runAgentJob.name} job with an invalid payload: ${z.prettifyError(result.error)}`,
    );
  }
  return result.data;
}

export type DequeuedRunJob = { valid: true; job: RunJob } | { valid: false; reason: string };

/** Trust boundary on dequeue: whatever came back from the queue is checked again. */
export function parseDequeuedRunJob(data: unknown): DequeuedRunJob {
  const result = runAgentJob.payload.safeParse(data);
  if (result.success) return { valid: true, job: result.data };
  return {
    valid: false,
    reason: `invalid ${runAgentJob.name} payload: ${z.prettifyError(result.error)}`,
  };
}

/**
 * The run job handed to `onFailed` when the stored payload is invalid. The job id is the run id,
 * so the run can still be ended; the other fields are kept only when they are strings.
 */
export function salvageRunJob(runId: string, data: unknown): RunJob {
  const record = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return { tenantId: text(record.tenantId), workflowId: text(record.workflowId), runId };
}

/** The delay a `{ retryAfterMs }` outcome asks for; a non-finite or negative one is a handler bug. */
export function retryAfterDelayMs(outcome: NonNullable<JobOutcome>): number {
  const { retryAfterMs } = outcome;
  if (!Number.isFinite(retryAfterMs) || retryAfterMs < 0) {
    throw new TypeError(`retryAfterMs must be a finite number >= 0, got ${retryAfterMs}.`);
  }
  return retryAfterMs;
}

/** Anything thrown, as an Error: queues record `error.message` as the failure reason. */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

/** The abort reason a cancelled handler's signal carries. */
export function cancellationReason(runId: string): JobAbortReason {
  return new JobAbortReason('cancel', `Run ${runId} was cancelled.`);
}

/** The abort reason of a handler still running when its processor's drain period ran out. */
export function shutdownReason(runId: string): JobAbortReason {
  return new JobAbortReason('shutdown', `The worker running ${runId} is shutting down.`);
}
