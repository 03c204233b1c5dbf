import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_NAME } from '../../shared/adapters/queue/bullmq-job-queue.ts';
import { type FakeProviderServer, startFakeOpenAIServer } from '../fixtures/fake-openai-server.ts';
import {
  type ApiClient,
  createApiClient,
  type EventView,
  followRun,
  isTerminalEvent,
  waitForEvent,
} from './support/client.ts';
import { createFleet, type Fleet } from './support/fleet.ts';

/**
 * Issue 4, items 2 and 6 across processes: `cancelRun` through one gateway stops a run executing
 * in a worker process within a second, tearing down the model's HTTP stream (a fake OpenAI server
 * in this test process sees the connection closed); queued runs leave the queue; cancelling is
 * idempotent. And provider failures seen from the outside: a 429 is retried after its
 * Retry-After with a LogEvent, a 400 fails the run at once.
 */

let provider: FakeProviderServer;
let fleet: Fleet;
let a: ApiClient;
let b: ApiClient;
let fakeAgent: string;
let demoAgent: string;
let redis: Redis;
let queue: Queue;

beforeAll(async () => {
  provider = await startFakeOpenAIServer();
  fleet = createFleet({
    env: {
      PROVIDERS: JSON.stringify([
        { name: 'fake', type: 'openai', baseURL: provider.baseURL, apiKey: 'sk-test-000000' },
      ]),
    },
  });
  const [gatewayA, gatewayB] = await Promise.all([fleet.startGateway(), fleet.startGateway()]);
  await fleet.startWorker();
  a = createApiClient(gatewayA.url, fleet.token);
  b = createApiClient(gatewayB.url, fleet.token);
  [fakeAgent, demoAgent] = await Promise.all([a.createAgent('fake:gpt-4.1'), a.createAgent()]);
  redis = new Redis(fleet.redisUrl, { maxRetriesPerRequest: null });
  queue = new Queue(DEFAULT_QUEUE_NAME, { connection: redis, prefix: fleet.redisPrefix });
}, 90_000);

afterAll(async () => {
  a?.close();
  b?.close();
  await queue?.close();
  redis?.disconnect();
  await fleet?.stop();
  await provider?.close();
}, 30_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => console.error(`Output of the processes:\n${fleet.logs()}`));
});

const isDelta = (event: EventView) => event.__typename === 'MessageDeltaEvent';

describe('cancelling across processes', { timeout: 90_000 }, () => {
  it('stops a run streaming from a model in a worker within one second, closing the model connection', async () => {
    provider.enqueue({ kind: 'text', chunks: ['Partial ', 'answer'], hold: true });
    const requestsBefore = provider.requests.length;
    const workflowId = await a.createWorkflow({ agentId: fakeAgent });
    const run = await a.sendPrompt({ workflowId, prompt: 'Tell me everything.' });
    const followed = followRun(() => [a], run.id);
    await waitForEvent(a, run.id, isDelta);
    const request = provider.requests[requestsBefore]!;

    const cancelledAt = Date.now();
    let closedMs = Number.POSITIVE_INFINITY;
    const closed = request.closed.then((how) => {
      closedMs = Date.now() - cancelledAt;
      return how;
    });
    const cancelled = await b.cancelRun(run.id);
    const answeredMs = Date.now() - cancelledAt;

    // Stopped within a second: the worker tore the model's HTTP stream down.
    expect(await closed).toBe('aborted');
    expect(closedMs).toBeLessThan(1_000);
    // The answer waits for the worker's CANCELLED event (a few round trips more).
    expect(cancelled.status).toBe('CANCELLED');
    expect(answeredMs).toBeLessThan(3_000);
    const { events } = await followed;
    expect(events.filter(isTerminalEvent)).toEqual([
      expect.objectContaining({ status: 'CANCELLED' }),
    ]);
    // The streamed part is kept as the run's answer: its deltas add up to the stored message.
    const answer = events.find((e) => e.message?.role === 'ASSISTANT')?.message;
    expect(answer?.content).toBe('Partial answer');
  });

  it('takes a queued run off the queue', async () => {
    // The only worker is busy with a long run, so the next one waits in the queue.
    const busyWorkflow = await a.createWorkflow({ agentId: demoAgent });
    const busy = await a.sendPrompt({ workflowId: busyWorkflow, prompt: '!delay 100\n!words 100' });
    await waitForEvent(a, busy.id, isDelta);
    const workflowId = await a.createWorkflow({ agentId: demoAgent });
    const queued = await a.sendPrompt({ workflowId, prompt: 'wait for me' });
    expect(await queue.getJobState(queued.id)).toBe('waiting');

    const cancelled = await b.cancelRun(queued.id);

    expect(cancelled).toMatchObject({ status: 'CANCELLED', startedAt: null });
    expect(await queue.getJobState(queued.id)).toBe('unknown');
    const { events } = await followRun(() => [b], queued.id);
    expect(events.map((e) => e.status)).toEqual(['QUEUED', 'CANCELLED']);
    await a.cancelRun(busy.id);
  });

  it('is harmless twice, even at once through two gateways, and returns a finished run unchanged', async () => {
    const workflowId = await a.createWorkflow({ agentId: demoAgent });
    const run = await a.sendPrompt({ workflowId, prompt: '!delay 100\n!words 100' });
    await waitForEvent(a, run.id, isDelta);

    const [viaA, viaB] = await Promise.all([a.cancelRun(run.id), b.cancelRun(run.id)]);
    const again = await b.cancelRun(run.id);

    expect(viaA.status).toBe('CANCELLED');
    expect(viaB).toEqual(viaA);
    expect(again).toEqual(viaA);
    const { events } = await followRun(() => [a], run.id);
    expect(events.filter(isTerminalEvent)).toHaveLength(1);

    const done = await a.sendPrompt({ workflowId, prompt: 'quick' });
    await followRun(() => [a], done.id);
    const finished = await a.run(done.id);
    expect(finished.status).toBe('SUCCEEDED');
    expect(await b.cancelRun(done.id)).toEqual(finished);
  });
});

describe('model provider failures seen from a worker', { timeout: 90_000 }, () => {
  it('retries a 429 after its Retry-After, logging the retry, and succeeds', async () => {
    provider.enqueue(
      { kind: 'error', status: 429, retryAfterSeconds: 1 },
      { kind: 'text', chunks: ['Fine', '.'] },
    );
    const workflowId = await a.createWorkflow({ agentId: fakeAgent });
    const run = await a.sendPrompt({ workflowId, prompt: 'Hello' });

    const { events } = await followRun(() => [a], run.id);

    const retries = events.filter((e) => e.event === 'model-retry');
    expect(retries).toHaveLength(1);
    expect(retries[0]?.detail).toMatchObject({ retry: 1, delayMs: 1_000, status: 429 });
    expect(events.at(-1)).toMatchObject({ status: 'SUCCEEDED' });
    expect((await a.run(run.id)).output).toBe('Fine.');
  });

  it('fails a run at once on a 400, without retrying', async () => {
    provider.enqueue({ kind: 'error', status: 400, message: 'Unknown parameter.' });
    const requestsBefore = provider.requests.length;
    const workflowId = await a.createWorkflow({ agentId: fakeAgent });
    const run = await a.sendPrompt({ workflowId, prompt: 'Hello' });

    const { events } = await followRun(() => [a], run.id);

    expect(events.filter((e) => e.event === 'model-retry')).toEqual([]);
    expect(events.at(-1)).toMatchObject({
      status: 'FAILED',
      error: { code: 'PROVIDER_BAD_REQUEST' },
    });
    expect(provider.requests.length - requestsBefore).toBe(1);
  });
});
