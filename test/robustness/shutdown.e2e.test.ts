import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GatewayProcess, waitUntil } from '../e2e/support/processes.ts';
import {
  type ApiClient,
  createApiClient,
  type EventView,
  followRun,
  idsStrictlyIncrease,
  isTerminalEvent,
  waitForEvent,
} from './support/client.ts';
import { createFleet, type Fleet } from './support/fleet.ts';

/**
 * Issue 4, item 7: graceful shutdown on SIGTERM. A worker stops taking jobs, lets runs in flight
 * finish within WORKER_DRAIN_MS (here 3 s), then hands the rest back to the queue to continue on
 * another worker. A gateway stops accepting requests and ends its SSE streams cleanly, and the
 * clients resume on another gateway with their cursor.
 */

const DRAIN_MS = 3_000;

let fleet: Fleet;
let gatewayA: GatewayProcess;
let a: ApiClient;
let b: ApiClient;
let agentId: string;

beforeAll(async () => {
  fleet = createFleet({ env: { WORKER_DRAIN_MS: String(DRAIN_MS) } });
  const [first, second] = await Promise.all([fleet.startGateway(), fleet.startGateway()]);
  gatewayA = first;
  a = createApiClient(first.url, fleet.token);
  b = createApiClient(second.url, fleet.token);
  agentId = await b.createAgent();
}, 90_000);

afterAll(async () => {
  a?.close();
  b?.close();
  await fleet?.stop();
}, 30_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => console.error(`Output of the processes:\n${fleet.logs()}`));
});

const isDelta = (event: EventView) => event.__typename === 'MessageDeltaEvent';

/** A running worker: the one left by an earlier test, else a new one. */
async function aWorker() {
  return fleet.workers.find((w) => w.isRunning()) ?? (await fleet.startWorker());
}
const logs = (events: EventView[], name: string) =>
  events.filter((e) => e.__typename === 'LogEvent' && e.event === name);

describe('SIGTERM on a worker', () => {
  it('stops taking jobs and lets a run in flight finish within the drain period', async () => {
    // At info level it logs "shutting down" in the tick it stops taking jobs.
    const worker = await fleet.startWorker({
      env: { WORKER_CONCURRENCY: '2', LOG_LEVEL: 'info' },
    });
    const workflowId = await b.createWorkflow({ agentId });
    const other = await b.createWorkflow({ agentId });
    const run = await b.sendPrompt({ workflowId, prompt: '!delay 20\n!words 50' });
    const followed = followRun(() => [b], run.id);
    await waitForEvent(b, run.id, isDelta);

    const stopped = worker.stop(30_000);
    await waitUntil(
      'the worker to begin its shutdown',
      async () => worker.output().includes('"msg":"shutting down"'),
      [worker],
      Date.now() + 20_000,
    );
    // Sent while the worker drains: it has a free slot, but takes no new job.
    const later = await b.sendPrompt({ workflowId: other, prompt: 'after the drain' });
    const exit = await stopped;
    const exitedAt = Date.now();

    expect(exit).toEqual({ code: 0, signal: null });
    const { events } = await followed;
    expect(events.at(-1)).toMatchObject({ status: 'SUCCEEDED' });
    expect(logs(events, 'handed-back')).toEqual([]);
    expect(logs(events, 'retry')).toEqual([]);
    expect((await b.run(later.id)).status).toBe('QUEUED');

    await fleet.startWorker();
    await followRun(() => [b], later.id);
    const done = await b.run(later.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(Date.parse(done.startedAt!)).toBeGreaterThanOrEqual(exitedAt - 50);
  }, 120_000);

  it('hands a run still going after the drain period back to the queue, and another worker finishes it', async () => {
    const holder = await aWorker();
    const workflowId = await b.createWorkflow({ agentId });
    const run = await b.sendPrompt({ workflowId, prompt: '!delay 40\n!words 200' });
    const followed = followRun(() => [b], run.id, { timeoutMs: 45_000 });
    await waitForEvent(b, run.id, isDelta);
    await fleet.startWorker();

    const signalledAt = Date.now();
    const exit = await holder!.stop(30_000);
    const stoppedMs = Date.now() - signalledAt;

    expect(exit).toEqual({ code: 0, signal: null });
    expect(stoppedMs).toBeGreaterThanOrEqual(DRAIN_MS - 100);
    expect(stoppedMs).toBeLessThan(DRAIN_MS + 6_000);
    const { events } = await followed;
    expect(events.map((e) => e.status).filter(Boolean)).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED']);
    const [handedBack] = logs(events, 'handed-back');
    const [retry] = logs(events, 'retry');
    expect(handedBack?.detail).toMatchObject({ attempt: 1 });
    expect(retry?.detail).toMatchObject({ attempt: 2 });
    const abandoned = (handedBack!.detail as { abandonedMessageIds: string[] }).abandonedMessageIds;
    expect((retry!.detail as { abandonedMessageIds: string[] }).abandonedMessageIds).toEqual(
      abandoned,
    );
    const words = Array.from({ length: 200 }, (_, i) => `w${i + 1}`).join(' ');
    expect((await b.messages(workflowId)).map((m) => [m.role, m.content])).toEqual([
      ['USER', run.prompt],
      ['ASSISTANT', words],
    ]);
  }, 120_000);
});

describe('SIGTERM on a gateway', () => {
  it('ends its SSE streams cleanly and exits; the client resumes on another gateway with its cursor and misses nothing', async () => {
    await aWorker();
    const workflowId = await b.createWorkflow({ agentId });
    const run = await b.sendPrompt({ workflowId, prompt: '!delay 40\n!words 100' });
    let deltas = 0;
    let reachedTen!: () => void;
    const tenDeltas = new Promise<void>((resolve) => {
      reachedTen = resolve;
    });
    const followed = followRun(() => [a, b], run.id, {
      onEvent: (event) => {
        if (isDelta(event) && ++deltas === 10) reachedTen();
      },
    });
    await tenDeltas;

    const signalledAt = Date.now();
    const exit = await gatewayA.stop(10_000);

    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    await expect(a.run(run.id)).rejects.toThrow();
    const { events, resumes } = await followed;
    expect(resumes).toBe(1);
    expect(events.filter(isTerminalEvent)).toHaveLength(1);
    expect(idsStrictlyIncrease(events)).toBe(true);
    const { events: replay } = await followRun(() => [b], run.id);
    expect(events).toEqual(replay);
  }, 120_000);
});
