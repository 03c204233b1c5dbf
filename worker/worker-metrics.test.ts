import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { wantsPretty } from '../shared/logger.ts';
import { createMetricsRegistry } from '../shared/metrics.ts';
import { parsePrometheus, series, sumOf } from '../test/support/prometheus.ts';
import { createWorkerMetrics, instrumentJobHandler, modelLabeler } from './worker-metrics.ts';

/** A JSON logger whose records land in an array. */
function capturingLogger() {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      records.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), records };
}

const job = { tenantId: 'tenant-1', workflowId: 'wf-1', runId: 'run-1' };
const context = { signal: new AbortController().signal, attempt: 2, maxAttempts: 3 };

describe('instrumentJobHandler', () => {
  it('logs each job as JSON with its run, workflow and job ids, and frees its slot', async () => {
    const { logger, records } = capturingLogger();
    const registry = createMetricsRegistry();
    const metrics = createWorkerMetrics(registry, { concurrency: 2 });
    let busyDuringRun: number | undefined;
    const busy = async () =>
      sumOf(parsePrometheus(await registry.metrics()), 'agentgate_worker_slots_busy');

    const handler = instrumentJobHandler(
      async () => {
        busyDuringRun = await busy();
        return undefined;
      },
      logger,
      metrics,
    );
    await handler(job, context);
    expect(busyDuringRun).toBe(1);
    expect(await busy()).toBe(0);

    const failing = instrumentJobHandler(
      async () => {
        throw new Error('provider hung up');
      },
      logger,
      metrics,
    );
    await expect(failing(job, context)).rejects.toThrow('provider hung up');
    expect(await busy()).toBe(0);

    const ids = { runId: 'run-1', workflowId: 'wf-1', jobId: 'run-1', attempt: 2 };
    expect(records.map((r) => r.msg)).toEqual([
      'run job started',
      'run job done',
      'run job started',
      'run job attempt failed',
    ]);
    for (const record of records) expect(record).toMatchObject(ids);
    expect(records.at(-1)).toMatchObject({ level: 40, err: { message: 'provider hung up' } });
  });
});

describe('log format', () => {
  it('is JSON unless asked for or in a terminal, and pretty only when pino-pretty resolves', () => {
    expect(wantsPretty('auto', false)).toBeNull();
    expect(wantsPretty('auto', undefined)).toBeNull();
    expect(wantsPretty('json', true)).toBeNull();
    // pino-pretty is a devDependency, so it resolves here (not in a production image).
    expect(wantsPretty('auto', true)).toMatch(/pino-pretty/);
    expect(wantsPretty('pretty', false)).toMatch(/pino-pretty/);
  });
});

describe('MCP connection gauges', () => {
  it('report the pool’s open and leased connections at scrape time', async () => {
    const registry = createMetricsRegistry();
    let stats = { open: 3, leased: 1, connecting: 0 };
    createWorkerMetrics(registry, { concurrency: 2, mcpConnections: () => stats });
    const read = async () => {
      const samples = parsePrometheus(await registry.metrics());
      return [
        sumOf(samples, 'agentgate_mcp_connections_open'),
        sumOf(samples, 'agentgate_mcp_connections_leased'),
      ];
    };
    expect(await read()).toEqual([3, 1]);
    stats = { open: 0, leased: 0, connecting: 0 };
    expect(await read()).toEqual([0, 0]);
  });
});

describe('the model label of agentgate_tokens_total', () => {
  it('names demo and METRICS_MODELS models, folds the rest by deployment provider, and stays bounded', async () => {
    const registry = createMetricsRegistry();
    const metrics = createWorkerMetrics(registry, {
      concurrency: 1,
      modelLabels: { providers: ['openai'], models: ['openai:gpt-4.1'] },
    });
    const usage = { inputTokens: 1, outputTokens: 2, totalTokens: 3 };
    metrics.tokensUsed('demo:echo', usage);
    metrics.tokensUsed('openai:gpt-4.1', usage);
    // 1,000 made-up model ids of a deployment provider and of tenants' own providers.
    for (let i = 0; i < 500; i++) {
      metrics.tokensUsed(`openai:made-up-${i}-${'x'.repeat(150)}`, usage);
      metrics.tokensUsed(`tenant${i}:secret-model-${i}`, usage);
    }
    const samples = parsePrometheus(await registry.metrics());
    const models = [
      ...new Set(series(samples, 'agentgate_tokens_total').map((s) => s.labels.model)),
    ].sort();
    expect(models).toEqual(['demo:echo', 'openai:gpt-4.1', 'openai:other', 'other']);
    expect(
      sumOf(samples, 'agentgate_tokens_total', { model: 'openai:other', kind: 'output' }),
    ).toBe(1_000);
    expect(sumOf(samples, 'agentgate_tokens_total', { model: 'other', kind: 'input' })).toBe(500);
  });

  it('names only the demo models by default', () => {
    const label = modelLabeler({ providers: [], models: [] });
    expect(label('demo:echo')).toBe('demo:echo');
    expect(label('demo:parrot')).toBe('demo:other');
    expect(label('openai:gpt-4.1')).toBe('other');
    expect(label('no-colon')).toBe('other');
  });
});
