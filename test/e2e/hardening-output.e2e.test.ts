import { type IncomingMessage, request } from 'node:http';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeProviderServer, startFakeOpenAIServer } from '../fixtures/fake-openai-server.ts';
import { scrape, sumOf } from '../support/prometheus.ts';
import {
  type AgentgateClient,
  createAgentgateClient,
  isTerminalStatusEvent,
  type Run,
} from './support/graphql-client.ts';
import { type Cluster, DEFAULT_TEST_REDIS_URL, startCluster } from './support/processes.ts';

/**
 * Issue #12, items 5 and 6 (NUL bytes), against real processes: a gateway and a worker over
 * Redis and PostgreSQL, the model a tenant's OpenAI-compatible endpoint (the fake server, as a
 * deployment provider) that talks without end, sends one huge chunk, or a NUL byte; SSE clients
 * that stop reading. Limits as documented in docs/limits.md.
 */

const MAX_MESSAGE_CHARS = 10_000_000;
const MAX_DELTA_CHARS = 16_384;
const SSE_MAX_BUFFERED_BYTES = 1024 * 1024;
const MB = 1024 * 1024;
/** Generous bounds of RSS growth: the attack grew a worker by 300 MB and a gateway by 744 MB. */
const WORKER_RSS_BOUND = 200 * MB;
const GATEWAY_RSS_BOUND = 200 * MB;

let provider: FakeProviderServer;
let cluster: Cluster;
let client: AgentgateClient;
let agentId: string;

beforeAll(async () => {
  provider = await startFakeOpenAIServer();
  cluster = await startCluster({
    gateways: 1,
    workers: 1,
    workerConcurrency: 2,
    env: {
      PROVIDERS: JSON.stringify([
        { name: 'tenant', type: 'openai-compatible', baseURL: provider.baseURL },
      ]),
      MAX_MESSAGE_CHARS: String(MAX_MESSAGE_CHARS),
      MAX_DELTA_CHARS: String(MAX_DELTA_CHARS),
      SSE_MAX_BUFFERED_BYTES: String(SSE_MAX_BUFFERED_BYTES),
    },
  });
  client = createAgentgateClient(cluster.gateways[0]!.url, { token: cluster.token });
  agentId = await client.createAgent({
    name: 'talker',
    systemPrompt: 'Talk.',
    model: 'tenant:any-model',
  });
}, 90_000);

afterAll(async () => {
  client?.close();
  await cluster?.stop();
  await provider?.close();
}, 60_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => console.error(`Output of the Agentgate processes:\n${cluster.logs()}`));
});

const rssOf = async (metricsUrl: string) =>
  sumOf(await scrape(`${metricsUrl}/metrics`), 'process_resident_memory_bytes') ?? 0;

/** Samples a process's RSS every 100 ms until stopped; resolves with the highest sample. */
function samplePeakRss(metricsUrl: string) {
  let peak = 0;
  let running = true;
  const done = (async () => {
    while (running) {
      peak = Math.max(peak, await rssOf(metricsUrl).catch(() => 0));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return peak;
  })();
  return {
    stop: () => {
      running = false;
      return done;
    },
  };
}

async function waitForEnd(runId: string, timeoutMs = 60_000): Promise<Run> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await client.run(runId);
    if (run && !['QUEUED', 'RUNNING'].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not end: ${run?.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The run's error, which the shared client does not select. */
async function runError(runId: string): Promise<{ code: string; message: string } | null> {
  const response = await fetch(`${cluster.gateways[0]!.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${cluster.token}` },
    body: JSON.stringify({
      query: 'query ($id: ID!) { run(id: $id) { error { code message } } }',
      variables: { id: runId },
    }),
  });
  return ((await response.json()) as { data: { run: { error: never } } }).data.run.error;
}

interface Frame {
  event: string;
  data: string;
}

function parseFrames(raw: string): Frame[] {
  return raw
    .split('\n\n')
    .map((block) => {
      const frame: Partial<Frame> = {};
      for (const line of block.split('\n')) {
        const match = /^(event|data): ?(.*)$/.exec(line);
        if (match) frame[match[1] as keyof Frame] = match[2];
      }
      return frame;
    })
    .filter((frame): frame is Frame => frame.event !== undefined);
}

interface StreamedEvent {
  id: string;
  __typename: string;
  messageId?: string;
  delta?: string;
  status?: string;
  message?: { id: string; role: string; content: string };
}

/** The events of `next` frames (under any alias), and the errors of those without one. */
function decode(frames: Frame[]) {
  const events: StreamedEvent[] = [];
  const errors: { extensions?: { code?: string } }[] = [];
  for (const frame of frames) {
    if (frame.event !== 'next') continue;
    const result = JSON.parse(frame.data) as {
      data?: Record<string, StreamedEvent> | null;
      errors?: { extensions?: { code?: string } }[];
    };
    const [event] = Object.values(result.data ?? {});
    if (event) events.push(event);
    errors.push(...(result.errors ?? []));
  }
  return { events, errors };
}

const EVENT_FIELDS = `id __typename
  ... on MessageDeltaEvent { messageId delta }
  ... on MessageEvent { message { id role content } }
  ... on RunStatusEvent { status }`;

/** A workflowEvents subscription whose field has its own alias, so no two share an execution. */
function workflowEventsQuery(alias: string): string {
  return `subscription ($workflowId: ID!, $after: String) {
    ${alias}: workflowEvents(workflowId: $workflowId, after: $after) { ${EVENT_FIELDS} }
  }`;
}

/**
 * Subscribes over a raw socket and reads nothing until `read()`: the response stays paused, so
 * the client's socket, then the kernel's buffers, then the gateway's fill up.
 */
function openPaused(query: string, variables: Record<string, unknown>) {
  const url = new URL(cluster.gateways[0]!.url);
  return new Promise<{
    response: IncomingMessage;
    read(): Promise<string>;
  }>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/graphql',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          authorization: `Bearer ${cluster.token}`,
        },
      },
      (response) => {
        response.pause();
        resolve({
          response,
          read: () =>
            new Promise((done) => {
              let raw = '';
              response.setEncoding('utf8');
              response.on('data', (chunk: string) => {
                raw += chunk;
              });
              response.once('end', () => done(raw));
              response.once('error', () => done(raw));
              response.resume();
            }),
        });
      },
    );
    req.once('error', reject);
    req.end(JSON.stringify({ query, variables }));
  });
}

/**
 * Reads a subscription until the run's terminal status event, as a well-behaved client does:
 * frames are parsed as they arrive, and a stream ended with SLOW_CONSUMER is resumed after the
 * last event received. `connected` resolves once the gateway first answered, which it does only
 * after the subscription is attached.
 */
function readToTheEnd(query: string, variables: Record<string, unknown>) {
  let connected: () => void = () => {};
  const attached = new Promise<void>((resolve) => {
    connected = resolve;
  });
  return { connected: attached, events: read(query, variables, connected) };
}

async function read(
  query: string,
  variables: Record<string, unknown>,
  connected: () => void,
): Promise<StreamedEvent[]> {
  const events: StreamedEvent[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    const after = events.at(-1)?.id ?? variables.after;
    const abort = new AbortController();
    const response = await fetch(`${cluster.gateways[0]!.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${cluster.token}`,
      },
      body: JSON.stringify({ query, variables: { ...variables, after } }),
      signal: abort.signal,
    });
    connected();
    const decoder = new TextDecoder();
    let pending = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        pending += decoder.decode(chunk, { stream: true });
        const end = pending.lastIndexOf('\n\n');
        if (end < 0) continue;
        const decoded = decode(parseFrames(pending.slice(0, end + 2)));
        pending = pending.slice(end + 2);
        events.push(...decoded.events);
        const last = events.at(-1);
        if (
          last?.__typename === 'RunStatusEvent' &&
          !['QUEUED', 'RUNNING'].includes(last.status!)
        ) {
          return events;
        }
        if (decoded.errors.some((e) => e.extensions?.code !== 'SLOW_CONSUMER')) {
          throw new Error(`the stream failed: ${JSON.stringify(decoded.errors)}`);
        }
      }
    } finally {
      abort.abort();
    }
  }
  throw new Error('the stream kept ending before the run did');
}

describe('model output limits in a distributed deployment', () => {
  it('cuts a provider that streams without end at MAX_MESSAGE_CHARS: FAILED OUTPUT_TOO_LARGE, the stored message within the cap, the worker RSS bounded', async () => {
    const requestsBefore = provider.requests.length;
    provider.enqueue({ kind: 'text', chunks: ['x'.repeat(MAX_DELTA_CHARS)], endless: true });
    const workerMetrics = cluster.workers[0]!.metricsUrl;
    const baseline = await rssOf(workerMetrics);
    const peak = samplePeakRss(workerMetrics);
    const workflowId = await client.createWorkflow(agentId);
    const run = await client.sendPrompt(workflowId, 'Never stop.');
    const ended = await waitForEnd(run.id);
    const peakRss = await peak.stop();

    expect(ended.status).toBe('FAILED');
    expect(await runError(run.id)).toEqual({
      code: 'OUTPUT_TOO_LARGE',
      message: expect.stringContaining(`MAX_MESSAGE_CHARS (${MAX_MESSAGE_CHARS} characters)`),
    });
    expect(ended.output?.length).toBe(MAX_MESSAGE_CHARS);
    const [, answer] = await client.messages(workflowId);
    expect(answer).toMatchObject({ role: 'ASSISTANT', runId: run.id });
    expect(answer?.content).toBe(ended.output);
    expect(provider.requests).toHaveLength(requestsBefore + 1);
    expect(await provider.requests.at(-1)?.closed).toBe('aborted');
    expect(peakRss - baseline).toBeLessThan(WORKER_RSS_BOUND);

    // The replay log holds no event bigger than the caps allow.
    const redis = new Redis(process.env.TEST_REDIS_URL ?? DEFAULT_TEST_REDIS_URL);
    try {
      const entries = await redis.xrange(`${cluster.redisPrefix}:events:${workflowId}`, '-', '+');
      const sizes = entries.map(([, fields]) => (fields[1] ?? '').length);
      expect(Math.max(...sizes)).toBeLessThan(MAX_MESSAGE_CHARS + 2_048);
      const deltas = entries.filter(([, fields]) => fields[1]?.includes('"MessageDeltaEvent"'));
      expect(deltas.length).toBe(Math.ceil(MAX_MESSAGE_CHARS / MAX_DELTA_CHARS));
      for (const [, fields] of deltas) {
        expect(fields[1]!.length).toBeLessThan(MAX_DELTA_CHARS + 1_024);
      }
    } finally {
      redis.disconnect();
    }
  }, 120_000);

  it('stores a NUL byte from the provider as U+FFFD and succeeds after exactly one provider call', async () => {
    const requestsBefore = provider.requests.length;
    provider.enqueue({ kind: 'text', chunks: ['before\u0000', 'after \ud83d end'] });
    const workflowId = await client.createWorkflow(agentId);
    const run = await client.sendPrompt(workflowId, 'Send a NUL byte.');
    const events: StreamedEvent[] = [];
    for await (const event of client.runEvents(run.id)) {
      events.push(event as StreamedEvent);
      if (isTerminalStatusEvent(event)) break;
    }

    const expected = 'before\uFFFDafter \uFFFD end';
    expect(events.at(-1)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await waitForEnd(run.id)).toMatchObject({ status: 'SUCCEEDED', output: expected });
    const [, answer] = await client.messages(workflowId);
    expect(answer?.content).toBe(expected);
    const deltas = events.filter((e) => e.__typename === 'MessageDeltaEvent');
    expect(deltas.map((e) => e.delta).join('')).toBe(expected);
    expect(provider.requests).toHaveLength(requestsBefore + 1);
  });

  it('ends twenty SSE clients that stop reading SLOW_CONSUMER during a huge answer, keeps the gateway RSS bounded, and a resumed client gets everything', async () => {
    const workflowId = await client.createWorkflow(agentId);
    const baseline = await rssOf(cluster.gatewayMetricsUrls[0]!);
    const peak = samplePeakRss(cluster.gatewayMetricsUrls[0]!);
    // Twenty clients that subscribe and never read; each asks with its own alias, so the
    // gateway cannot share one result between them.
    const paused = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        openPaused(workflowEventsQuery(`stalled${i}`), { workflowId }),
      ),
    );
    const reader = readToTheEnd(workflowEventsQuery('reader'), { workflowId });
    await reader.connected;
    // One provider chunk of 8 million characters: cut into deltas, about 16 MB of events.
    const answer = `${'0123456789'.repeat(800_000)}`;
    provider.enqueue({ kind: 'text', chunks: [answer] });
    const run = await client.sendPrompt(workflowId, 'One huge chunk.');
    const read = await reader.events;
    const ended = await waitForEnd(run.id);
    const peakRss = await peak.stop();

    expect(ended).toMatchObject({ status: 'SUCCEEDED', output: answer });
    const message = read.find((e) => e.message?.role === 'ASSISTANT')?.message;
    expect(message?.content).toBe(answer);
    const fromDeltas = read
      .filter((e) => e.__typename === 'MessageDeltaEvent' && e.messageId === message?.id)
      .map((e) => e.delta)
      .join('');
    expect(fromDeltas).toBe(answer);
    expect(peakRss - baseline).toBeLessThan(GATEWAY_RSS_BOUND);

    // Each stalled client, once it reads, finds what it was sent, then SLOW_CONSUMER.
    const stalled = await Promise.all(paused.map(async (p) => decode(parseFrames(await p.read()))));
    for (const { events, errors } of stalled) {
      expect(errors.map((e) => e.extensions?.code)).toEqual(['SLOW_CONSUMER']);
      expect(events.length).toBeLessThan(read.length);
    }

    // The first resumes after its last event and gets all the rest.
    const [first] = stalled;
    const rest = await readToTheEnd(workflowEventsQuery('resumed'), {
      workflowId,
      after: first!.events.at(-1)!.id,
    }).events;
    expect([...first!.events, ...rest].map((e) => e.id)).toEqual(read.map((e) => e.id));
    const resumedText = [...first!.events, ...rest]
      .filter((e) => e.__typename === 'MessageDeltaEvent' && e.messageId === message?.id)
      .map((e) => e.delta)
      .join('');
    expect(resumedText).toBe(answer);
  }, 120_000);
});
