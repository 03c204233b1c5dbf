import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { runAgentJob } from '../../jobs.ts';
import type { JobQueue, RunJob } from '../../ports/job-queue.ts';
import { type BullmqJobQueueOptions, createBullmqJobQueue } from './bullmq-job-queue.ts';
import { describeJobQueueContract } from './job-queue.contract.ts';
import type { QueueLogger } from './job-queue-common.ts';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const silentLogger: QueueLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Options for a queue of its own: a fresh prefix per test, small delays. */
function isolatedOptions(overrides: Partial<BullmqJobQueueOptions> = {}): BullmqJobQueueOptions {
  return {
    connection: redisUrl,
    prefix: `agentgate-test-${randomUUID()}`,
    queueName: 'runs',
    attempts: 3,
    backoffMs: 5,
    drainDelaySeconds: 1,
    logger: silentLogger,
    ...overrides,
  };
}

/** Removes the queue and every key under its prefix (SCAN is fine in tests, never at runtime). */
async function deleteQueue(options: BullmqJobQueueOptions): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(options.queueName!, { connection: redis, prefix: options.prefix });
  await queue.obliterate({ force: true });
  await queue.close();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${options.prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}

/** A queue and its peers on one isolated prefix, closed and deleted by `cleanup`. */
function isolatedQueue(overrides: Partial<BullmqJobQueueOptions> = {}) {
  const options = isolatedOptions(overrides);
  const queues: JobQueue[] = [createBullmqJobQueue(options)];
  return {
    options,
    queue: queues[0]!,
    peer: async () => {
      const peer = createBullmqJobQueue(options);
      queues.push(peer);
      return peer;
    },
    cleanup: async () => {
      await Promise.all(queues.map((queue) => queue.close()));
      await deleteQueue(options);
    },
  };
}

describeJobQueueContract('BullmqJobQueue', async (options) => isolatedQueue(options));

describe('BullmqJobQueue', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  function start(overrides: Partial<BullmqJobQueueOptions> = {}) {
    const subject = isolatedQueue(overrides);
    cleanups.push(subject.cleanup);
    return subject;
  }

  function onFailedRecorder() {
    const failures: Array<[RunJob, string]> = [];
    let recorded!: () => void;
    const first = new Promise<void>((resolve) => {
      recorded = resolve;
    });
    const onFailed = async (job: RunJob, reason: string) => {
      failures.push([job, reason]);
      recorded();
    };
    return { failures, first, onFailed };
  }

  it('rejects impossible options at construction', () => {
    const base = { connection: redisUrl, logger: silentLogger };
    expect(() => createBullmqJobQueue({ ...base, queueName: 'a:b' })).toThrow(/queueName/);
    expect(() => createBullmqJobQueue({ ...base, attempts: 0 })).toThrow(/attempts/);
    expect(() => createBullmqJobQueue({ ...base, lockDurationMs: 0 })).toThrow(/lockDurationMs/);
    expect(() => createBullmqJobQueue({ ...base, maxStalledCount: -1 })).toThrow(/maxStalled/);
    expect(() => createBullmqJobQueue({ ...base, drainDelaySeconds: 0 })).toThrow(/drainDelay/);
  });

  it('answers ping while Redis is up', async () => {
    const { queue } = start();

    await expect(queue.ping()).resolves.toBeUndefined();
  });

  it('fails a job whose stored payload is invalid without running it, and calls onFailed once', async () => {
    const { queue, options } = start();
    const producer = new Queue(options.queueName!, {
      connection: new Redis(redisUrl),
      prefix: options.prefix,
    });
    cleanups.unshift(async () => {
      const connection = await producer.client;
      await producer.close();
      await connection.quit();
    });
    const recorder = onFailedRecorder();
    let handled = 0;
    queue.process(
      async () => {
        handled += 1;
        return undefined;
      },
      { concurrency: 1, onFailed: recorder.onFailed },
    );

    await producer.add(runAgentJob.name, { runId: 'forged' }, { jobId: 'forged-run', attempts: 3 });
    await recorder.first;

    expect(handled).toBe(0);
    expect(recorder.failures).toHaveLength(1);
    expect(recorder.failures[0]![0]).toEqual({ tenantId: '', workflowId: '', runId: 'forged-run' });
    expect(recorder.failures[0]![1]).toMatch(/invalid run-agent payload/);
  });

  it('fails a job whose worker died more often than maxStalledCount allows, and calls onFailed once', async () => {
    const { queue, options } = start({
      lockDurationMs: 200,
      stalledIntervalMs: 100,
      maxStalledCount: 0,
    });
    const job: RunJob = { tenantId: 't', workflowId: 'w', runId: 'orphaned-run' };
    await queue.enqueue(job);
    // A worker that takes the job and dies: it never renews the lock nor finishes the job.
    const deadConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const dead = new Worker(options.queueName!, null, {
      connection: deadConnection,
      prefix: options.prefix,
      lockDuration: 200,
    });
    expect((await dead.getNextJob('dead-worker'))?.id).toBe(job.runId);
    await dead.close();
    await deadConnection.quit();
    const recorder = onFailedRecorder();
    let handled = 0;
    queue.process(
      async () => {
        handled += 1;
        return undefined;
      },
      { concurrency: 1, onFailed: recorder.onFailed },
    );

    await recorder.first;

    expect(handled).toBe(0);
    expect(recorder.failures).toEqual([[job, 'job stalled more than allowable limit']]);
  });
});
