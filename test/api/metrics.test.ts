import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listen } from '../../server/http.ts';
import { parsePrometheus, type Sample, scrape, series, sumOf } from '../support/prometheus.ts';
import {
  createDemoWorkflow,
  createTestApp,
  EVENT_FIELDS,
  type EventPayload,
  type TestApp,
} from '../support/test-app.ts';

const SEND = `mutation ($input: SendPromptInput!) { sendPrompt(input: $input) { id status } }`;
const RUN_EVENTS = `subscription ($runId: ID!) { runEvents(runId: $runId) { ${EVENT_FIELDS} } }`;
const WORKFLOW_EVENTS = `subscription ($workflowId: ID!) { workflowEvents(workflowId: $workflowId) { ${EVENT_FIELDS} } }`;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ metrics: true });
});
afterAll(async () => {
  await t.close();
});

const metrics = (): Promise<Sample[]> =>
  scrape('http://agentgate.test/metrics', (url) => t.app.fetch(url) as Promise<Response>);

async function runToTheEnd(prompt: string) {
  const { workflowId } = await createDemoWorkflow(t);
  const { sendPrompt } = await t.data<{ sendPrompt: { id: string } }>(SEND, {
    input: { workflowId, prompt },
  });
  const items = await t.collect<{ runEvents: EventPayload }>(RUN_EVENTS, {
    runId: sendPrompt.id,
  });
  return items.map((item) => item.runEvents);
}

describe('GET /metrics on the gateway', () => {
  it('counts a run by status, its events delivered, tokens, duration and slots, and closes its stream', async () => {
    const before = await metrics();
    const events = await runToTheEnd('!delay 20\nhello metrics');
    expect(events.at(-1)).toMatchObject({ status: 'SUCCEEDED' });
    const after = await metrics();
    const grew = (name: string, labels: Record<string, string> = {}) =>
      (sumOf(after, name, labels) ?? 0) - (sumOf(before, name, labels) ?? 0);

    for (const status of ['QUEUED', 'RUNNING', 'SUCCEEDED']) {
      expect(grew('agentgate_runs_total', { status }), status).toBe(1);
    }
    expect(grew('agentgate_events_delivered_total')).toBe(events.length);
    expect(grew('agentgate_events_delivered_total', { type: 'MessageDeltaEvent' })).toBe(
      events.filter((e) => e.__typename === 'MessageDeltaEvent').length,
    );
    expect(grew('agentgate_event_delivery_lag_seconds_count')).toBeGreaterThan(0);
    expect(grew('agentgate_sse_streams_opened_total', { subscription: 'runEvents' })).toBe(1);
    expect(sumOf(after, 'agentgate_sse_streams_open', { subscription: 'runEvents' })).toBe(0);
    // "hello metrics" (3 words with the directive line) in, "echo: hello metrics" (3 deltas) out.
    const usage = events.filter((e) => e.__typename === 'UsageEvent').at(-1)!.usage!;
    expect(grew('agentgate_tokens_total', { model: 'demo:echo', kind: 'input' })).toBe(
      usage.inputTokens,
    );
    expect(grew('agentgate_tokens_total', { model: 'demo:echo', kind: 'output' })).toBe(
      usage.outputTokens,
    );
    expect(grew('agentgate_run_duration_seconds_count', { status: 'SUCCEEDED' })).toBe(1);
    expect(sumOf(after, 'agentgate_worker_slots')).toBe(4);
    // The slot frees when the job's handler returns, just after the terminal event is out.
    await vi.waitFor(async () =>
      expect(sumOf(await metrics(), 'agentgate_worker_slots_busy')).toBe(0),
    );
    const settled = await metrics();
    expect(
      series(settled, 'agentgate_queue_jobs')
        .map((s) => s.labels.state)
        .sort(),
    ).toEqual(['active', 'delayed', 'prioritized', 'waiting']);
    expect(sumOf(settled, 'agentgate_queue_jobs')).toBe(0);
    expect(sumOf(settled, 'agentgate_event_bus_subscriptions')).toBe(0);
    expect(sumOf(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('times operations and counts errors by operation type and code', async () => {
    const before = await metrics();
    const missing = await t.gql(`mutation Cancel { cancelRun(id: "run_missing") { id } }`);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const invalid = await t.gql(`query Broken { nope }`);
    expect(invalid.errors?.length).toBeGreaterThan(0);
    const after = await metrics();
    const grew = (name: string, labels: Record<string, string>) =>
      (sumOf(after, name, labels) ?? 0) - (sumOf(before, name, labels) ?? 0);

    expect(
      grew('graphql_envelop_error_result', { operationType: 'mutation', code: 'NOT_FOUND' }),
    ).toBe(1);
    expect(
      grew('graphql_envelop_error_result', {
        code: 'GRAPHQL_VALIDATION_FAILED',
        phase: 'validate',
      }),
    ).toBe(1);
    expect(grew('graphql_envelop_phase_execute_count', { operationType: 'mutation' })).toBe(1);
    expect(series(after, 'graphql_yoga_http_duration_bucket').length).toBeGreaterThan(0);
  });

  it('labels nothing with what a client names: long operation names add no series', async () => {
    const text = async () =>
      (await t.app.fetch('http://agentgate.test/metrics')).text() as Promise<string>;
    // Warm up every series an operation of each kind creates (success and error).
    await t.gql('query Warm { agents(first: 1) { edges { cursor } } }');
    await t.gql('mutation Warm { cancelRun(id: "run_missing") { id } }');
    const before = await text();
    const names = Array.from({ length: 6 }, (_, i) => `Flood${i}${'x'.repeat(200_000)}`);
    for (const name of names) {
      await t.gql(`query ${name} { agents(first: 1) { edges { cursor } } }`);
      await t.gql(`mutation ${name} { cancelRun(id: "run_missing") { id } }`);
    }
    const after = await text();
    expect(after).not.toContain('Flood');
    expect(after).not.toMatch(/operationName=/);
    // Same series, counts a few digits longer at most.
    const seriesOf = (body: string) =>
      new Set(parsePrometheus(body).map((s) => `${s.name}${JSON.stringify(s.labels)}`));
    const existing = seriesOf(before);
    expect([...seriesOf(after)].filter((key) => !existing.has(key))).toEqual([]);
    expect(after.length).toBeLessThan(before.length + 2_000);
  });

  it('counts a stream as open until its client goes away', async () => {
    // Over a real socket: a client going away is a closed connection.
    const http = await listen(t.app, '127.0.0.1', 0);
    try {
      const { workflowId } = await createDemoWorkflow(t);
      const open = async () =>
        sumOf(await metrics(), 'agentgate_sse_streams_open', { subscription: 'workflowEvents' });
      expect(await open()).toBe(0);
      const client = new AbortController();
      const response = await fetch(`${http.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: WORKFLOW_EVENTS, variables: { workflowId } }),
        signal: client.signal,
      });
      expect(response.status).toBe(200);
      expect(await open()).toBe(1);
      client.abort();
      await vi.waitFor(async () => expect(await open()).toBe(0), { timeout: 5_000 });
    } finally {
      await http.close();
    }
  });
});

describe('request ids', () => {
  it('answers with the x-request-id it was sent, or a fresh one', async () => {
    const post = (headers: Record<string, string>) =>
      t.app.fetch('http://agentgate.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
    const echoed = await post({ 'x-request-id': 'lb-1234.abc' });
    expect(echoed.headers.get('x-request-id')).toBe('lb-1234.abc');
    const fresh = await post({ 'x-request-id': 'bad id with spaces' });
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
