import { createServer } from 'node:net';
import { APICallError } from '@ai-sdk/provider';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeProviderServer,
  type FakeScenario,
  startFakeOpenAIServer,
} from '../../test/fixtures/fake-openai-server.ts';
import { createRecordingSink } from '../../test/fixtures/recording-sink.ts';
import { type AgentLoopOptions, runAgentLoop } from '../agent-loop.ts';
import {
  classifyModelFailure,
  type ModelRetryInfo,
  parseRetryAfter,
  retryDelayMs,
} from './model-retry.ts';
import { createModelRegistry } from './registry.ts';

function apiError(status: number | undefined, headers: Record<string, string> = {}) {
  return new APICallError({
    message: `HTTP ${status}`,
    url: 'http://provider.test/v1/chat/completions',
    requestBodyValues: {},
    statusCode: status,
    responseHeaders: headers,
  });
}

describe('the model retry policy', () => {
  const policy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('backs off exponentially, capped', () => {
    expect([1, 2, 3, 4, 5].map((retry) => retryDelayMs(policy, retry, null))).toEqual([
      100, 200, 400, 800, 1_000,
    ]);
  });

  it('waits what Retry-After asks instead, capped', () => {
    expect(retryDelayMs(policy, 1, 700)).toBe(700);
    expect(retryDelayMs(policy, 3, 0)).toBe(0);
    expect(retryDelayMs(policy, 1, 120_000)).toBe(1_000);
  });

  it('reads retry-after-ms, retry-after seconds and retry-after dates', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter({ 'retry-after-ms': '250' }, now)).toBe(250);
    expect(parseRetryAfter({ 'retry-after': '3' }, now)).toBe(3_000);
    expect(parseRetryAfter({ 'retry-after': '1.5' }, now)).toBe(1_500);
    expect(parseRetryAfter({ 'retry-after': 'Tue, 01 Jan 2030 00:00:10 GMT' }, now)).toBe(10_000);
    expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).toBeNull();
    expect(parseRetryAfter({}, now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it('retries 429, 5xx and network failures, and nothing else', () => {
    const network = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    expect(classifyModelFailure(apiError(429, { 'retry-after': '2' }))).toEqual({
      retryable: true,
      status: 429,
      retryAfterMs: 2_000,
    });
    expect(classifyModelFailure(apiError(500)).retryable).toBe(true);
    expect(classifyModelFailure(apiError(503)).retryable).toBe(true);
    expect(classifyModelFailure(network).retryable).toBe(true);
    for (const status of [400, 401, 403, 404, 408, 409, 422]) {
      expect(classifyModelFailure(apiError(status)).retryable, `HTTP ${status}`).toBe(false);
    }
    expect(classifyModelFailure(new Error('the demo model failed')).retryable).toBe(false);
    expect(
      classifyModelFailure(new DOMException('The operation was aborted.', 'AbortError')).retryable,
    ).toBe(false);
  });
});

const servers: FakeProviderServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** The agent loop against a fake OpenAI server answering `scenarios`, with fast retries. */
async function setup(scenarios: FakeScenario[], overrides: Partial<AgentLoopOptions> = {}) {
  const server = await startFakeOpenAIServer({ scenarios });
  servers.push(server);
  const registry = createModelRegistry([
    { name: 'fake', type: 'openai', baseURL: server.baseURL, apiKey: 'sk-test-000000' },
  ]);
  const recording = createRecordingSink();
  const started = Date.now();
  const result = await runAgentLoop({
    model: registry.resolve('fake:gpt-4.1'),
    system: 'Be terse.',
    history: [],
    prompt: 'Hi',
    maxTurns: 2,
    maxRetries: 2,
    retryDelays: { baseDelayMs: 10, maxDelayMs: 2_000 },
    signal: new AbortController().signal,
    newMessageId: () => 'msg1',
    sink: recording.sink,
    ...overrides,
  });
  const retries = recording.logs('model-retry') as ModelRetryInfo[];
  return { server, recording, result, retries, elapsedMs: Date.now() - started };
}

const answer: FakeScenario = { kind: 'text', chunks: ['Hello', '!'] };

describe('model calls against a fake provider', () => {
  it('retries a 5xx with backoff, logging each retry, and then succeeds', async () => {
    const { server, result, retries } = await setup([
      { kind: 'error', status: 500 },
      { kind: 'error', status: 502 },
      answer,
    ]);

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: 'Hello!' });
    expect(server.requests).toHaveLength(3);
    expect(retries).toEqual([
      expect.objectContaining({ retry: 1, maxRetries: 2, delayMs: 10, status: 500 }),
      expect.objectContaining({ retry: 2, maxRetries: 2, delayMs: 20, status: 502 }),
    ]);
    expect(retries[0]?.code).toBe('PROVIDER_UNAVAILABLE');
  });

  it('honours Retry-After on a 429', async () => {
    const { result, retries, elapsedMs } = await setup([
      { kind: 'error', status: 429, retryAfterSeconds: 1 },
      answer,
    ]);

    expect(result.status).toBe('SUCCEEDED');
    expect(retries).toEqual([
      expect.objectContaining({ retry: 1, delayMs: 1_000, retryAfterMs: 1_000, status: 429 }),
    ]);
    expect(elapsedMs).toBeGreaterThanOrEqual(950);
  });

  it('caps a long Retry-After at the longest wait', async () => {
    const { result, retries, elapsedMs } = await setup(
      [{ kind: 'error', status: 429, retryAfterSeconds: 3_600 }, answer],
      { retryDelays: { baseDelayMs: 10, maxDelayMs: 50 } },
    );

    expect(result.status).toBe('SUCCEEDED');
    expect(retries).toEqual([expect.objectContaining({ delayMs: 50, retryAfterMs: 3_600_000 })]);
    expect(elapsedMs).toBeLessThan(3_000);
  });

  it.each([400, 401, 404])('fails at once on HTTP %i, without retrying', async (status) => {
    const { server, result, retries } = await setup([{ kind: 'error', status }, answer]);

    expect(result.status).toBe('FAILED');
    expect(server.requests).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('gives up after maxRetries and fails with the last error, noting the attempts', async () => {
    const unavailable: FakeScenario = { kind: 'error', status: 503 };
    const { server, result, retries } = await setup([unavailable, unavailable, unavailable]);

    expect(result).toMatchObject({ status: 'FAILED', error: { code: 'PROVIDER_UNAVAILABLE' } });
    expect((result as { error: { message: string } }).error.message).toContain(
      'Gave up after 3 attempts',
    );
    expect(server.requests).toHaveLength(3);
    expect(retries.map((retry) => retry.retry)).toEqual([1, 2]);
  });

  it('retries when the provider cannot be reached', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const registry = createModelRegistry([
      { name: 'gone', type: 'openai-compatible', baseURL: `http://127.0.0.1:${port}/v1` },
    ]);
    const recording = createRecordingSink();

    const result = await runAgentLoop({
      model: registry.resolve('gone:any'),
      system: '',
      history: [],
      prompt: 'hi',
      maxTurns: 1,
      maxRetries: 1,
      retryDelays: { baseDelayMs: 5, maxDelayMs: 5 },
      signal: new AbortController().signal,
      newMessageId: () => 'm1',
      sink: recording.sink,
    });

    expect(result).toMatchObject({ status: 'FAILED', error: { code: 'PROVIDER_UNREACHABLE' } });
    expect(recording.logs('model-retry')).toEqual([
      expect.objectContaining({ retry: 1, status: null, code: 'PROVIDER_UNREACHABLE' }),
    ]);
  });

  it('stops waiting for a retry at once when the run is cancelled', async () => {
    const controller = new AbortController();
    const recording = createRecordingSink();
    const server = await startFakeOpenAIServer({
      scenarios: [{ kind: 'error', status: 429, retryAfterSeconds: 60 }, answer],
    });
    servers.push(server);
    const registry = createModelRegistry([
      { name: 'fake', type: 'openai', baseURL: server.baseURL, apiKey: 'sk-test-000000' },
    ]);
    const started = Date.now();

    const result = await runAgentLoop({
      model: registry.resolve('fake:gpt-4.1'),
      system: '',
      history: [],
      prompt: 'hi',
      maxTurns: 1,
      maxRetries: 2,
      retryDelays: { baseDelayMs: 10, maxDelayMs: 60_000 },
      signal: controller.signal,
      newMessageId: () => 'm1',
      sink: {
        ...recording.sink,
        log: async (event, detail) => {
          await recording.sink.log(event, detail);
          if (event === 'model-retry') controller.abort();
        },
      },
    });

    expect(result.status).toBe('CANCELLED');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(server.requests).toHaveLength(1);
  });
});
