import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { QueueCounts } from '../shared/adapters/queue/job-queue-common.ts';
import type { RunStatus, Usage } from '../shared/domain/types.ts';
import type { Logger } from '../shared/logger.ts';
import type { JobHandler } from '../shared/ports/job-queue.ts';
import { DEMO_MODEL_IDS, DEMO_PROVIDER } from './models/demo-model.ts';
import type { McpPoolStats } from './tools/mcp-pool.ts';

/** Seconds from a run's start to its end: agent runs last from a second to many minutes. */
export const RUN_DURATION_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/** What the run-agent job reports about the runs it executes. */
export interface RunMetrics {
  /** A run this worker executed ended with `status`, `seconds` after it started. */
  runFinished(status: RunStatus, seconds: number): void;
  /** Tokens one run used on `model` (`provider:model`). */
  tokensUsed(model: string, usage: Usage): void;
}

export interface WorkerMetrics extends RunMetrics {
  /** A job took a slot; call the returned function (idempotent) when it gives the slot back. */
  slotTaken(): () => void;
}

export interface WorkerMetricsOptions {
  /** Slots of this worker (`WORKER_CONCURRENCY`). */
  concurrency: number;
  /**
   * The queue's depth by state, read at scrape time. The queue is shared, so every worker
   * reports the same numbers: aggregate with `max`, not `sum`.
   */
  queueCounts?: () => Promise<QueueCounts>;
  /** The worker's MCP connection pool, read at scrape time. */
  mcpConnections?: () => McpPoolStats;
  /** Where a failed queue-depth read is reported (the series are dropped for that scrape). */
  logger?: Logger;
  /**
   * What may name a model in `agentgate_tokens_total` (see {@link modelLabeler}). Default: no
   * providers and no models beyond the demo ones.
   */
  modelLabels?: ModelLabelOptions;
}

export interface ModelLabelOptions {
  /** The deployment's provider names (`PROVIDERS`, `OPENAI_*`, `ANTHROPIC_*`). */
  providers: readonly string[];
  /** Model strings counted under their own name (`METRICS_MODELS`). */
  models: readonly string[];
}

/**
 * The `model` label of a model string, from a set the deployment fixes: the string itself for a
 * demo model or one listed in `models`, `<provider>:other` for another model of a deployment
 * provider, `other` for the rest (tenants' own providers). Tenants choose model strings freely,
 * so labelling by the string would let them add series without bound, and would show every
 * tenant's model names to whoever reads the metrics.
 */
export function modelLabeler(options: ModelLabelOptions): (model: string) => string {
  const named = new Set([
    ...DEMO_MODEL_IDS.map((id) => `${DEMO_PROVIDER}:${id}`),
    ...options.models,
  ]);
  const providers = new Set([DEMO_PROVIDER, ...options.providers]);
  return (model) => {
    if (named.has(model)) return model;
    const provider = model.slice(0, Math.max(0, model.indexOf(':')));
    return providers.has(provider) ? `${provider}:other` : 'other';
  };
}

/**
 * The worker's metrics on `registry`: slots and busy slots, run durations, tokens by model, and
 * the queue's depth read at scrape time. Created once per registry.
 */
export function createWorkerMetrics(
  registry: Registry,
  options: WorkerMetricsOptions,
): WorkerMetrics {
  new Gauge({
    name: 'agentgate_worker_slots',
    help: 'Runs this worker executes at once at most (WORKER_CONCURRENCY).',
    registers: [registry],
  }).set(options.concurrency);
  const busy = new Gauge({
    name: 'agentgate_worker_slots_busy',
    help: 'Slots of this worker holding a job now.',
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'agentgate_run_duration_seconds',
    help: 'Seconds from a run starting to its end, for runs this worker ended, by final status.',
    labelNames: ['status'] as const,
    buckets: RUN_DURATION_BUCKETS,
    registers: [registry],
  });
  const modelLabel = modelLabeler(options.modelLabels ?? { providers: [], models: [] });
  const tokens = new Counter({
    name: 'agentgate_tokens_total',
    help: 'Model tokens used by runs this worker executed, by model (demo and METRICS_MODELS by name, else <provider>:other or other) and kind (input, output).',
    labelNames: ['model', 'kind'] as const,
    registers: [registry],
  });
  const { queueCounts, mcpConnections, logger } = options;
  if (mcpConnections) {
    new Gauge({
      name: 'agentgate_mcp_connections_open',
      help: 'MCP connections this worker holds open, idle ones included (MCP_POOL_IDLE_MS).',
      registers: [registry],
      collect() {
        this.set(mcpConnections().open);
      },
    });
    new Gauge({
      name: 'agentgate_mcp_connections_leased',
      help: 'Open MCP connections of this worker that at least one run holds now.',
      registers: [registry],
      collect() {
        this.set(mcpConnections().leased);
      },
    });
  }
  if (queueCounts) {
    new Gauge({
      name: 'agentgate_queue_jobs',
      help: 'Run jobs in the queue by state (waiting, prioritized, delayed, active); the same on every worker.',
      labelNames: ['state'] as const,
      registers: [registry],
      async collect() {
        try {
          const counts = await queueCounts();
          for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
        } catch (error) {
          // A scrape must still answer when Redis does not: no numbers beat stale ones.
          this.reset();
          logger?.warn({ err: error }, 'cannot read the queue depth for metrics');
        }
      },
    });
  }
  return {
    slotTaken() {
      busy.inc();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        busy.dec();
      };
    },
    runFinished(status, seconds) {
      duration.observe({ status }, seconds);
    },
    tokensUsed(modelString, usage) {
      const model = modelLabel(modelString);
      if (usage.inputTokens > 0) tokens.inc({ model, kind: 'input' }, usage.inputTokens);
      if (usage.outputTokens > 0) tokens.inc({ model, kind: 'output' }, usage.outputTokens);
    },
  };
}

/**
 * The job handler with its slot counted and its ids logged: every record about a job carries
 * `runId`, `workflowId` and `jobId` (BullMQ's job id, which is the run id) and the attempt.
 */
export function instrumentJobHandler(
  handler: JobHandler,
  logger: Logger,
  metrics?: WorkerMetrics,
): JobHandler {
  return async (job, context) => {
    const release = metrics?.slotTaken();
    const log = logger.child({
      runId: job.runId,
      workflowId: job.workflowId,
      jobId: job.runId,
      attempt: context.attempt,
    });
    const startedAt = Date.now();
    log.debug('run job started');
    try {
      const outcome = await handler(job, context);
      log.debug(
        { ms: Date.now() - startedAt, retryAfterMs: outcome?.retryAfterMs },
        outcome ? 'run job put back' : 'run job done',
      );
      return outcome;
    } catch (error) {
      log.warn({ err: error, ms: Date.now() - startedAt }, 'run job attempt failed');
      throw error;
    } finally {
      release?.();
    }
  };
}
