import { createModelRegistry, type ModelRegistry } from '../worker/models/registry.ts';
import { type Adapters, createAdapters } from './adapters/index.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { createServices, type Services } from './services/index.ts';

export interface Runtime {
  config: Config;
  logger: Logger;
  adapters: Adapters;
  models: ModelRegistry;
  services: Services;
}

/** Builds everything a gateway or a worker needs from configuration. */
export async function createRuntime(config: Config, logger: Logger): Promise<Runtime> {
  const adapters = await createAdapters(config, logger);
  const models = createModelRegistry(config.models.providers);
  const services = createServices({
    store: adapters.store,
    bus: adapters.bus,
    queue: adapters.queue,
    models,
    limits: config.runs,
    logger,
  });
  return { config, logger, adapters, models, services };
}
