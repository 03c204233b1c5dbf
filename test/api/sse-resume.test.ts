import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../sdk/gql/index.ts';
import { type HttpServer, listen } from '../../server/http.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { createDemoWorkflow, createTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Plain `EventSource` clients resume without loss: every event carries its cursor in an SSE `id:`
 * line, and `Last-Event-ID` (sent by a reconnecting EventSource) is honoured as `after`.
 */

const SEND = graphql(`
  mutation SseTestSend($input: SendPromptInput!) { sendPrompt(input: $input) { id } }
`);
const RUN_EVENT_IDS = graphql(`
  subscription SseTestRunEventIds($runId: ID!) { runEvents(runId: $runId) { id } }
`);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** A finished run and the ids of all its events, in order. */
async function finishedRun(prompt = '!words 6') {
  const { workflowId } = await createDemoWorkflow(t);
  const { sendPrompt } = await t.data(SEND, { input: { workflowId, prompt } });
  const events = await t.collect(RUN_EVENT_IDS, { runId: sendPrompt.id });
  return { workflowId, runId: sendPrompt.id, ids: events.map((e) => e.runEvents.id) };
}

interface Frame {
  event?: string;
  id?: string;
  data?: string;
}

/** A GET subscription as a browser EventSource sends it; its SSE frames, pings left out. */
async function getFrames(
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Frame[]> {
  const url = new URL('http://agentgate.test/graphql');
  url.searchParams.set('query', query);
  url.searchParams.set('variables', JSON.stringify(variables));
  const response = await t.app.fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
  });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const text = await response.text();
  return text
    .split('\n\n')
    .map((block) => {
      const frame: Frame = {};
      for (const line of block.split('\n')) {
        const match = /^(event|id|data): ?(.*)$/.exec(line);
        if (match) frame[match[1] as keyof Frame] = match[2];
      }
      return frame;
    })
    .filter((frame) => frame.event);
}

const nextFrames = (frames: Frame[]) => frames.filter((f) => f.event === 'next');
const payloadsOf = (frames: Frame[]) =>
  nextFrames(frames).map(
    (f) => (JSON.parse(f.data!) as { data: Record<string, Record<string, string>> }).data,
  );

describe('SSE ids', () => {
  it('sends each event with an id line carrying its cursor, under any alias or fragment', async () => {
    const { runId, ids } = await finishedRun();
    const frames = await getFrames(
      `subscription ($runId: ID!) {
        events: runEvents(runId: $runId) { __typename ...Cursor }
      }
      fragment Cursor on WorkflowEvent { cursor: id }`,
      { runId },
    );
    expect(nextFrames(frames).map((f) => f.id)).toEqual(ids);
    expect(payloadsOf(frames).map((p) => p.events!.cursor)).toEqual(ids);
    expect(frames.at(-1)).toEqual({ event: 'complete', data: '' });
  });

  it('sends no id line when the operation does not select the id', async () => {
    const { runId } = await finishedRun();
    const frames = await getFrames(
      'subscription ($runId: ID!) { runEvents(runId: $runId) { __typename } }',
      { runId },
    );
    expect(nextFrames(frames).length).toBeGreaterThan(0);
    expect(nextFrames(frames).every((f) => f.id === undefined)).toBe(true);
  });
});

describe('Last-Event-ID', () => {
  it('becomes the value of the after variable, over the one in variables', async () => {
    const { runId, ids } = await finishedRun();
    const frames = await getFrames(
      'subscription ($runId: ID!, $after: String) { runEvents(runId: $runId, after: $after) { id } }',
      { runId, after: ids[0] },
      { 'last-event-id': ids[3]! },
    );
    expect(nextFrames(frames).map((f) => f.id)).toEqual(ids.slice(4));
  });

  it('replaces a literal after and adds an absent one', async () => {
    const { runId, ids } = await finishedRun();
    const literal = await getFrames(
      `subscription { runEvents(runId: ${JSON.stringify(runId)}, after: "0-0") { id } }`,
      {},
      { 'last-event-id': ids[2]! },
    );
    expect(nextFrames(literal).map((f) => f.id)).toEqual(ids.slice(3));
    const absent = await getFrames(
      'subscription ($runId: ID!) { runEvents(runId: $runId) { id } }',
      { runId },
      { 'last-event-id': ids[2]! },
    );
    expect(nextFrames(absent).map((f) => f.id)).toEqual(ids.slice(3));
  });

  it('resumes workflowEvents too, across runs', async () => {
    const { workflowId, ids } = await finishedRun('first');
    const { sendPrompt } = await t.data(SEND, { input: { workflowId, prompt: 'second' } });
    const second = await t.collect(RUN_EVENT_IDS, { runId: sendPrompt.id });
    const url = new URL('http://agentgate.test/graphql');
    url.searchParams.set(
      'query',
      `subscription { workflowEvents(workflowId: ${JSON.stringify(workflowId)}) { id } }`,
    );
    const response = await t.app.fetch(url, {
      headers: { accept: 'text/event-stream', 'last-event-id': ids.at(-1)! },
    });
    // workflowEvents never completes: read until the second run's last event.
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const lastId = second.at(-1)!.runEvents.id;
    let text = '';
    while (!text.includes(`id: ${lastId}\n`)) text += (await reader.read()).value ?? '';
    await reader.cancel();
    const received = [...text.matchAll(/^id: (.+)$/gm)].map((m) => m[1]);
    expect(received).toEqual(second.map((e) => e.runEvents.id));
  });

  it('answers a BAD_USER_INPUT error for a malformed Last-Event-ID', async () => {
    const { runId } = await finishedRun();
    const frames = await getFrames(
      'subscription ($runId: ID!) { runEvents(runId: $runId) { id } }',
      { runId },
      { 'last-event-id': 'not-a-cursor' },
    );
    const [first] = nextFrames(frames);
    expect(JSON.parse(first!.data!).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('a browser EventSource (the eventsource package) on a connection that breaks', () => {
  let http: HttpServer;
  let proxy: TcpProxy;
  beforeAll(async () => {
    http = await listen(t.app, '127.0.0.1', 0);
    proxy = await startTcpProxy([{ host: '127.0.0.1', port: Number(new URL(http.url).port) }]);
  });
  afterAll(async () => {
    await proxy?.close();
    await http?.close();
  });

  it('reconnects on its own and receives every event once, in order', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const { sendPrompt } = await t.data(SEND, {
      input: { workflowId, prompt: '!delay 25\n!words 40' },
    });
    const url = new URL(`${proxy.url}/graphql`);
    url.searchParams.set(
      'query',
      'subscription ($runId: ID!) { runEvents(runId: $runId) { __typename id } }',
    );
    url.searchParams.set('variables', JSON.stringify({ runId: sendPrompt.id }));

    const source = new EventSource(url);
    const received: { lastEventId: string; id: string }[] = [];
    let errors = 0;
    await new Promise<void>((resolve, reject) => {
      source.addEventListener('next', (event) => {
        const { data } = JSON.parse(event.data) as { data: { runEvents: { id: string } } };
        received.push({ lastEventId: event.lastEventId, id: data.runEvents.id });
        // Cut the connection once, mid-run: the EventSource must resume on its own.
        if (received.length === 5) proxy.severAll();
      });
      source.addEventListener('error', () => {
        errors += 1;
        if (errors > 3) reject(new Error('the EventSource kept failing'));
      });
      source.addEventListener('complete', () => resolve());
    }).finally(() => source.close());

    const replay = await t.collect(RUN_EVENT_IDS, { runId: sendPrompt.id });
    expect(received.map((r) => r.id)).toEqual(replay.map((e) => e.runEvents.id));
    expect(received.every((r) => r.lastEventId === r.id)).toBe(true);
    expect(errors).toBe(1);
    expect(proxy.connections).toHaveLength(2);
  }, 20_000);
});
