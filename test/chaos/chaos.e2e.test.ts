import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayProcess, ManagedProcess } from '../e2e/support/processes.ts';
import {
  type ApiClient,
  createApiClient,
  type EventView,
  errorCode,
  type FollowedRun,
  followRun,
  idsStrictlyIncrease,
  isTerminalEvent,
  type RunView,
} from '../robustness/support/client.ts';
import { createFleet, type Fleet } from '../robustness/support/fleet.ts';

/**
 * Issue 4, item 9: 200 runs across two gateways and two workers (real processes, real Redis and
 * PostgreSQL) while one worker and one gateway are SIGKILLed and started again. Clients behave as
 * resilient clients do: a prompt whose gateway dies is sent again through the other one with the
 * same idempotency key, and a stream that drops is resumed through a live gateway with the last
 * event id. Afterwards every run has ended, every subscriber holds exactly the run's replay log,
 * in order, and no message is stored twice.
 *
 * `npm run chaos` runs it alone; `npm test` runs it too (about a minute).
 */

const RUNS = 200;
const WORKFLOWS = 50;
const WORDS = 12;
const SENDERS = 8;

let fleet: Fleet;
/** One client per gateway URL; a gateway started again on its port reuses it. */
const clients = new Map<string, ApiClient>();
let agentId: string;

/** Clients of the gateways running now. */
function liveClients(): ApiClient[] {
  const live = fleet.gateways.filter((g) => g.isRunning()).map((g) => clientOf(g));
  return live.length > 0 ? live : [...clients.values()];
}

function clientOf(gateway: GatewayProcess): ApiClient {
  let client = clients.get(gateway.url);
  if (!client) {
    client = createApiClient(gateway.url, fleet.token);
    clients.set(gateway.url, client);
  }
  return client;
}

beforeAll(async () => {
  fleet = createFleet({ env: { WORKER_CONCURRENCY: '8' } });
  await Promise.all([fleet.startGateway(), fleet.startGateway()]);
  await fleet.startWorker({ env: { WORKER_CONCURRENCY: '8' } });
  await fleet.startWorker({ env: { WORKER_CONCURRENCY: '8' } });
  agentId = await liveClients()[0]!.createAgent();
}, 90_000);

afterAll(async () => {
  for (const client of clients.values()) client.close();
  await fleet?.stop();
}, 30_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => console.error(`Output of the processes:\n${fleet.logs()}`));
});

/** Sends a prompt as a resilient client: through the next live gateway until one answers. */
async function send(
  workflowId: string,
  prompt: string,
  idempotencyKey: string,
  first: number,
): Promise<RunView> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 40; attempt++) {
    const live = liveClients();
    const client = live[(first + attempt) % live.length]!;
    try {
      return await client.sendPrompt({ workflowId, prompt, idempotencyKey });
    } catch (error) {
      // A GraphQL error is an answer; only a gateway that did not answer is retried.
      if (errorCode(error) !== undefined) throw error;
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`prompt ${idempotencyKey} was never accepted: ${String(lastError)}`);
}

/** `task` for every item, at most `size` at once; results in item order. */
async function inBatches<T, R>(
  items: T[],
  size: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    const batch = items.slice(i, i + size);
    results.push(...(await Promise.all(batch.map((item, j) => task(item, i + j)))));
  }
  return results;
}

function byId<T extends { id: string }>(items: T[]): T[] {
  return [...items].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

describe('chaos', () => {
  it('200 runs survive a killed worker and a killed gateway: all end, subscribers hold the replay log, no message twice', async () => {
    const workflows = await Promise.all(
      Array.from({ length: WORKFLOWS }, (_, i) =>
        liveClients()[i % 2]!.createWorkflow({ agentId }),
      ),
    );

    let started = 0;
    let onProgress: () => void = () => {};
    const progressed = (count: number) =>
      new Promise<void>((resolve) => {
        onProgress = () => {
          if (started >= count) resolve();
        };
        onProgress();
      });
    const followed: Promise<{ run: RunView; result: FollowedRun }>[] = [];
    // Eight clients send at once, each prompt once (retried with its idempotency key).
    const sending = Promise.all(
      Array.from({ length: SENDERS }, async (_, sender) => {
        for (let i = sender; i < RUNS; i += SENDERS) {
          const workflowId = workflows[i % WORKFLOWS]!;
          const prompt = `!delay 15\n!words ${WORDS}\nrun ${i}`;
          const run = await send(workflowId, prompt, `chaos-${i}`, i);
          followed.push(
            followRun(liveClients, run.id, {
              first: i,
              timeoutMs: 90_000,
              onEvent: (event: EventView) => {
                if (event.__typename === 'RunStatusEvent' && event.status === 'RUNNING') {
                  started += 1;
                  onProgress();
                }
              },
            }).then((result) => ({ run, result })),
          );
        }
      }),
    );

    await progressed(30);
    const [victimWorker] = fleet.workers.filter((w) => w.isRunning()) as [ManagedProcess];
    await victimWorker.kill();
    await progressed(60);
    const [victimGateway] = fleet.gateways.filter((g) => g.isRunning()) as [GatewayProcess];
    await victimGateway.kill();
    const port = Number(new URL(victimGateway.url).port);
    await Promise.all([fleet.startWorker({ env: { WORKER_CONCURRENCY: '8' } }), sending]);
    await fleet.startGateway({ port });
    const results = await Promise.all(followed);

    // Every run ended, and ended well: one crash is within RUN_MAX_ATTEMPTS.
    expect(results).toHaveLength(RUNS);
    const reader = liveClients()[0]!;
    const runs = await Promise.all(results.map(({ run }) => reader.run(run.id)));
    expect(runs.filter((run) => run.status !== 'SUCCEEDED')).toEqual([]);
    expect(new Set(runs.map((run) => run.id)).size).toBe(RUNS);

    // Every subscriber holds the run's complete replay log, in order, ending once.
    const replays = await inBatches(results, 25, ({ run }, i) =>
      followRun(liveClients, run.id, { first: i }),
    );
    for (const [i, { run, result }] of results.entries()) {
      expect(result.events, `events of run ${run.id}`).toEqual(replays[i]!.events);
      expect(idsStrictlyIncrease(result.events)).toBe(true);
      expect(result.events.filter(isTerminalEvent)).toHaveLength(1);
    }
    expect(results.filter(({ result }) => result.resumes > 0).length).toBeGreaterThan(0);

    // No message stored twice: per workflow, each of its runs' prompt and answer once, in order.
    const expected = Array.from({ length: WORDS }, (_, k) => `w${k + 1}`).join(' ');
    const conversations = await inBatches(workflows, 25, (workflowId) =>
      reader.messages(workflowId),
    );
    for (const messages of conversations) {
      const mine = byId(runs.filter((run) => results.some((r) => r.run.id === run.id)));
      const ofWorkflow = mine.filter((run) => messages.some((m) => m.runId === run.id));
      expect(new Set(messages.map((m) => m.id)).size).toBe(messages.length);
      expect(messages.map((m) => [m.runId, m.role])).toEqual(
        ofWorkflow.flatMap((run) => [
          [run.id, 'USER'],
          [run.id, 'ASSISTANT'],
        ]),
      );
      expect(messages.filter((m) => m.role === 'ASSISTANT').map((m) => m.content)).toEqual(
        ofWorkflow.map(() => expected),
      );
    }
    expect(fleet.running()).toHaveLength(4);
  }, 180_000);
});
