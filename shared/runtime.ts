import type { Registry } from 'prom-client';
import { createModelRegistry } from '../worker/models/registry.ts';
import { createTenantModels, type TenantModels } from '../worker/models/tenant-models.ts';
import { createMcpProbe } from '../worker/tools/mcp-probe.ts';
import { type Adapters, createAdapters } from './adapters/index.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { createEventMetrics, createMetricsRegistry, meterEventBus } from './metrics.ts';
import { loadSecretCipher } from './secrets/keyring.ts';
import type { SecretCipher } from './secrets/secret-cipher.ts';
import { createSecretResolver, type SecretResolver } from './secrets/secret-resolver.ts';
import { createServices, type Services } from './services/index.ts';

export interface Runtime {
  config: Config;
  logger: Logger;
  adapters: Adapters;
  /** Model strings of tenants: their provider records, then the deployment's providers. */
  models: TenantModels;
  /** Secrets: the cipher (null without a key) and the resolver the worker opens them with. */
  secrets: { cipher: SecretCipher | null; resolver: SecretResolver };
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
  const cipher = await loadSecretCipher(config.secrets);
  if (!cipher) {
    logger.warn(
      'no secrets key (SECRETS_KEYS): secrets cannot be stored, and runs that need one fail',
    );
  }
  const resolver = createSecretResolver(adapters.store.secrets, cipher);
  const models = createTenantModels({
    registry: createModelRegistry(config.models.providers),
    providers: adapters.store.providers,
    secrets: resolver,
  });
  const services = createServices({
    store: adapters.store,
    bus: adapters.bus,
    queue: adapters.queue,
    models,
    limits: config.runs,
    logger,
    mcpProbe: createMcpProbe({ connectTimeoutMs: config.mcp.connectTimeoutMs, secrets: resolver }),
    mcpAllowStdio: config.mcp.allowStdio,
    secretCipher: cipher,
  });
  return {
    config,
    logger,
    adapters,
    models,
    secrets: { cipher, resolver },
    services,
    metrics: { registry },
  };
}
