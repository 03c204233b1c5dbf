import { afterEach, describe, expect, it } from 'vitest';
import type {
  JobContext,
  JobHandler,
  JobOutcome,
  JobProcessor,
  JobProcessorOptions,
  JobQueue,
  RunJob,
} from '../../ports/job-queue.ts';
import { jobAbortKind, PermanentJobError } from '../../ports/job-queue.ts';

export interface JobQueueContractOptions {
  /** Attempts in total; the adapter's test default when absent. */
  attempts?: number;
  /** Backoff base in ms; tests keep it small. */
  backoffMs?: number;
}

export interface JobQueueContractSubject {
  queue: JobQueue;
  /** A second queue instance on the same backing queue, as another process would have. */
  peer: () => Promise<JobQueue>;
  /** Closes the queue and every peer and deletes whatever the backing service holds. */
  cleanup(): Promise<void>;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

let runCounter = 0;

/** A valid run job with a run id unique within the test process (ids must not look numeric). */
function runJob(label = 'run'): RunJob {
  runCounter += 1;
  return { tenantId: 'tenant-1', workflowId: `workflow-${label}`, runId: `${label}-${runCounter}` };
}

/**
 * The behaviour every JobQueue adapter must show. Tests wait on promises their handlers resolve,
 * never on timers, so they hold on a slow machine and finish as soon as the adapter does.
 */
export function describeJobQueueContract(
  name: string,
  setup: (options?: JobQueueContractOptions) => Promise<JobQueueContractSubject>,
): void {
  describe(`${name} (JobQueue contract)`, () => {
    const gates: Array<Deferred<void>> = [];
    const cleanups: Array<() => Promise<void>> = [];

    afterEach(async () => {
      // Gates first, so that no handler of a failed test keeps its processor from closing.
      for (const opened of gates.splice(0)) opened.resolve();
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    async function start(options?: JobQueueContractOptions): Promise<JobQueueContractSubject> {
      const subject = await setup(options);
      cleanups.push(() => subject.cleanup());
      return subject;
    }

    /** A promise handlers wait on; opened at teardown at the latest. */
    function gate(): Deferred<void> {
      const opened = deferred();
      gates.push(opened);
      return opened;
    }

    /** Starts a processor (concurrency 1 unless given); the handler may end without a return. */
    function startProcessor(
      queue: JobQueue,
      handler: (...args: Parameters<JobHandler>) => Promise<void> | Promise<JobOutcome>,
      options: Partial<JobProcessorOptions> = {},
    ): JobProcessor {
      const complete: JobHandler = async (job, context) =>
        (await handler(job, context)) ?? undefined;
      return queue.process(complete, { concurrency: 1, ...options });
    }

    it('delivers an enqueued job to the handler with its payload', async () => {
      const { queue } = await start();
      const job = runJob();
      const received = deferred<{ job: RunJob; context: JobContext }>();
      startProcessor(queue, async (payload, context) =>
        received.resolve({ job: payload, context }),
      );

      await queue.enqueue(job);

      const { job: payload, context } = await received.promise;
      expect(payload).toEqual(job);
      expect(context.attempt).toBe(1);
      expect(context.signal.aborted).toBe(false);
    });

    it('runs a run enqueued twice only once', async () => {
      const { queue } = await start();
      const twice = runJob('twice');
      const after = runJob('after');
      await queue.enqueue(twice);
      await queue.enqueue(twice);
      await queue.enqueue(after);
      const handled: string[] = [];
      const afterHandled = deferred();
      startProcessor(queue, async (job) => {
        handled.push(job.runId);
        if (job.runId === after.runId) afterHandled.resolve();
      });

      // FIFO with concurrency 1: a second copy would have run before the job enqueued after it.
      await afterHandled.promise;
      expect(handled).toEqual([twice.runId, after.runId]);
    });

    it('runs at most `concurrency` jobs at once and reaches that many', async () => {
      const { queue } = await start();
      const concurrency = 3;
      const jobs = Array.from({ length: 3 * concurrency }, () => runJob('slow'));
      const release = gate();
      const reached = deferred();
      const allDone = deferred();
      let running = 0;
      let highest = 0;
      let done = 0;
      startProcessor(
        queue,
        async () => {
          running += 1;
          highest = Math.max(highest, running);
          if (running === concurrency) reached.resolve();
          await release.promise;
          running -= 1;
          done += 1;
          if (done === jobs.length) allDone.resolve();
        },
        { concurrency },
      );
      for (const job of jobs) await queue.enqueue(job);

      await reached.promise;
      release.resolve();
      await allDone.promise;
      expect(highest).toBe(concurrency);
    });

    it('retries a throwing handler with attempts 1, 2, 3 and then calls onFailed once', async () => {
      const { queue } = await start({ attempts: 3, backoffMs: 5 });
      const job = runJob('flaky');
      const sentinel = runJob('sentinel');
      const attempts: Array<[number, number]> = [];
      const failures: Array<[RunJob, string]> = [];
      const failed = deferred();
      const sentinelHandled = deferred();
      startProcessor(
        queue,
        async (payload, context) => {
          if (payload.runId === sentinel.runId) {
            sentinelHandled.resolve();
            return;
          }
          attempts.push([context.attempt, context.maxAttempts]);
          throw new Error(`boom ${context.attempt}`);
        },
        {
          onFailed: async (payload, reason) => {
            failures.push([payload, reason]);
            failed.resolve();
          },
        },
      );

      await queue.enqueue(job);
      await failed.promise;
      await queue.enqueue(sentinel);
      await sentinelHandled.promise;

      expect(attempts).toEqual([
        [1, 3],
        [2, 3],
        [3, 3],
      ]);
      expect(failures).toEqual([[job, 'boom 3']]);
    });

    it('fails a job at once on PermanentJobError and calls onFailed once', async () => {
      const { queue } = await start({ attempts: 3, backoffMs: 5 });
      const job = runJob('doomed');
      const sentinel = runJob('sentinel');
      const attempts: number[] = [];
      const failures: Array<[RunJob, string]> = [];
      const sentinelHandled = deferred();
      startProcessor(
        queue,
        async (payload, context) => {
          if (payload.runId === sentinel.runId) {
            sentinelHandled.resolve();
            return;
          }
          attempts.push(context.attempt);
          throw new PermanentJobError('the provider rejected the request');
        },
        { onFailed: async (payload, reason) => void failures.push([payload, reason]) },
      );

      await queue.enqueue(job);
      await queue.enqueue(sentinel);
      await sentinelHandled.promise;

      expect(attempts).toEqual([1]);
      expect(failures).toEqual([[job, 'the provider rejected the request']]);
    });

    it('re-delivers a job that asked for retryAfterMs later, with the same attempt number', async () => {
      const { queue } = await start();
      const job = runJob('busy');
      const retryAfterMs = 50;
      const deliveries: Array<{ attempt: number; at: number }> = [];
      const redelivered = deferred();
      startProcessor(queue, async (_payload, context) => {
        deliveries.push({ attempt: context.attempt, at: Date.now() });
        if (deliveries.length === 1) return { retryAfterMs };
        redelivered.resolve();
      });

      await queue.enqueue(job);
      await redelivered.promise;

      const [first, second] = deliveries;
      expect(deliveries.map((delivery) => delivery.attempt)).toEqual([1, 1]);
      // A few ms of slack: timers and Redis clocks round to the millisecond.
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(retryAfterMs - 5);
    });

    it('removes a waiting job so it never runs, and refuses to remove an active one', async () => {
      const { queue } = await start();
      const active = runJob('active');
      const waiting = runJob('waiting');
      const later = runJob('later');
      const release = gate();
      const activeStarted = deferred();
      const laterHandled = deferred();
      const handled: string[] = [];
      startProcessor(queue, async (job) => {
        handled.push(job.runId);
        if (job.runId === active.runId) {
          activeStarted.resolve();
          await release.promise;
        }
        if (job.runId === later.runId) laterHandled.resolve();
      });
      await queue.enqueue(active);
      await activeStarted.promise;
      await queue.enqueue(waiting);

      expect(await queue.remove(waiting.runId)).toBe(true);
      expect(await queue.remove(active.runId)).toBe(false);
      expect(await queue.remove('never-enqueued')).toBe(false);
      release.resolve();
      await queue.enqueue(later);
      await laterHandled.promise;

      expect(handled).toEqual([active.runId, later.runId]);
    });

    it('aborts the running handler when another instance requests its cancellation', async () => {
      const { queue, peer } = await start();
      const job = runJob('cancelled');
      const started = deferred();
      const aborted = deferred<unknown>();
      startProcessor(queue, async (_payload, { signal }) => {
        signal.addEventListener('abort', () => aborted.resolve(signal.reason), { once: true });
        started.resolve();
        await aborted.promise;
      });
      const other = await peer();

      await queue.enqueue(job);
      await started.promise;
      await other.requestCancel(job.runId);

      expect(await aborted.promise).toBeInstanceOf(Error);
      expect(jobAbortKind({ aborted: true, reason: await aborted.promise } as AbortSignal)).toBe(
        'cancel',
      );
    });

    it('lets a handler that ends within the drain period finish unaborted', async () => {
      const { queue } = await start();
      const job = runJob('drained');
      const release = gate();
      const started = deferred();
      let signalAborted: boolean | undefined;
      const processor = startProcessor(queue, async (_payload, { signal }) => {
        started.resolve();
        await release.promise;
        signalAborted = signal.aborted;
      });
      await queue.enqueue(job);
      await started.promise;

      const drained = processor.drain(60_000);
      release.resolve();
      await drained;

      expect(signalAborted).toBe(false);
    });

    it('hands a handler still running after the drain period back, to run on another processor', async () => {
      const { queue, peer } = await start();
      const job = runJob('handed-back');
      const started = deferred();
      const reasons: Array<string | undefined> = [];
      const processor = startProcessor(queue, async (_payload, { signal }) => {
        started.resolve();
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        reasons.push(jobAbortKind(signal));
        return { retryAfterMs: 0 };
      });
      await queue.enqueue(job);
      await started.promise;

      await processor.drain(10);
      const takenOver = deferred<RunJob>();
      startProcessor(await peer(), async (payload) => takenOver.resolve(payload));

      expect(reasons).toEqual(['shutdown']);
      expect(await takenOver.promise).toEqual(job);
    });

    it('waits for a running handler when a processor closes', async () => {
      const { queue } = await start();
      const job = runJob('closing');
      const release = gate();
      const started = deferred();
      const order: string[] = [];
      const processor = startProcessor(queue, async () => {
        started.resolve();
        await release.promise;
        order.push('handler finished');
      });
      await queue.enqueue(job);
      await started.promise;

      const closed = processor.close().then(() => order.push('processor closed'));
      // A round trip to the backing service gives a close that does not wait time to finish.
      await queue.ping();
      expect(order).toEqual([]);
      release.resolve();
      await closed;

      expect(order).toEqual(['handler finished', 'processor closed']);
    });

    it('rejects an invalid payload on enqueue', async () => {
      const { queue } = await start();

      await expect(queue.enqueue({ ...runJob(), tenantId: '' })).rejects.toThrow(/tenantId/);
    });

    it('rejects a concurrency below 1 when a processor starts', async () => {
      const { queue } = await start();

      expect(() => queue.process(async () => undefined, { concurrency: 0 })).toThrow(/concurrency/);
    });
  });
}
