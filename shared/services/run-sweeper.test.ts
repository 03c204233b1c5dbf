import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessEventBus } from '../adapters/events/in-process-event-bus.ts';
import { createInProcessJobQueue } from '../adapters/queue/in-process-job-queue.ts';
import { createPgliteStore } from '../adapters/store/sql/pglite-store.ts';
import type { Run } from '../domain/types.ts';
import { newId } from '../ids.ts';
import { createSilentLogger } from '../logger.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { JobQueue, RunJob } from '../ports/job-queue.ts';
import type { NewRun, Store } from '../ports/store.ts';
import {
  RUNNING_TIMEOUT_GRACE_MS,
  type RunSweeperOptions,
  startRunSweeper,
} from './run-sweeper.ts';
import { effectiveLimitMs } from './run-timeouts.ts';

let store: Store;
let bus: EventBus;
const tenantId = `t-${newId()}`;

beforeAll(async () => {
  store = createPgliteStore();
  await store.init();
  bus = createInProcessEventBus();
});

afterAll(async () => {
  await bus.close();
  await store.close();
});

/** A queue that only records what it is asked, standing in for one no worker reads. */
function recordingQueue() {
  const calls: string[] = [];
  const queue: JobQueue = {
    enqueue: async (job: RunJob) => void calls.push(`enqueue ${job.runId}`),
    remove: async (runId) => {
      calls.push(`remove ${runId}`);
      return true;
    },
    requestCancel: async (runId) => void calls.push(`cancel ${runId}`),
    process: () => {
      throw new Error('no processing here');
    },
    ping: async () => {},
    close: async () => {},
  };
  return { queue, calls };
}

async function newRun(extra: Partial<NewRun> = {}): Promise<Run> {
  const agent = await store.agents.create({
    tenantId,
    name: 'A',
    systemPrompt: '',
    model: 'demo:echo',
    description: null,
  });
  const workflow = await store.workflows.create({
    tenantId,
    agentId: agent.id,
    title: null,
    model: null,
    maxTurns: 1,
  });
  const { run } = await store.runs.create(
    {
      tenantId,
      workflowId: workflow.id,
      prompt: 'p',
      idempotencyKey: null,
      eventsAfter: null,
      ...extra,
    },
    { idempotencyWindowMs: 0 },
  );
  return run;
}

function sweeper(queue: JobQueue, overrides: Partial<RunSweeperOptions> = {}) {
  return startRunSweeper({
    store,
    bus,
    queue,
    logger: createSilentLogger(),
    // The tests sweep by hand.
    intervalMs: 3_600_000,
    requeueAfterMs: 3_600_000,
    ...overrides,
  });
}

async function statusEvents(run: Run): Promise<string[]> {
  const events = await bus.read(run.workflowId, null, 1_000);
  return events.flatMap((e) =>
    e.type === 'RunStatusEvent' && e.runId === run.id ? [e.status] : [],
  );
}

describe('the run sweeper', () => {
  it('ends a run that waited past its queue-wait limit TIMED_OUT and removes its job, with no worker up', async () => {
    const { queue, calls } = recordingQueue();
    const run = await newRun({ queueTimeoutMs: -1 });
    const fresh = await newRun({ queueTimeoutMs: 60_000 });
    const subject = sweeper(queue);

    await subject.sweep();
    await subject.stop();

    const [ended, waiting] = await store.runs.getMany(tenantId, [run.id, fresh.id]);
    expect(ended).toMatchObject({ status: 'TIMED_OUT', error: { code: 'QUEUE_TIMEOUT' } });
    expect(waiting?.status).toBe('QUEUED');
    expect(await statusEvents(run)).toEqual(['TIMED_OUT']);
    expect(calls).toContain(`remove ${run.id}`);
  });

  it('leaves an overdue RUNNING run to its worker for a grace period, then ends it and stops the worker', async () => {
    const { queue, calls } = recordingQueue();
    // Overdue, but by less than the grace period: its worker's own timer ends it.
    const run = await newRun({ runTimeoutMs: -100 });
    const long = await newRun({ runTimeoutMs: -RUNNING_TIMEOUT_GRACE_MS - 1_000 });
    await store.runs.start(tenantId, run.id);
    await store.runs.start(tenantId, long.id);
    const subject = sweeper(queue);

    await subject.sweep();
    await subject.stop();

    const [justOverdue, longOverdue] = await store.runs.getMany(tenantId, [run.id, long.id]);
    expect(justOverdue?.status).toBe('RUNNING');
    expect(longOverdue).toMatchObject({ status: 'TIMED_OUT', error: { code: 'RUN_TIMEOUT' } });
    expect(calls).toEqual([`cancel ${long.id}`]);
  });

  it('ends a run once when sweepers of several processes race', async () => {
    const run = await newRun({ queueTimeoutMs: -1 });
    const subjects = Array.from({ length: 4 }, () => sweeper(recordingQueue().queue));

    const reports = await Promise.all(subjects.map((subject) => subject.sweep()));
    await Promise.all(subjects.map((subject) => subject.stop()));

    expect(await statusEvents(run)).toEqual(['TIMED_OUT']);
    expect(reports.reduce((sum, report) => sum + report.timedOut, 0)).toBeGreaterThanOrEqual(1);
  });

  it('offers runs that have waited long to the queue again, where their job may have been lost', async () => {
    const queue = createInProcessJobQueue();
    const handled: string[] = [];
    let done!: () => void;
    const requeued = new Promise<void>((resolve) => {
      done = resolve;
    });
    const run = await newRun();
    queue.process(
      async (job) => {
        handled.push(job.runId);
        if (job.runId === run.id) done();
        return undefined;
      },
      { concurrency: 1 },
    );
    const subject = sweeper(queue, { requeueAfterMs: 0 });

    await subject.sweep();
    await requeued;
    await subject.stop();
    await queue.close();

    expect(handled).toContain(run.id);
  });

  it('announces the end of a run whose process died between ending it and announcing it, once', async () => {
    const run = await newRun();
    await store.runs.start(tenantId, run.id);
    // Ended in the store a while ago; the process that ended it died before publishing.
    await store.runs.transition(tenantId, run.id, ['RUNNING'], {
      status: 'SUCCEEDED',
      finishedAt: new Date(Date.now() - 60_000),
    });
    const subjects = [sweeper(recordingQueue().queue), sweeper(recordingQueue().queue)];

    const reports = await Promise.all(subjects.map((subject) => subject.sweep()));
    await subjects[0]!.sweep();
    await Promise.all(subjects.map((subject) => subject.stop()));

    expect(await statusEvents(run)).toEqual(['SUCCEEDED']);
    expect(reports.some((report) => report.announced > 0)).toBe(true);
    const unannounced = await store.runs.listUnannounced(new Date(), 10_000);
    expect(unannounced.map((r) => r.id)).not.toContain(run.id);
  });

  it('takes the lower of the deployment and workflow limits', () => {
    expect(effectiveLimitMs(60_000, null)).toBe(60_000);
    expect(effectiveLimitMs(60_000, 5_000)).toBe(5_000);
    expect(effectiveLimitMs(60_000, 120_000)).toBe(60_000);
    expect(effectiveLimitMs(undefined, 5_000)).toBe(5_000);
    expect(effectiveLimitMs(undefined, null)).toBeNull();
  });
});
