import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type AgentgateClient,
  createAgentgateClient,
  createRunTranscript,
  type WorkflowEvent,
} from '../../sdk/index.ts';
import {
  type Cluster,
  freePorts,
  isReady,
  type ManagedProcess,
  startCluster,
  startProcess,
  waitUntil,
} from './support/processes.ts';

/**
 * A run whose process dies mid-answer, watched by a client that renders text (the SDK's
 * transcript, as the console does): the rendered answer is the stored one, once — the abandoned
 * attempt's words are dropped, nothing is announced twice, and the run replays whole afterwards.
 * The embedded mode keeps its event log across restarts (clean and crash); the distributed mode
 * survives a SIGKILLed worker.
 */

const PROMPT = '!delay 60\n!words 40';

/** Streams the run through the SDK until its terminal event, rendering it; resolves with both. */
function watch(client: AgentgateClient, runId: string) {
  const events: WorkflowEvent[] = [];
  const transcript = createRunTranscript();
  const done = (async () => {
    for await (const event of client.streamRun(runId)) {
      events.push(event);
      transcript.apply(event);
    }
  })();
  return { events, transcript, done };
}

/** What a run's event list must show after an attempt died mid-message. */
function expectUnambiguousRetry(events: WorkflowEvent[], stored: string) {
  const retry = events.find((e) => e.__typename === 'LogEvent' && e.event === 'retry') as
    | { detail: { abandonedMessageIds: string[] } }
    | undefined;
  expect(retry, 'a retry LogEvent').toBeDefined();
  const streamedBefore = new Set(
    events
      .slice(0, events.indexOf(retry as unknown as WorkflowEvent))
      .flatMap((e) => (e.__typename === 'MessageDeltaEvent' ? [e.messageId] : [])),
  );
  expect(streamedBefore.size).toBeGreaterThan(0);
  expect(retry!.detail.abandonedMessageIds).toEqual([...streamedBefore]);
  const announced = events.flatMap((e) => (e.__typename === 'MessageEvent' ? [e.message.id] : []));
  expect(new Set(announced).size, 'no message announced twice').toBe(announced.length);
  const running = events.filter((e) => e.__typename === 'RunStatusEvent' && e.status === 'RUNNING');
  expect(running).toHaveLength(1);
  // The client that renders shows the stored answer, once.
  const rendered = createRunTranscript();
  for (const event of events) rendered.apply(event);
  expect(rendered.text()).toBe(stored);
}

describe('the embedded mode across restarts', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'agentgate-durable-'));
  const started: ManagedProcess[] = [];
  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(port: number) {
    const process = startProcess('embedded', 'server/start.mjs', {
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    });
    started.push(process);
    await waitUntil(
      'npm start',
      () => isReady(`http://127.0.0.1:${port}`),
      [process],
      Date.now() + 60_000,
    );
    return process;
  }

  it('replays a finished run after a clean restart, and renders a crashed run once', async () => {
    const [port] = (await freePorts(1)) as [number];
    const url = `http://127.0.0.1:${port}/graphql`;
    let server = await start(port);
    const client = createAgentgateClient({
      url,
      retry: { minDelayMs: 100, maxDelayMs: 500, maxAttempts: 200 },
    });
    try {
      const agent = await client.createAgent({ name: 'E', systemPrompt: 'x', model: 'demo:echo' });
      const workflow = await client.createWorkflow({ agentId: agent.id });

      // A finished run, then a clean restart: it replays whole, final status included.
      const finished = await client.sendPrompt({ workflowId: workflow.id, prompt: '!words 3' });
      const before = watch(client, finished.id);
      await before.done;
      await server.stop();
      server = await start(port);
      const after = watch(client, finished.id);
      await after.done;
      expect(after.events.map((e) => e.id)).toEqual(before.events.map((e) => e.id));
      expect(after.events.at(-1)).toMatchObject({
        __typename: 'RunStatusEvent',
        status: 'SUCCEEDED',
      });

      // A crash mid-answer: the client keeps watching through the restart.
      const run = await client.sendPrompt({ workflowId: workflow.id, prompt: PROMPT });
      const live = watch(client, run.id);
      await waitUntil(
        'ten words',
        async () => live.events.filter((e) => e.__typename === 'MessageDeltaEvent').length >= 10,
        [server],
        Date.now() + 30_000,
      );
      await server.kill();
      server = await start(port);
      await live.done;
      const stored = await client.run(run.id);
      expect(stored?.status).toBe('SUCCEEDED');
      expect(stored?.output).toBe(Array.from({ length: 40 }, (_, i) => `w${i + 1}`).join(' '));
      expect(live.transcript.text()).toBe(stored?.output);
      expectUnambiguousRetry(live.events, stored!.output!);
      // And its replay after the fact tells the same story.
      const replay = watch(client, run.id);
      await replay.done;
      expectUnambiguousRetry(replay.events, stored!.output!);
    } finally {
      client.dispose();
    }
  }, 240_000);
});

describe('the distributed mode when a worker dies mid-answer', () => {
  let cluster: Cluster;
  afterAll(async () => {
    await cluster?.stop();
  });

  it('renders the answer once on a client watching through the takeover', async () => {
    cluster = await startCluster({
      gateways: 1,
      workers: 2,
      workerConcurrency: 2,
      env: { QUEUE_LOCK_DURATION_MS: '2000', QUEUE_STALLED_INTERVAL_MS: '1000' },
    });
    const client = createAgentgateClient({
      url: `${cluster.gateways[0]!.url}/graphql`,
      token: cluster.token,
    });
    try {
      const agent = await client.createAgent({ name: 'D', systemPrompt: 'x', model: 'demo:echo' });
      const workflow = await client.createWorkflow({ agentId: agent.id });
      const run = await client.sendPrompt({ workflowId: workflow.id, prompt: PROMPT });
      const live = watch(client, run.id);
      await waitUntil(
        'ten words',
        async () => live.events.filter((e) => e.__typename === 'MessageDeltaEvent').length >= 10,
        [],
        Date.now() + 30_000,
      );
      const holder = await findHolder(cluster);
      await holder.kill();
      await live.done;
      const stored = await client.run(run.id);
      expect(stored?.status).toBe('SUCCEEDED');
      expect(live.transcript.text()).toBe(stored?.output);
      expectUnambiguousRetry(live.events, stored!.output!);
    } finally {
      client.dispose();
    }
  }, 180_000);
});

/** The worker process executing the run: its metrics report a busy slot. */
async function findHolder(cluster: Cluster) {
  for (const worker of cluster.workers) {
    const metrics = await (await fetch(`${worker.metricsUrl}/metrics`)).text();
    if (/^agentgate_worker_slots_busy(\{[^}]*\})? [1-9]/m.test(metrics)) return worker;
  }
  throw new Error(`no worker reports a busy slot\n${cluster.logs()}`);
}
