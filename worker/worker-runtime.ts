import type { Runtime } from '../shared/runtime.ts';
import { startWorker } from './start-worker.ts';
import { createMcpPool } from './tools/mcp-pool.ts';
import { createWorkerMetrics } from './worker-metrics.ts';

/**
 * Starts the run worker over a runtime, with `WORKER_CONCURRENCY` runs at once; its metrics
 * (slots, run durations, tokens, queue depth, MCP connections) go to the runtime's registry.
 * Closing the worker closes its MCP connections.
 */
export function startRuntimeWorker(runtime: Runtime) {
  const logger = runtime.logger.child({ component: 'worker' });
  const { mcp } = runtime.config;
  const mcpPool = createMcpPool({
    policy: runtime.mcpPolicy,
    idleMs: mcp.poolIdleMs,
    connectTimeoutMs: mcp.connectTimeoutMs,
    toolTimeoutMs: mcp.toolTimeoutMs,
  });
  const metrics = createWorkerMetrics(runtime.metrics.registry, {
    concurrency: runtime.config.worker.concurrency,
    queueCounts: runtime.adapters.stats.queue,
    mcpConnections: mcpPool.stats,
    logger,
    modelLabels: {
      providers: runtime.config.models.providers.map((provider) => provider.name),
      models: runtime.config.metrics.models,
    },
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
    tools: { ...mcp, policy: runtime.mcpPolicy },
    mcpPool,
    contextBudgetTokens: runtime.config.runs.contextBudgetTokens,
    output: runtime.config.output,
  });
}
