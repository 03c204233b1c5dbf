import type { Registry } from 'prom-client';
import { createModelRegistry, type ModelRegistry } from '../worker/models/registry.ts';
import { createMcpProbe } from '../worker/tools/mcp-probe.ts';
import { type Adapters, createAdapters } from './adapters/index.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { createEventMetrics, createMetricsRegistry, meterEventBus } from './metrics.ts';
import { createServices, type Services } from './services/index.ts';

export interface Runtime {
  config: Config;
  logger: Logger;
  adapters: Adapters;
  models: ModelRegistry;
  services: Services;
  /** This runtime's Prometheus registry; gateway and worker metrics are added to it. */
  metrics: { registry: Registry };
}

/** Builds everything a gateway or a worker needs from configuration. */
export async function createRuntime(config: Config, logger: Logger): Promise<Runtime> {
  const created = await createAdapters(config, logger);
  const registry = createMetricsRegistry();
  // Every event published through this runtime is counted (runs by status, tool calls).
  const adapters = { ...created, bus: meterEventBus(created.bus, createEventMetrics(registry)) };
  const models = createModelRegistry(config.models.providers);
  const services = createServices({
    store: adapters.store,
    bus: adapters.bus,
    queue: adapters.queue,
    models,
    limits: config.runs,
    logger,
    mcpProbe: createMcpProbe({ connectTimeoutMs: config.mcp.connectTimeoutMs }),
    mcpAllowStdio: config.mcp.allowStdio,
  });
  return { config, logger, adapters, models, services, metrics: { registry } };
}
