import { afterEach, describe, expect, it } from 'vitest';
import { createInProcessJobQueue } from '../shared/adapters/queue/in-process-job-queue.ts';
import { generateToken } from '../shared/domain/api-tokens.ts';
import { createSilentLogger } from '../shared/logger.ts';
import { createMetricsRegistry } from '../shared/metrics.ts';
import { checkDependencies } from '../shared/readiness.ts';
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
        readiness: () =>
          checkDependencies({
            store: async () => {},
            queue: async () => {
              if (!ready) throw new Error('connect ECONNREFUSED 10.0.0.7:6379 (user agentgate)');
            },
          }),
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
    // A state per service; the reason (hosts, users …) stays in the log.
    expect(await unready.json()).toEqual({
      status: 'unavailable',
      checks: { store: 'ok', queue: 'unavailable' },
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
    metrics.tokensUsed('demo:echo', { inputTokens: 12, outputTokens: 30, totalTokens: 42 });
    samples = await scrape();
    expect(sumOf(samples, 'agentgate_run_duration_seconds_sum', { status: 'SUCCEEDED' })).toBe(1.5);
    expect(sumOf(samples, 'agentgate_tokens_total', { model: 'demo:echo', kind: 'output' })).toBe(
      30,
    );
    await queue.close();
  });

  it('serves /metrics only with the bearer token when METRICS_TOKEN is set, probes without', async () => {
    const token = generateToken();
    server = await listenOps(
      { registry: createMetricsRegistry(), readiness: async () => {}, logger, token },
      '127.0.0.1',
      0,
    );
    const get = (path: string, authorization?: string) =>
      fetch(`${server!.url}${path}`, { headers: authorization ? { authorization } : {} });

    const anonymous = await get('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect((await anonymous.json()).message).toContain('METRICS_TOKEN');
    expect((await get('/metrics', `Bearer ${generateToken()}`)).status).toBe(401);
    expect((await get('/metrics', token)).status).toBe(401);
    const scraped = await get('/metrics', `Bearer ${token}`);
    expect(scraped.status).toBe(200);
    expect(
      sumOf(parsePrometheus(await scraped.text()), 'process_cpu_user_seconds_total'),
    ).toBeGreaterThan(0);
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);
  });
});
