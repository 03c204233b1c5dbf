import type {
  JobHandler,
  JobOutcome,
  JobProcessor,
  JobProcessorOptions,
  JobQueue,
  RunJob,
} from '../../ports/job-queue.ts';
import { PermanentJobError } from '../../ports/job-queue.ts';
import {
  asError,
  assertInteger,
  backoffDelayMs,
  cancellationReason,
  parseDequeuedRunJob,
  parseRunJobForEnqueue,
  type QueueCounts,
  type QueueLogger,
  resolveRetryPolicy,
  retryAfterDelayMs,
  salvageRunJob,
  shutdownReason,
  stderrQueueLogger,
} from './job-queue-common.ts';

/** Finished run ids remembered by default, matching the BullMQ adapter's completed-job retention. */
export const DEFAULT_RETAINED_FINISHED_RUNS = 1_000;

export interface InProcessJobQueueOptions {
  /** Attempts in total, the first included. Default: the job catalog's (`runAgentJob.attempts`). */
  attempts?: number;
  /** Exponential backoff base delay in ms. Default: the job catalog's (`runAgentJob.backoffMs`). */
  backoffMs?: number;
  /**
   * How many finished run ids are remembered so that enqueueing such a run again stays a no-op,
   * as it does while BullMQ retains the finished job. Default 1000; 0 forgets them at once.
   */
  retainFinished?: number;
  /** Where failed attempts and failures of `onFailed` are reported. Default: stderr. */
  logger?: QueueLogger;
}

interface Entry {
  job: RunJob;
  state: 'waiting' | 'delayed' | 'active';
  /** Attempts that threw; a `retryAfterMs` re-delivery does not count. */
  failedAttempts: number;
  timer?: NodeJS.Timeout;
  controller?: AbortController;
}

interface ProcessorState extends JobProcessor {
  handler: JobHandler;
  options: JobProcessorOptions;
  running: Set<Promise<void>>;
  /** The entries whose handlers are running, to abort them when a drain runs out. */
  active: Set<Entry>;
  closed: boolean;
}

/** What became of one attempt; decided inside the handler's try, acted on outside it. */
type Verdict =
  | { kind: 'done' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'failed'; reason: string };

/** The in-process job queue, plus its depth for metrics. */
export interface InProcessJobQueue extends JobQueue {
  /** Jobs by unfinished state; `prioritized` is always 0 (every job has the same priority). */
  counts(): Promise<QueueCounts>;
}

/**
 * The job queue of the embedded mode: one process, memory only. FIFO, per-processor concurrency,
 * exponential retry and `retryAfterMs` like the BullMQ adapter. Jobs do not survive the process.
 */
export function createInProcessJobQueue(options: InProcessJobQueueOptions = {}): InProcessJobQueue {
  const policy = resolveRetryPolicy(options);
  const retainFinished = options.retainFinished ?? DEFAULT_RETAINED_FINISHED_RUNS;
  assertInteger('retainFinished', retainFinished, 0);
  const logger = options.logger ?? stderrQueueLogger;

  /** Every unfinished run (waiting, delayed or active), by run id. */
  const entries = new Map<string, Entry>();
  const waiting: Entry[] = [];
  /** Insertion-ordered, so the oldest finished run is forgotten first. */
  const finished = new Set<string>();
  const processors = new Set<ProcessorState>();
  let pumpScheduled = false;
  let closed = false;
  let closing: Promise<void> | undefined;

  function schedulePump(): void {
    if (pumpScheduled || closed) return;
    pumpScheduled = true;
    // Why: handlers never run inside `enqueue` or inside another job's completion, as with a
    // real queue; callers may rely on `enqueue` returning before the run starts.
    setImmediate(() => {
      pumpScheduled = false;
      pump();
    });
  }

  function pump(): void {
    for (const processor of processors) {
      while (!processor.closed && processor.running.size < processor.options.concurrency) {
        const entry = waiting.shift();
        if (!entry) return;
        start(processor, entry);
      }
    }
  }

  function start(processor: ProcessorState, entry: Entry): void {
    entry.state = 'active';
    entry.controller = new AbortController();
    processor.active.add(entry);
    const run: Promise<void> = execute(processor, entry, entry.controller.signal).finally(() => {
      processor.running.delete(run);
      processor.active.delete(entry);
      schedulePump();
    });
    processor.running.add(run);
  }

  async function execute(processor: ProcessorState, entry: Entry, signal: AbortSignal) {
    const dequeued = parseDequeuedRunJob(entry.job);
    const verdict: Verdict = dequeued.valid
      ? await attempt(processor.handler, dequeued.job, entry, signal)
      : { kind: 'failed', reason: dequeued.reason };
    entry.controller = undefined;
    if (verdict.kind === 'done') return markFinished(entry);
    if (verdict.kind === 'retry') return requeue(entry, verdict.delayMs);
    markFinished(entry);
    await reportFailure(
      processor,
      dequeued.valid ? dequeued.job : salvageRunJob(entry.job.runId, entry.job),
      verdict.reason,
    );
  }

  async function attempt(
    handler: JobHandler,
    job: RunJob,
    entry: Entry,
    signal: AbortSignal,
  ): Promise<Verdict> {
    const context = { signal, attempt: entry.failedAttempts + 1, maxAttempts: policy.attempts };
    let verdict: Verdict;
    try {
      const outcome: JobOutcome = await handler(job, context);
      verdict = outcome ? { kind: 'retry', delayMs: retryAfterDelayMs(outcome) } : { kind: 'done' };
    } catch (thrown) {
      const error = asError(thrown);
      if (error instanceof PermanentJobError) return { kind: 'failed', reason: error.message };
      entry.failedAttempts += 1;
      if (entry.failedAttempts >= policy.attempts) return { kind: 'failed', reason: error.message };
      logger.warn(
        { err: error, runId: job.runId, attempt: context.attempt },
        'run job failed; retrying',
      );
      verdict = { kind: 'retry', delayMs: backoffDelayMs(policy, entry.failedAttempts) };
    }
    return verdict;
  }

  function requeue(entry: Entry, delayMs: number): void {
    if (closed) return;
    entry.state = 'delayed';
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      entry.state = 'waiting';
      waiting.push(entry);
      schedulePump();
    }, delayMs);
  }

  function markFinished(entry: Entry): void {
    entries.delete(entry.job.runId);
    if (retainFinished === 0) return;
    finished.add(entry.job.runId);
    if (finished.size > retainFinished) {
      const oldest = finished.values().next().value;
      if (oldest !== undefined) finished.delete(oldest);
    }
  }

  async function reportFailure(processor: ProcessorState, job: RunJob, reason: string) {
    logger.error({ runId: job.runId, reason }, 'run job failed for good');
    try {
      await processor.options.onFailed?.(job, reason);
    } catch (error) {
      // Nothing awaits a job's failure but the processor, so this is the last place to report it.
      logger.error({ err: error, runId: job.runId }, 'onFailed threw; the run may not be ended');
    }
  }

  function assertOpen(): void {
    if (closed) throw new Error('The job queue is closed.');
  }

  return {
    async enqueue(job) {
      assertOpen();
      const payload = parseRunJobForEnqueue(job);
      // Why: the job id is the run id, so a run already known is never queued twice.
      if (entries.has(payload.runId) || finished.has(payload.runId)) return;
      const entry: Entry = { job: payload, state: 'waiting', failedAttempts: 0 };
      entries.set(payload.runId, entry);
      waiting.push(entry);
      schedulePump();
    },

    async remove(runId) {
      const entry = entries.get(runId);
      if (!entry || entry.state === 'active') return false;
      if (entry.state === 'waiting') waiting.splice(waiting.indexOf(entry), 1);
      clearTimeout(entry.timer);
      entries.delete(runId);
      return true;
    },

    async requestCancel(runId) {
      entries.get(runId)?.controller?.abort(cancellationReason(runId));
    },

    process(handler, processorOptions) {
      assertOpen();
      assertInteger('concurrency', processorOptions.concurrency, 1);
      let closingProcessor: Promise<void> | undefined;
      const processor: ProcessorState = {
        handler,
        options: processorOptions,
        running: new Set(),
        active: new Set(),
        closed: false,
        close() {
          closingProcessor ??= (async () => {
            processor.closed = true;
            // Running handlers are not aborted: they finish, and so does their bookkeeping.
            await Promise.all(processor.running);
            processors.delete(processor);
          })();
          return closingProcessor;
        },
        async drain(graceMs) {
          const closed = processor.close();
          let timer: NodeJS.Timeout | undefined;
          const expired = new Promise<'expired'>((resolve) => {
            timer = setTimeout(() => resolve('expired'), graceMs);
          });
          const outcome = await Promise.race([closed.then(() => 'closed' as const), expired]);
          clearTimeout(timer);
          if (outcome === 'closed') return;
          // Handed back: each handler returns a retry, which requeues its job in this queue.
          for (const entry of processor.active) {
            entry.controller?.abort(shutdownReason(entry.job.runId));
          }
          await closed;
        },
      };
      processors.add(processor);
      schedulePump();
      return { close: () => processor.close(), drain: (graceMs) => processor.drain(graceMs) };
    },

    async counts() {
      const counts: QueueCounts = { waiting: 0, prioritized: 0, delayed: 0, active: 0 };
      for (const entry of entries.values()) counts[entry.state] += 1;
      return counts;
    },

    async ping() {
      assertOpen();
    },

    close() {
      closing ??= (async () => {
        closed = true;
        await Promise.all([...processors].map((processor) => processor.close()));
        // Only after the handlers are done: a finishing handler may still have scheduled a retry.
        for (const entry of entries.values()) clearTimeout(entry.timer);
        entries.clear();
        waiting.length = 0;
      })();
      return closing;
    },
  };
}
