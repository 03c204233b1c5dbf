import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AgentgateClient,
  createAgentgateClient,
  type WorkflowEvent,
} from './support/graphql-client.ts';
import { freePorts, type ManagedProcess, startProcess } from './support/processes.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'agentgate-embedded-'));
let port: number;

async function startEmbedded(): Promise<{ process: ManagedProcess; client: AgentgateClient }> {
  const child = startProcess('embedded', 'server/embedded.ts', {
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (!child.isRunning() || Date.now() > deadline) {
      await child.stop();
      throw new Error(`npm start did not become ready:\n${child.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { process: child, client: createAgentgateClient(url) };
}

async function drain(events: AsyncIterable<WorkflowEvent>): Promise<WorkflowEvent[]> {
  const all: WorkflowEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

let embedded: Awaited<ReturnType<typeof startEmbedded>>;
beforeAll(async () => {
  [port] = (await freePorts(1)) as [number];
  embedded = await startEmbedded();
}, 90_000);
afterAll(async () => {
  embedded?.client.close();
  await embedded?.process.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start (embedded, one process, PGlite on disk)', () => {
  let workflowId: string;
  let runId: string;

  it('streams a demo:echo run over real HTTP and SSE, and stores what it streamed', async () => {
    const { client } = embedded;
    const agentId = await client.createAgent({ name: 'e', systemPrompt: 's', model: 'demo:echo' });
    workflowId = await client.createWorkflow(agentId);
    const run = await client.sendPrompt(workflowId, 'streamed over http');
    runId = run.id;
    const events = await drain(client.runEvents(run.id));

    const statuses = events.flatMap((e) => (e.__typename === 'RunStatusEvent' ? [e.status] : []));
    expect(statuses).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED']);
    const deltas = events.flatMap((e) => (e.__typename === 'MessageDeltaEvent' ? [e.delta] : []));
    const assistant = events.flatMap((e) =>
      e.__typename === 'MessageEvent' && e.message.role === 'ASSISTANT' ? [e.message.content] : [],
    );
    expect(deltas.join('')).toBe('echo: streamed over http');
    expect(assistant).toEqual([deltas.join('')]);
    expect(events.some((e) => e.__typename === 'UsageEvent')).toBe(true);

    const stored = await client.run(run.id);
    expect(stored).toMatchObject({ status: 'SUCCEEDED', output: 'echo: streamed over http' });
    const messages = await client.messages(workflowId);
    expect(messages.map((m) => [m.role, m.content])).toEqual([
      ['USER', 'streamed over http'],
      ['ASSISTANT', 'echo: streamed over http'],
    ]);
  });

  it('keeps agents, workflows, runs and messages across a restart', async () => {
    embedded.client.close();
    const exit = await embedded.process.stop();
    expect(exit.code).toBe(0);
    embedded = await startEmbedded();
    const run = await embedded.client.run(runId);
    expect(run).toMatchObject({ status: 'SUCCEEDED', output: 'echo: streamed over http' });
    const messages = await embedded.client.messages(workflowId);
    expect(messages).toHaveLength(2);
    const next = await embedded.client.sendPrompt(workflowId, 'after restart');
    const events = await drain(embedded.client.runEvents(next.id));
    expect(events.at(-1)).toMatchObject({ __typename: 'RunStatusEvent', status: 'SUCCEEDED' });
    expect((await embedded.client.messages(workflowId)).map((m) => m.content)).toEqual([
      'streamed over http',
      'echo: streamed over http',
      'after restart',
      'echo: after restart',
    ]);
  }, 90_000);
});

describe('configuration errors', () => {
  it('stops `npm run gateway` without Redis or a store, listing every problem at once', async () => {
    const child = startProcess('bad-gateway', 'server/main.ts', {
      PORT: 'not-a-port',
      WORKER_CONCURRENCY: '0',
    });
    const exit = await child.exited;
    expect(exit.code).toBe(1);
    const output = child.output();
    for (const name of ['PORT', 'WORKER_CONCURRENCY', 'REDIS_URL', 'DATABASE_URL']) {
      expect(output).toContain(name);
    }
  });
});
