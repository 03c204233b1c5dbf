/** The payload of a run job: validated when enqueued and again when dequeued. */
export interface RunJob {
  tenantId: string;
  workflowId: string;
  runId: string;
}

export interface JobContext {
  /** Aborted when the run is cancelled through `requestCancel` (from any process). */
  signal: AbortSignal;
  /** 1-based attempt number. */
  attempt: number;
  /** Attempts allowed in total by the job catalog. */
  maxAttempts: number;
}

/**
 * What the handler asks of the queue. `undefined`: the job is done. `{ retryAfterMs }`: put the
 * job back, due after that delay, without counting an attempt (e.g. its workflow is busy).
 * Throwing `PermanentJobError` fails the job at once; any other error retries with backoff.
 */
export type JobOutcome = undefined | { retryAfterMs: number };

export type JobHandler = (job: RunJob, context: JobContext) => Promise<JobOutcome>;

export interface JobProcessorOptions {
  /** Jobs executed at once by this processor. */
  concurrency: number;
  /**
   * Called once when a job fails for good: attempts exhausted, a `PermanentJobError`, an invalid
   * payload, or (BullMQ) stalled more often than allowed because its workers died. The run must
   * still end exactly once, so this is where the worker records the failure.
   */
  onFailed?: (job: RunJob, reason: string) => Promise<void>;
}

export interface JobProcessor {
  /** Stops taking jobs, aborts none, waits for running handlers, then resolves. */
  close(): Promise<void>;
}

/**
 * The job queue that carries runs from gateways to workers. One job per run; the job id is the
 * run id, so enqueueing the same run twice is a no-op.
 */
export interface JobQueue {
  enqueue(job: RunJob): Promise<void>;
  /** Removes a job that no worker has taken yet. True when it was removed. */
  remove(runId: string): Promise<boolean>;
  /** Asks whichever processor (in any process) is executing the run to abort its signal. */
  requestCancel(runId: string): Promise<void>;
  process(handler: JobHandler, options: JobProcessorOptions): JobProcessor;
  /** Resolves when the backing service answers; used by `/readyz`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A failure that retrying cannot fix (bad payload, a 4xx from a provider). */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}
