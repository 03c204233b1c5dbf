import { describe, expect, it } from 'vitest';
import { createInProcessJobQueue } from './in-process-job-queue.ts';
import { describeJobQueueContract } from './job-queue.contract.ts';
import type { QueueLogger } from './job-queue-common.ts';

const silentLogger: QueueLogger = { debug() {}, info() {}, warn() {}, error() {} };

describeJobQueueContract('InProcessJobQueue', async (options) => {
  const queue = createInProcessJobQueue({
    attempts: options?.attempts ?? 3,
    backoffMs: options?.backoffMs ?? 5,
    logger: silentLogger,
  });
  return {
    queue,
    // One process holds the only in-memory queue, so "another process" is the same instance.
    peer: async () => queue,
    cleanup: () => queue.close(),
  };
});

describe('InProcessJobQueue', () => {
  it('rejects impossible options at construction', () => {
    expect(() => createInProcessJobQueue({ attempts: 0 })).toThrow(/attempts/);
    expect(() => createInProcessJobQueue({ backoffMs: -1 })).toThrow(/backoffMs/);
    expect(() => createInProcessJobQueue({ retainFinished: -1 })).toThrow(/retainFinished/);
  });

  it('never runs a handler inside enqueue', async () => {
    const queue = createInProcessJobQueue({ logger: silentLogger });
    let handled = false;
    queue.process(
      async () => {
        handled = true;
        return undefined;
      },
      { concurrency: 1 },
    );

    await queue.enqueue({ tenantId: 't', workflowId: 'w', runId: 'r-sync' });

    expect(handled).toBe(false);
    await queue.close();
  });

  it('closes while a retry is pending, and refuses new jobs afterwards', async () => {
    const queue = createInProcessJobQueue({ backoffMs: 60_000, logger: silentLogger });
    let failedOnce!: () => void;
    const failed = new Promise<void>((resolve) => {
      failedOnce = resolve;
    });
    const processor = queue.process(
      async () => {
        failedOnce();
        throw new Error('transient');
      },
      { concurrency: 1 },
    );
    await queue.enqueue({ tenantId: 't', workflowId: 'w', runId: 'r-delayed' });
    await failed;

    // The processor's close waits for the attempt's bookkeeping, which schedules the retry.
    await processor.close();
    await queue.close();

    await expect(queue.enqueue({ tenantId: 't', workflowId: 'w', runId: 'r-2' })).rejects.toThrow(
      /closed/,
    );
  });
});
