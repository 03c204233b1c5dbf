import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AgentgateClient,
  createAgentgateClient,
  type EventOf,
  isTerminalStatusEvent,
  type Run,
  type Subscription,
  type WorkflowEvent,
} from './support/graphql-client.ts';
import { type Cluster, startCluster } from './support/processes.ts';

/**
 * The distributed mode as deployed: two gateways (A, B) and two workers, each its own OS process,
 * sharing real Redis and PostgreSQL. Every worker runs one run at a time (WORKER_CONCURRENCY=1),
 * so a second run of a workflow is offered to the other worker, and two runs that overlap in time
 * ran on different workers.
 */

/** How long one stream may take to deliver what a test waits for, in ms. */
const STREAM_TIMEOUT_MS = 15_000;
const TEST_TIMEOUT_MS = 30_000;

let cluster: Cluster;
let a: AgentgateClient;
let b: AgentgateClient;
let agentId: string;

beforeAll(async () => {
  cluster = await startCluster({ gateways: 2, workers: 2, workerConcurrency: 1 });
  a = createAgentgateClient(cluster.gateways[0]!.url, { token: cluster.token });
  b = createAgentgateClient(cluster.gateways[1]!.url, { token: cluster.token });
  agentId = await a.createAgent({ name: 'e2e', systemPrompt: 'Echo.', model: 'demo:echo' });
}, 60_000);

afterAll(async () => {
  a?.close();
  b?.close();
  await cluster?.stop();
}, 30_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    console.error(`Output of the Agentgate processes:\n${cluster.logs()}`);
  });
});

afterEach(() => {
  cluster.assertRunning();
});

describe('distributed mode, two gateways and two workers as separate processes', () => {
  it(
    'a client subscribed through gateway A sees a run sent through gateway B',
    async () => {
      const workflowId = await b.createWorkflow(agentId);
      const live = a.workflowEvents(workflowId);
      // Gateway A answers the SSE request only once its live listener is attached, so nothing B
      // publishes from here on can be missed.
      await withTimeout(live.connected, STREAM_TIMEOUT_MS, "A's workflowEvents to connect");

      const prompt = 'hello from gateway B';
      const run = await b.sendPrompt(workflowId, prompt);
      const events = (
        await collect(live, `A's workflowEvents up to the end of run ${run.id}`, {
          until: (event) => event.runId === run.id && isTerminalStatusEvent(event),
        })
      ).filter((event) => event.runId === run.id);

      // QUEUED is published by gateway B and RUNNING … SUCCEEDED by a worker: both reach A.
      expect(statusesOf(events)).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED']);
      expect(events.at(-1)).toMatchObject({ __typename: 'RunStatusEvent', status: 'SUCCEEDED' });
      expectIdsStrictlyIncreasing(events);
      const answer = onlyAssistantMessage(events);
      expect(answer.content).toBe(`echo: ${prompt}`);
      expect(deltasOf(events, answer.id).join('')).toBe(answer.content);
      expect(events.filter((e) => e.__typename === 'UsageEvent')).not.toHaveLength(0);
      const running = events.findIndex(
        (e) => e.__typename === 'RunStatusEvent' && e.status === 'RUNNING',
      );
      const firstDelta = events.findIndex((e) => e.__typename === 'MessageDeltaEvent');
      expect(running).toBeLessThan(firstDelta);

      expect(await b.run(run.id)).toMatchObject({ status: 'SUCCEEDED', output: answer.content });
      expect(await b.messages(workflowId)).toEqual([
        { id: expect.any(String), role: 'USER', content: prompt, runId: run.id },
        { id: answer.id, role: 'ASSISTANT', content: answer.content, runId: run.id },
      ]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a client that disconnects mid-run and resubscribes through the other gateway with after receives every remaining event exactly once, in order',
    async () => {
      const workflowId = await a.createWorkflow(agentId);
      const run = await a.sendPrompt(workflowId, '!delay 30\n!words 60');

      const beforeDisconnect = await collect(a.runEvents(run.id), 'the first ten deltas on A', {
        until: (_, seen) => seen.filter((e) => e.__typename === 'MessageDeltaEvent').length === 10,
      });
      // `collect` disposed the subscription on A: the client is gone while the run still streams
      // (50 deltas, 1.5 s, remain), so B resumes it through replay and then live events.
      expect((await b.run(run.id))?.status).toBe('RUNNING');
      const lastSeen = beforeDisconnect.at(-1)!.id;
      const afterReconnect = await collect(
        b.runEvents(run.id, lastSeen),
        `the rest of the run on B after ${lastSeen}`,
      );
      const replay = await collect(a.runEvents(run.id), 'a full replay of the finished run');

      const received = [...beforeDisconnect, ...afterReconnect];
      expect(received).toEqual(replay);
      expectIdsStrictlyIncreasing(received);
      expect(new Set(received.map((e) => e.id)).size).toBe(received.length);
      expect(received.filter(isTerminalStatusEvent)).toHaveLength(1);
      expect(received.at(-1)).toMatchObject({ __typename: 'RunStatusEvent', status: 'SUCCEEDED' });
      expect(afterReconnect.filter((e) => e.__typename === 'MessageDeltaEvent').length).toBe(50);
      const answer = onlyAssistantMessage(received);
      expect(deltasOf(received, answer.id).join('')).toBe(answer.content);
      expect(answer.content).toBe(Array.from({ length: 60 }, (_, i) => `w${i + 1}`).join(' '));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'runs on two workers of the same workflow run one after another, in order',
    async () => {
      const workflowId = await a.createWorkflow(agentId);
      const prompts = ['!delay 20\nfirst', '!delay 20\nsecond', '!delay 20\nthird'];
      const runs: Run[] = [];
      for (const [i, prompt] of prompts.entries()) {
        runs.push(await via(i).sendPrompt(workflowId, prompt));
      }

      const streams = await Promise.all(
        runs.map((run, i) => collect(via(i + 1).runEvents(run.id), `run ${i + 1} to end`)),
      );
      for (const events of streams) expect(statusesOf(events).at(-1)).toBe('SUCCEEDED');

      expect(
        (await b.messages(workflowId)).map(({ role, content }) => ({ role, content })),
      ).toEqual([
        { role: 'USER', content: prompts[0] },
        { role: 'ASSISTANT', content: 'echo: first' },
        { role: 'USER', content: prompts[1] },
        { role: 'ASSISTANT', content: 'echo: second' },
        { role: 'USER', content: prompts[2] },
        { role: 'ASSISTANT', content: 'echo: third' },
      ]);
      // Each run's conversation events all precede the next run's in the workflow's log.
      for (let i = 1; i < streams.length; i++) {
        const previous = messageEventsOf(streams[i - 1]!).at(-1)!;
        const next = messageEventsOf(streams[i]!)[0]!;
        expect(compareIds(previous.id, next.id)).toBeLessThan(0);
      }
      const ended = await Promise.all(runs.map((run) => endedRun(a, run.id)));
      for (let i = 1; i < ended.length; i++) {
        const previous = ended[i - 1]!;
        const next = ended[i]!;
        expect(Date.parse(previous.finishedAt!)).toBeLessThanOrEqual(Date.parse(next.startedAt!));
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'many runs spread over both workers all finish',
    async () => {
      const count = 20;
      const workflowIds = await Promise.all(
        Array.from({ length: count }, (_, i) => via(i).createWorkflow(agentId)),
      );
      const runs = await Promise.all(
        workflowIds.map((id, i) => via(i).sendPrompt(id, `!delay 10\n!words 10\nrun ${i}`)),
      );

      const streams = await Promise.all(
        runs.map((run, i) => collect(via(i + 1).runEvents(run.id), `run ${i} to end`)),
      );
      expect(streams.map((events) => statusesOf(events).at(-1))).toEqual(
        runs.map(() => 'SUCCEEDED'),
      );

      const ended = await Promise.all(runs.map((run) => endedRun(via(0), run.id)));
      expect(ended.map((run) => run.status)).toEqual(runs.map(() => 'SUCCEEDED'));
      // A worker runs one run at a time, so two runs that overlapped ran on different workers.
      expect(someOverlap(ended)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a cancelled run ends CANCELLED with one terminal event',
    async () => {
      const workflowId = await a.createWorkflow(agentId);
      const run = await a.sendPrompt(workflowId, '!delay 100\n!words 200');
      const stream = a.runEvents(run.id);
      const iterator = stream[Symbol.asyncIterator]();
      const seen: WorkflowEvent[] = [];
      try {
        while (!seen.some((e) => e.__typename === 'MessageDeltaEvent')) {
          const next = await withTimeout(iterator.next(), STREAM_TIMEOUT_MS, 'the first delta');
          if (next.done) throw new Error(`the stream ended before streaming: ${summarize(seen)}`);
          seen.push(next.value);
        }

        const cancelledAt = Date.now();
        await b.cancelRun(run.id);
        for (;;) {
          const next = await withTimeout(iterator.next(), 3_000, 'the end of the cancelled run');
          if (next.done) break;
          seen.push(next.value);
        }
        expect(Date.now() - cancelledAt).toBeLessThan(3_000);
      } finally {
        stream.dispose();
      }

      expect(seen.filter(isTerminalStatusEvent)).toHaveLength(1);
      expect(seen.at(-1)).toMatchObject({ __typename: 'RunStatusEvent', status: 'CANCELLED' });
      expect(seen.filter((e) => e.__typename === 'MessageDeltaEvent').length).toBeLessThan(200);
      expect(await a.run(run.id)).toMatchObject({ status: 'CANCELLED' });
    },
    TEST_TIMEOUT_MS,
  );
});

/** Gateway A for even `i`, B for odd. */
function via(i: number): AgentgateClient {
  return i % 2 === 0 ? a : b;
}

/**
 * Reads `events` until `until` holds (then disposes it) or, without `until`, until the gateway
 * completes it. Fails with what was seen and the processes' output when it takes too long.
 */
async function collect(
  events: Subscription<WorkflowEvent>,
  what: string,
  options: { until?: (event: WorkflowEvent, seen: WorkflowEvent[]) => boolean } = {},
): Promise<WorkflowEvent[]> {
  const seen: WorkflowEvent[] = [];
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    events.dispose();
  }, STREAM_TIMEOUT_MS);
  try {
    for await (const event of events) {
      seen.push(event);
      if (options.until?.(event, seen)) return seen;
    }
  } finally {
    clearTimeout(timer);
  }
  if (timedOut)
    throw new Error(`${what}: not done within ${STREAM_TIMEOUT_MS} ms; saw ${summarize(seen)}`);
  if (options.until) throw new Error(`${what}: the stream completed early; saw ${summarize(seen)}`);
  return seen;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not come within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function summarize(events: WorkflowEvent[]): string {
  const last = events.at(-1);
  return `${events.length} events${last ? `, the last ${JSON.stringify(last)}` : ''}`;
}

function statusesOf(events: WorkflowEvent[]): string[] {
  return events.flatMap((e) => (e.__typename === 'RunStatusEvent' ? [e.status] : []));
}

function deltasOf(events: WorkflowEvent[], messageId: string): string[] {
  return events.flatMap((e) =>
    e.__typename === 'MessageDeltaEvent' && e.messageId === messageId ? [e.delta] : [],
  );
}

function messageEventsOf(events: WorkflowEvent[]): EventOf<'MessageEvent'>[] {
  return events.filter((e): e is EventOf<'MessageEvent'> => e.__typename === 'MessageEvent');
}

function onlyAssistantMessage(events: WorkflowEvent[]) {
  const answers = messageEventsOf(events).filter((e) => e.message.role === 'ASSISTANT');
  expect(answers).toHaveLength(1);
  return answers[0]!.message;
}

/**
 * Orders two event ids. They are opaque to clients; this relies on their current form, the Redis
 * Stream entry id `<ms>-<seq>` (shared/adapters/events/cursor.ts), compared numerically.
 */
function compareIds(left: string, right: string): number {
  const key = (id: string) => {
    const match = /^(\d+)-(\d+)$/.exec(id);
    if (!match) throw new Error(`unexpected event id ${id}`);
    return (BigInt(match[1]!) << 64n) | BigInt(match[2]!);
  };
  const [l, r] = [key(left), key(right)];
  return l < r ? -1 : l > r ? 1 : 0;
}

function expectIdsStrictlyIncreasing(events: WorkflowEvent[]): void {
  for (let i = 1; i < events.length; i++) {
    expect(compareIds(events[i - 1]!.id, events[i]!.id), `event ${i} after event ${i - 1}`).toBe(
      -1,
    );
  }
}

/** The run, which has ended: it has both timestamps. */
async function endedRun(client: AgentgateClient, id: string): Promise<Run> {
  const run = await client.run(id);
  if (!run?.startedAt || !run.finishedAt)
    throw new Error(`run ${id} has not ended: ${JSON.stringify(run)}`);
  return run;
}

/** True when the [startedAt, finishedAt] spans of two of the runs overlap. */
function someOverlap(runs: Run[]): boolean {
  const spans = runs.map((run) => [Date.parse(run.startedAt!), Date.parse(run.finishedAt!)]);
  return spans.some(([start, end], i) =>
    spans.some(([otherStart, otherEnd], j) => i !== j && start! < otherEnd! && otherStart! < end!),
  );
}
