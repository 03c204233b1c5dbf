import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  createApiClient,
  followRun,
  isTerminalEvent,
  waitForEvent,
} from './support/client.ts';
import { createFleet, type Fleet } from './support/fleet.ts';

/**
 * Issue 4, item 5: a run not started within its queue-wait limit, or not finished within its
 * execution limit, ends TIMED_OUT — set per deployment (here 2 s and 3 s) and lowered per
 * workflow — also when no worker is up to notice: gateways sweep for overdue runs too.
 */

const DEPLOYMENT_QUEUE_MS = 2_000;
const DEPLOYMENT_RUN_MS = 3_000;
/** Sweeps every 0.5 s; a RUNNING run gets 2 s of grace for its own worker; slack for the load. */
const SWEEP_SLACK_MS = 4_000;

let fleet: Fleet;
let api: ApiClient;
let agentId: string;

beforeAll(async () => {
  fleet = createFleet({
    env: {
      RUN_QUEUE_TIMEOUT_MS: String(DEPLOYMENT_QUEUE_MS),
      RUN_TIMEOUT_MS: String(DEPLOYMENT_RUN_MS),
    },
  });
  const gateway = await fleet.startGateway();
  api = createApiClient(gateway.url, fleet.token);
  agentId = await api.createAgent();
}, 90_000);

afterAll(async () => {
  api?.close();
  await fleet?.stop();
}, 30_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => console.error(`Output of the processes:\n${fleet.logs()}`));
});

/** Sends a prompt and follows the run to its end; reports how long that took. */
async function sendAndFollow(workflowId: string, prompt: string) {
  const sentAt = Date.now();
  const run = await api.sendPrompt({ workflowId, prompt });
  const { events } = await followRun(() => [api], run.id, { timeoutMs: 60_000 });
  return { run, events, elapsedMs: Date.now() - sentAt, ended: await api.run(run.id) };
}

describe('run timeouts', { timeout: 90_000 }, () => {
  it('ends a run no worker starts within its workflow’s lower queue-wait limit TIMED_OUT, with no worker up at all', async () => {
    const workflowId = await api.createWorkflow({ agentId, queueTimeoutMs: 1_000 });

    const { events, elapsedMs, ended } = await sendAndFollow(workflowId, 'anyone?');

    expect(events.map((e) => e.status)).toEqual(['QUEUED', 'TIMED_OUT']);
    expect(ended).toMatchObject({ status: 'TIMED_OUT', startedAt: null });
    expect(ended.error?.code).toBe('QUEUE_TIMEOUT');
    expect(elapsedMs).toBeGreaterThanOrEqual(1_000);
    expect(elapsedMs).toBeLessThan(1_000 + SWEEP_SLACK_MS);
  });

  it('keeps the deployment’s queue-wait limit when a workflow asks for a higher one', async () => {
    const workflowId = await api.createWorkflow({ agentId, queueTimeoutMs: 600_000 });

    const { ended, elapsedMs } = await sendAndFollow(workflowId, 'anyone?');

    expect(ended.error?.code).toBe('QUEUE_TIMEOUT');
    expect(elapsedMs).toBeGreaterThanOrEqual(DEPLOYMENT_QUEUE_MS);
    expect(elapsedMs).toBeLessThan(DEPLOYMENT_QUEUE_MS + SWEEP_SLACK_MS);
  });

  it('ends a run still going at its workflow’s execution limit TIMED_OUT, keeping what it streamed', async () => {
    await fleet.startWorker();
    const workflowId = await api.createWorkflow({ agentId, runTimeoutMs: 1_000 });

    const { events, ended } = await sendAndFollow(workflowId, '!delay 100\n!words 100');

    expect(events.filter(isTerminalEvent)).toEqual([
      expect.objectContaining({ status: 'TIMED_OUT', error: { code: 'RUN_TIMEOUT' } }),
    ]);
    const ranMs = Date.parse(ended.finishedAt!) - Date.parse(ended.startedAt!);
    expect(ranMs).toBeGreaterThanOrEqual(1_000);
    expect(ranMs).toBeLessThan(3_000);
    const answer = events.find((e) => e.message?.role === 'ASSISTANT')?.message;
    const streamed = events.filter((e) => e.messageId === answer?.id).map((e) => e.delta);
    expect(streamed.join('')).toBe(answer?.content);
  });

  it('ends a run TIMED_OUT at the deployment’s execution limit even when its worker died and none is up', async () => {
    const [worker] = fleet.workers.filter((w) => w.isRunning());
    const workflowId = await api.createWorkflow({ agentId });
    const run = await api.sendPrompt({ workflowId, prompt: '!delay 100\n!words 100' });
    await waitForEvent(api, run.id, (e) => e.__typename === 'MessageDeltaEvent');

    await worker!.kill();
    const { events } = await followRun(() => [api], run.id, { timeoutMs: 60_000 });

    const ended = await api.run(run.id);
    expect(ended).toMatchObject({ status: 'TIMED_OUT', error: { code: 'RUN_TIMEOUT' } });
    expect(events.filter(isTerminalEvent)).toHaveLength(1);
    const ranMs = Date.parse(ended.finishedAt!) - Date.parse(ended.startedAt!);
    expect(ranMs).toBeGreaterThanOrEqual(DEPLOYMENT_RUN_MS);
    expect(ranMs).toBeLessThan(DEPLOYMENT_RUN_MS + SWEEP_SLACK_MS);
  });
});
