import type { Runtime } from '../shared/runtime.ts';
import { startWorker } from './start-worker.ts';
import { createWorkerMetrics } from './worker-metrics.ts';

/**
 * Starts the run worker over a runtime, with `WORKER_CONCURRENCY` runs at once; its metrics
 * (slots, run durations, tokens, queue depth) go to the runtime's registry.
 */
export function startRuntimeWorker(runtime: Runtime) {
  const logger = runtime.logger.child({ component: 'worker' });
  const metrics = createWorkerMetrics(runtime.metrics.registry, {
    concurrency: runtime.config.worker.concurrency,
    queueCounts: runtime.adapters.stats.queue,
    logger,
  });
  return startWorker({
    store: runtime.adapters.store,
    bus: runtime.adapters.bus,
    queue: runtime.adapters.queue,
    models: runtime.models,
    secrets: runtime.secrets.resolver,
    logger,
    maxRetries: runtime.config.models.maxRetries,
    retryDelays: {
      baseDelayMs: runtime.config.models.retryBaseMs,
      maxDelayMs: runtime.config.models.retryMaxDelayMs,
    },
    concurrency: runtime.config.worker.concurrency,
    metrics,
    tools: runtime.config.mcp,
    contextBudgetTokens: runtime.config.runs.contextBudgetTokens,
  });
}
