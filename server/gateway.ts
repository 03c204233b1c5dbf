import type { Runtime } from '../shared/runtime.ts';
import { type App, createApp } from './app.ts';
import { prepareAuth } from './auth.ts';
import { createGatewayMetrics } from './metrics.ts';
import { createRateLimiter } from './rate-limit.ts';

export interface GatewayApp {
  app: App;
  /** Closes what the app holds beyond the runtime (the rate limiter's Redis connection). */
  close(): Promise<void>;
}

/**
 * The gateway app over a runtime. Authentication is settled first: the bootstrap token is
 * stored, and a gateway that would need tokens but has none refuses to start (`AuthSetupError`,
 * saying how to configure them). The request budget is kept in Redis in the distributed mode, so
 * it holds across gateways.
 */
export async function createGatewayApp(runtime: Runtime): Promise<GatewayApp> {
  const { config, logger } = runtime;
  const auth = await prepareAuth(config, runtime.adapters.store.tokens, logger);
  const rateLimiter = createRateLimiter({
    perMinute: config.protection.ratePerMinute,
    redis: config.redis,
    logger: logger.child({ component: 'rate-limit' }),
  });
  const app = createApp({
    services: runtime.services,
    store: runtime.adapters.store,
    logger: runtime.logger,
    authenticate: (request) => auth.authenticate(request),
    protection: config.protection,
    rateLimiter,
    readiness: () => runtime.adapters.ready(),
    metrics: createGatewayMetrics(runtime.metrics.registry, {
      busSubscribers: () => runtime.adapters.stats.bus().subscribers,
    }),
  });
  return { app, close: () => rateLimiter.close() };
}
