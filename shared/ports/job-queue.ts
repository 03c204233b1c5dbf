/** The payload of a run job: validated when enqueued and again when dequeued. */
export interface RunJob {
  tenantId: string;
  workflowId: string;
  runId: string;
  /**
   * The workflow's agent, when the enqueuer knew it (a workflow's agent never changes): the
   * worker then loads it together with the workflow instead of after it.
   */
  agentId?: string;
}

export interface JobContext {
  /**
   * Aborted when the run is cancelled through `requestCancel` (from any process), or when the
   * processor shuts down with handlers still running (`JobProcessor.drain`). Its `reason` is a
   * {@link JobAbortReason} telling the two apart: a cancelled run ends, a shut-down one is handed
   * back (the handler returns `{ retryAfterMs: 0 }`) and continues on another worker.
   */
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
  /**
   * Graceful shutdown: stops taking jobs at once, lets running handlers finish for up to
   * `graceMs`, then aborts the rest with a `shutdown` {@link JobAbortReason} so they hand their
   * jobs back, waits for them, and closes. A job taken meanwhile is handed back unstarted.
   */
  drain(graceMs: number): Promise<void>;
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

/**
 * The `reason` of an aborted `JobContext.signal`. `cancel`: the run was cancelled and must end
 * CANCELLED. `shutdown`: this worker is going away; the run must not end, its job goes back to
 * the queue for another worker.
 */
export class JobAbortReason extends Error {
  constructor(
    readonly kind: 'cancel' | 'shutdown',
    message: string,
  ) {
    super(message);
    this.name = 'JobAbortReason';
  }
}

/** The kind of a job signal's abort, or undefined while it is not aborted (or for another reason). */
export function jobAbortKind(signal: AbortSignal): JobAbortReason['kind'] | undefined {
  return signal.aborted && signal.reason instanceof JobAbortReason ? signal.reason.kind : undefined;
}

/** A failure that retrying cannot fix (bad payload, a 4xx from a provider). */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}
