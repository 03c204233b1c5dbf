import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GatewayProcess, isReady, waitUntil } from '../e2e/support/processes.ts';
import {
  type ApiClient,
  createApiClient,
  followRun,
  isTerminalEvent,
  TERMINAL,
} from './support/client.ts';
import { createFleet, type Fleet } from './support/fleet.ts';
import { type RedisServer, startRedisServer } from './support/redis-server.ts';

/**
 * Issue 4, item 8: Redis restarts while runs stream. The deployment (two gateways, two workers)
 * runs on a redis-server of this test's own, which is SIGKILLed mid-stream and started again
 * empty (no persistence: queued jobs and replay logs are gone). Every process reconnects by
 * itself and stays up, every subscriber still sees its run end exactly once, and every run ends:
 * the runs whose jobs Redis lost are offered to the queue again by the sweepers.
 */

let redis: RedisServer;
let fleet: Fleet;
let gateways: GatewayProcess[];
let clients: ApiClient[];

beforeAll(async () => {
  redis = await startRedisServer();
  fleet = createFleet({ redisUrl: redis.url });
  gateways = await Promise.all([fleet.startGateway(), fleet.startGateway()]);
  await fleet.startWorker({ env: { WORKER_CONCURRENCY: '3' } });
  await fleet.startWorker({ env: { WORKER_CONCURRENCY: '3' } });
  clients = gateways.map((gateway) => createApiClient(gateway.url, fleet.token));
}, 90_000);

afterAll(async () => {
  for (const client of clients ?? []) client.close();
  await fleet?.stop();
  await redis?.stop();
}, 30_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => console.error(`Output of the processes:\n${fleet.logs()}`));
});

describe('a Redis restart while runs stream', () => {
  it('is survived by every process, and every run ends exactly once', async () => {
    const [a, b] = clients as [ApiClient, ApiClient];
    const agentId = await a.createAgent();
    const workflows = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).createWorkflow({ agentId })),
    );
    // Two runs per workflow: the first streams for ~3 s, the second waits for it.
    const runs = [];
    for (const workflowId of workflows) {
      for (const turn of [1, 2]) {
        runs.push(
          await (turn === 1 ? a : b).sendPrompt({
            workflowId,
            prompt: `!delay 50\n!words 60\nturn ${turn}`,
          }),
        );
      }
    }
    let streaming!: () => void;
    const someStreaming = new Promise<void>((resolve) => {
      streaming = resolve;
    });
    let deltas = 0;
    const followed = runs.map((run, i) =>
      followRun(() => clients, run.id, {
        first: i,
        timeoutMs: 60_000,
        onEvent: (event) => {
          if (event.__typename === 'MessageDeltaEvent' && ++deltas === 20) streaming();
        },
      }),
    );
    await someStreaming;

    await redis.kill();
    // Restarted once the gateways have noticed (their readiness fails without Redis).
    await waitUntil(
      'the gateways to report Redis gone',
      async () => !(await isReady(gateways[0]!.url).catch(() => false)),
      gateways,
      Date.now() + 15_000,
    );
    await redis.start();
    const results = await Promise.all(followed);

    expect(fleet.running()).toHaveLength(4);
    for (const [i, { events }] of results.entries()) {
      expect(events.filter(isTerminalEvent), `run ${runs[i]!.id}`).toHaveLength(1);
    }
    const ended = await Promise.all(runs.map((run) => a.run(run.id)));
    expect(ended.every((run) => TERMINAL.has(run.status))).toBe(true);
    expect(ended.map((run) => run.status)).toEqual(runs.map(() => 'SUCCEEDED'));
    for (const workflowId of workflows) {
      const messages = await b.messages(workflowId);
      expect(messages.map((m) => m.role)).toEqual(['USER', 'ASSISTANT', 'USER', 'ASSISTANT']);
    }
    // The replay log Redis holds now (the old one was lost) has no second end for any run.
    for (const run of runs) {
      const { events } = await followRun(() => clients, run.id);
      expect(events.filter(isTerminalEvent)).toHaveLength(1);
    }
  }, 120_000);
});
