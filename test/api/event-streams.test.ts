import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpServer, listen } from '../../server/http.ts';
import { parsePrometheus, sumOf } from '../support/prometheus.ts';
import { createDemoWorkflow, createTestApp, type TestApp } from '../support/test-app.ts';

/**
 * The event subscriptions' SSE path (server/event-streams.ts) over real sockets: subscribers
 * asking the same of one event share one execution, every subscriber gets every frame, and a
 * client that goes away releases its subscription at once.
 */

let t: TestApp;
let server: HttpServer;
beforeAll(async () => {
  t = await createTestApp({ metrics: true });
  server = await listen(t.app, '127.0.0.1', 0);
});
afterAll(async () => {
  await server.close();
  await t.close();
});

interface Frame {
  event?: string;
  id?: string;
  data?: string;
}

/** Opens an SSE subscription over HTTP; `frames` fills as they arrive, `ended` when it ends. */
function subscribe(query: string, variables: Record<string, unknown>) {
  const abort = new AbortController();
  const frames: Frame[] = [];
  let raw = '';
  const opened = fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  });
  const ended = (async () => {
    const response = await opened;
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        raw += decoder.decode(chunk, { stream: true });
        let end = raw.indexOf('\n\n');
        while (end >= 0) {
          const block = raw.slice(0, end);
          raw = raw.slice(end + 2);
          const frame: Frame = {};
          for (const line of block.split('\n')) {
            const match = /^(event|id|data): ?(.*)$/.exec(line);
            if (match) frame[match[1] as keyof Frame] = match[2];
          }
          if (frame.event) frames.push(frame);
          end = raw.indexOf('\n\n');
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
  })();
  return { frames, ended, opened, close: () => abort.abort() };
}

async function metricValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await t.app.fetch('http://agentgate.test/metrics')).text();
  const value = sumOf(parsePrometheus(text), name, labels);
  if (value === undefined) throw new Error(`no metric ${name}`);
  return value;
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const WORKFLOW_EVENTS = `subscription ($workflowId: ID!) {
  workflowEvents(workflowId: $workflowId) { __typename id ... on MessageDeltaEvent { delta } }
}`;
const WORKFLOW_EVENT_TYPES = `subscription ($workflowId: ID!) {
  workflowEvents(workflowId: $workflowId) { type: __typename }
}`;

describe('event subscriptions over SSE', () => {
  it('executes each event once per distinct subscription and sends it to every subscriber', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const same = [1, 2, 3].map(() => subscribe(WORKFLOW_EVENTS, { workflowId }));
    const other = subscribe(WORKFLOW_EVENT_TYPES, { workflowId });
    const all = [...same, other];
    await Promise.all(all.map((s) => s.opened));
    await waitFor(
      async () => (await metricValue('agentgate_event_bus_subscriptions')) === 4,
      'four live subscriptions',
    );
    const before = await metricValue('agentgate_event_executions_total');

    await t.data(`mutation ($input: SendPromptInput!) { sendPrompt(input: $input) { id } }`, {
      input: { workflowId, prompt: '!words 5' },
    });
    const terminal = (s: ReturnType<typeof subscribe>) =>
      s.frames.some((f) => f.data?.includes('RunStatusEvent') && f.data.includes('SUCCEEDED')) ||
      s.frames.filter((f) => f.data?.includes('RunStatusEvent')).length >= 2;
    await waitFor(async () => all.every(terminal), 'the run to end on every stream');

    const first = same[0]!.frames;
    // Byte-identical frames, each with the event's cursor as its SSE id.
    for (const s of same) expect(s.frames).toEqual(first);
    expect(first.every((f) => f.event === 'next' && f.id && f.data?.includes(f.id))).toBe(true);
    const deltas = first
      .map((f) => JSON.parse(f.data!).data.workflowEvents)
      .filter((e) => e.__typename === 'MessageDeltaEvent')
      .map((e) => e.delta)
      .join('');
    expect(deltas).toBe('w1 w2 w3 w4 w5');
    expect(other.frames.map((f) => JSON.parse(f.data!).data.workflowEvents.type)).toEqual(
      first.map((f) => JSON.parse(f.data!).data.workflowEvents.__typename),
    );
    // Two distinct documents: two executions per event, not four.
    const executions = (await metricValue('agentgate_event_executions_total')) - before;
    expect(executions).toBe(2 * first.length);

    for (const s of all) s.close();
    await Promise.all(all.map((s) => s.ended));
  });

  it('completes a run stream with `complete` after its terminal status', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const { sendPrompt } = await t.data<{ sendPrompt: { id: string } }>(
      `mutation ($input: SendPromptInput!) { sendPrompt(input: $input) { id } }`,
      { input: { workflowId, prompt: '!words 3' } },
    );
    const stream = subscribe(
      `subscription ($runId: ID!) { runEvents(runId: $runId) { __typename id } }`,
      { runId: sendPrompt.id },
    );
    await stream.ended;
    expect(stream.frames.at(-1)).toEqual({ event: 'complete', data: '' });
    const last = JSON.parse(stream.frames.at(-2)!.data!).data.runEvents;
    expect(last.__typename).toBe('RunStatusEvent');
  });

  it('releases the subscription as soon as the client disconnects', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const open = async () => await metricValue('agentgate_event_bus_subscriptions');
    const idle = await open();
    const stream = subscribe(WORKFLOW_EVENTS, { workflowId });
    await stream.opened;
    await waitFor(async () => (await open()) === idle + 1, 'the subscription to attach');
    stream.close();
    await stream.ended;
    await waitFor(async () => (await open()) === idle, 'the subscription to be released');
    expect(
      await metricValue('agentgate_sse_streams_open', { subscription: 'workflowEvents' }),
    ).toBe(0);
  });

  it('streams whether the request body is read up front (small) or by the app (large)', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const { sendPrompt } = await t.data<{ sendPrompt: { id: string } }>(
      `mutation ($input: SendPromptInput!) { sendPrompt(input: $input) { id } }`,
      { input: { workflowId, prompt: '!words 2' } },
    );
    const query = `subscription ($runId: ID!) { runEvents(runId: $runId) { __typename id } }`;
    // server/http.ts reads SSE bodies up to 64 KiB itself; a long comment takes this one past it.
    const padded = `${query}\n# ${'x'.repeat(70 * 1024)}`;
    for (const text of [query, padded]) {
      const stream = subscribe(text, { runId: sendPrompt.id });
      await stream.ended;
      expect(stream.frames.at(-1)).toEqual({ event: 'complete', data: '' });
      expect(stream.frames.filter((f) => f.event === 'next').length).toBeGreaterThan(3);
    }
  });

  it('pings an idle stream to keep it open', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: WORKFLOW_EVENTS, variables: { workflowId } }),
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    // Vitest sets NODE_ENV=test, where pings come every 300 ms (12 s otherwise), as with Yoga.
    while ((text.match(/:\n\n/g) ?? []).length < 3) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
    }
    expect(text.startsWith(':\n\n')).toBe(true);
    await reader.cancel();
  });
});
