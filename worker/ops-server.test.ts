import { afterEach, describe, expect, it } from 'vitest';
import { createInProcessJobQueue } from '../shared/adapters/queue/in-process-job-queue.ts';
import { createSilentLogger } from '../shared/logger.ts';
import { createMetricsRegistry } from '../shared/metrics.ts';
import { parsePrometheus, sumOf } from '../test/support/prometheus.ts';
import { listenOps, type OpsServer } from './ops-server.ts';
import { createWorkerMetrics } from './worker-metrics.ts';

const logger = createSilentLogger();
let server: OpsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("the worker's operations listener", () => {
  it('answers /healthz, /readyz and /metrics like a gateway, and nothing else', async () => {
    const registry = createMetricsRegistry();
    let ready = true;
    server = await listenOps(
      {
        registry,
        readiness: async () => {
          if (!ready) throw new Error('redis: no answer within 2000 ms');
        },
        logger,
      },
      '127.0.0.1',
      0,
    );
    const get = (path: string, init?: RequestInit) => fetch(`${server!.url}${path}`, init);

    expect(await (await get('/healthz')).json()).toEqual({ status: 'ok' });
    expect(await (await get('/readyz')).json()).toEqual({ status: 'ready' });
    ready = false;
    const unready = await get('/readyz');
    expect(unready.status).toBe(503);
    expect(await unready.json()).toEqual({
      status: 'unavailable',
      reason: 'redis: no answer within 2000 ms',
    });
    expect((await get('/healthz')).status).toBe(200);

    const metrics = await get('/metrics');
    expect(metrics.headers.get('content-type')).toBe(registry.contentType);
    expect(
      sumOf(parsePrometheus(await metrics.text()), 'process_cpu_user_seconds_total'),
    ).toBeGreaterThan(0);
    expect((await get('/graphql')).status).toBe(404);
    expect((await get('/metrics', { method: 'POST' })).status).toBe(405);
  });

  it('reports slots, and the queue depth read at scrape time, dropping it when the queue fails', async () => {
    const registry = createMetricsRegistry();
    const queue = createInProcessJobQueue();
    let queueDown = false;
    const metrics = createWorkerMetrics(registry, {
      concurrency: 3,
      queueCounts: () => (queueDown ? Promise.reject(new Error('down')) : queue.counts()),
      logger,
    });
    server = await listenOps({ registry, readiness: async () => {}, logger }, '127.0.0.1', 0);
    const scrape = async () =>
      parsePrometheus(await (await fetch(`${server!.url}/metrics`)).text());

    await queue.enqueue({ tenantId: 't', workflowId: 'w', runId: 'r1' });
    await queue.enqueue({ tenantId: 't', workflowId: 'w', runId: 'r2' });
    const release = metrics.slotTaken();
    let samples = await scrape();
    expect(sumOf(samples, 'agentgate_queue_jobs', { state: 'waiting' })).toBe(2);
    expect(sumOf(samples, 'agentgate_queue_jobs', { state: 'active' })).toBe(0);
    expect(sumOf(samples, 'agentgate_worker_slots')).toBe(3);
    expect(sumOf(samples, 'agentgate_worker_slots_busy')).toBe(1);
    release();
    release();

    queueDown = true;
    samples = await scrape();
    expect(sumOf(samples, 'agentgate_queue_jobs')).toBeUndefined();
    expect(sumOf(samples, 'agentgate_worker_slots_busy')).toBe(0);

    metrics.runFinished('SUCCEEDED', 1.5);
    metrics.tokensUsed('openai:gpt-4.1', { inputTokens: 12, outputTokens: 30, totalTokens: 42 });
    samples = await scrape();
    expect(sumOf(samples, 'agentgate_run_duration_seconds_sum', { status: 'SUCCEEDED' })).toBe(1.5);
    expect(
      sumOf(samples, 'agentgate_tokens_total', { model: 'openai:gpt-4.1', kind: 'output' }),
    ).toBe(30);
    await queue.close();
  });
});
