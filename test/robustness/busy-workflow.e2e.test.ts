import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  createApiClient,
  errorCode,
  followRun,
  type RunView,
  type SendPrompt,
  waitForEvent,
} from './support/client.ts';
import { createFleet, type Fleet } from './support/fleet.ts';

/**
 * Issue 4, items 3 and 4: one active run per workflow and idempotent prompts, when several
 * gateways (separate processes) receive prompts for the same workflow at the same moment. Two
 * gateways, two workers, real Redis and PostgreSQL.
 */

let fleet: Fleet;
let a: ApiClient;
let b: ApiClient;
let agentId: string;

beforeAll(async () => {
  fleet = createFleet();
  const [gatewayA, gatewayB] = await Promise.all([
    fleet.startGateway(),
    fleet.startGateway(),
    fleet.startWorker(),
  ]);
  await fleet.startWorker();
  a = createApiClient(gatewayA.url, fleet.token);
  b = createApiClient(gatewayB.url, fleet.token);
  agentId = await a.createAgent();
}, 90_000);

afterAll(async () => {
  a?.close();
  b?.close();
  await fleet?.stop();
}, 30_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => console.error(`Output of the processes:\n${fleet.logs()}`));
});

/** The same prompt `count` times at once, alternately through A and B. */
function burst(count: number, input: SendPrompt) {
  return Promise.allSettled(
    Array.from({ length: count }, (_, i) => (i % 2 === 0 ? a : b).sendPrompt(input)),
  );
}

function fulfilled<T>(results: PromiseSettledResult<T>[]): T[] {
  return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
}

function rejectionCodes(results: PromiseSettledResult<unknown>[]): (string | undefined)[] {
  return results.flatMap((r) => (r.status === 'rejected' ? [errorCode(r.reason)] : []));
}

async function ended(runs: RunView[]): Promise<RunView[]> {
  await Promise.all(runs.map((run) => followRun(() => [a, b], run.id)));
  return Promise.all(runs.map((run) => a.run(run.id)));
}

describe('one active run per workflow, with prompts racing through two gateways', {
  timeout: 90_000,
}, () => {
  it('REJECT: exactly one of ten simultaneous prompts to an idle workflow runs, the others get CONFLICT', async () => {
    const workflowId = await a.createWorkflow({ agentId });

    const results = await burst(10, {
      workflowId,
      prompt: '!delay 20\n!words 10',
      ifBusy: 'REJECT',
    });

    const created = fulfilled(results);
    expect(created).toHaveLength(1);
    expect(rejectionCodes(results)).toEqual(Array(9).fill('CONFLICT'));
    expect(await a.runs(workflowId)).toHaveLength(1);
    expect((await ended(created))[0]?.status).toBe('SUCCEEDED');
  });

  it('INTERRUPT: the active run is cancelled and only the last of six simultaneous prompts survives', async () => {
    const workflowId = await a.createWorkflow({ agentId });
    const active = await a.sendPrompt({ workflowId, prompt: '!delay 100\n!words 100' });
    await waitForEvent(a, active.id, (e) => e.__typename === 'MessageDeltaEvent');

    const results = await burst(6, {
      workflowId,
      prompt: '!delay 10\n!words 5',
      ifBusy: 'INTERRUPT',
    });

    const created = fulfilled(results);
    expect(created).toHaveLength(6);
    const final = await ended([active, ...created]);
    expect(final[0]?.status).toBe('CANCELLED');
    const last = [...created].sort((x, y) => (x.id < y.id ? -1 : 1)).at(-1)!;
    for (const run of final.slice(1)) {
      expect(run.status, `run ${run.id}`).toBe(run.id === last.id ? 'SUCCEEDED' : 'CANCELLED');
    }
  });

  it('ENQUEUE: eight simultaneous prompts all run, one after another, in the order they were stored', async () => {
    const workflowId = await a.createWorkflow({ agentId });

    const results = await burst(8, { workflowId, prompt: '!delay 10\n!words 5' });

    const runs = await ended(fulfilled(results));
    expect(runs.map((run) => run.status)).toEqual(Array(8).fill('SUCCEEDED'));
    const inOrder = [...runs].sort((x, y) => (x.id < y.id ? -1 : 1));
    for (let i = 1; i < inOrder.length; i++) {
      const previous = inOrder[i - 1]!;
      const next = inOrder[i]!;
      expect(Date.parse(next.startedAt!)).toBeGreaterThanOrEqual(Date.parse(previous.finishedAt!));
    }
    const messages = await a.messages(workflowId);
    expect(messages.map((m) => m.runId)).toEqual(inOrder.flatMap((run) => [run.id, run.id]));
  });
});

describe('idempotency keys, with retries racing through two gateways', { timeout: 90_000 }, () => {
  it('returns the same run for the same key and input, and CONFLICT for another input', async () => {
    const workflowId = await a.createWorkflow({ agentId });
    const input = { workflowId, prompt: 'only once', idempotencyKey: `k-${workflowId}` };

    const runs = fulfilled(await burst(6, input));

    expect(runs).toHaveLength(6);
    expect(new Set(runs.map((run) => run.id)).size).toBe(1);
    expect(await a.runs(workflowId)).toHaveLength(1);
    const other = await b.sendPrompt({ ...input, prompt: 'something else' }).catch((e) => e);
    expect(errorCode(other)).toBe('CONFLICT');
    await ended([runs[0]!]);
  });

  it('a retried REJECT or INTERRUPT prompt gets its own active run back instead of a CONFLICT or a cancel', async () => {
    const workflowId = await a.createWorkflow({ agentId });
    const reject = {
      workflowId,
      prompt: '!delay 30\n!words 40',
      ifBusy: 'REJECT' as const,
      idempotencyKey: `r-${workflowId}`,
    };
    const first = await a.sendPrompt(reject);
    await waitForEvent(a, first.id, (e) => e.__typename === 'MessageDeltaEvent');

    const retried = await b.sendPrompt(reject);
    expect(retried.id).toBe(first.id);

    const interrupt = {
      ...reject,
      ifBusy: 'INTERRUPT' as const,
      idempotencyKey: `i-${workflowId}`,
    };
    const second = await b.sendPrompt(interrupt);
    const again = await a.sendPrompt(interrupt);
    expect(again.id).toBe(second.id);

    const [firstEnded, secondEnded] = await ended([first, second]);
    expect(firstEnded?.status).toBe('CANCELLED');
    expect(secondEnded?.status).toBe('SUCCEEDED');
  });
});
