import type { Registry } from 'prom-client';
import { createModelRegistry } from '../worker/models/registry.ts';
import { createTenantModels, type TenantModels } from '../worker/models/tenant-models.ts';
import {
  createMcpHostPolicy,
  type McpHostPolicy,
  resolveStdioIdentity,
} from '../worker/tools/mcp-host-policy.ts';
import { createMcpProbe } from '../worker/tools/mcp-probe.ts';
import { type Adapters, createAdapters } from './adapters/index.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { createEventMetrics, createMetricsRegistry, meterEventBus } from './metrics.ts';
import { loadSecretCipher } from './secrets/keyring.ts';
import type { SecretCipher } from './secrets/secret-cipher.ts';
import { createSecretResolver, type SecretResolver } from './secrets/secret-resolver.ts';
import { createLocalTrust } from './security/local-trust.ts';
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
  /** What tenants' MCP servers may do on this host (stdio, its account, the guarded fetch). */
  mcpPolicy: McpHostPolicy;
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
  // Tenants' settings reach this host's commands and private addresses only as the operator says
  // (docs/security.md); the deployment's own providers are trusted and use the global fetch.
  const localTrust = createLocalTrust({
    eligible: config.auth.allowAnonymous,
    tokens: adapters.store.tokens,
  });
  const mcpPolicy = createMcpHostPolicy({
    stdio: config.mcp.stdio,
    stdioIdentity: resolveStdioIdentity(config.mcp.stdioUser),
    egressAllow: config.egress.allow,
    localTrust,
  });
  const models = createTenantModels({
    registry: createModelRegistry(config.models.providers),
    providers: adapters.store.providers,
    secrets: resolver,
    fetch: mcpPolicy.fetch,
  });
  const services = createServices({
    store: adapters.store,
    bus: adapters.bus,
    queue: adapters.queue,
    models,
    limits: config.runs,
    logger,
    mcpProbe: createMcpProbe({
      policy: mcpPolicy,
      connectTimeoutMs: config.mcp.connectTimeoutMs,
      secrets: resolver,
    }),
    mcpStdioAllowed: mcpPolicy.stdioAllowed,
    secretCipher: cipher,
  });
  return {
    config,
    logger,
    adapters,
    models,
    secrets: { cipher, resolver },
    mcpPolicy,
    services,
    metrics: { registry },
  };
}
