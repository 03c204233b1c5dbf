import type { Runtime } from '../shared/runtime.ts';
import { type App, createApp } from './app.ts';
import { prepareAuth } from './auth.ts';
import { createAuthFailureLimiter } from './auth-failures.ts';
import { createGatewayMetrics } from './metrics.ts';
import { metricsAccessFor } from './metrics-endpoint.ts';
import { createRateLimiter } from './rate-limit.ts';

export interface GatewayApp {
  app: App;
  /** Closes what the app holds beyond the runtime (the rate limiters' Redis connections). */
  close(): Promise<void>;
}

/**
 * The gateway app over a runtime. Authentication is settled first: the bootstrap token is
 * stored, and a gateway that would need tokens but has none refuses to start (`AuthSetupError`,
 * saying how to configure them). The request budget and the failed authentications per client
 * address are kept in Redis in the distributed mode, so they hold across gateways. `/metrics` is
 * served here as `metricsAccessFor(config)` says.
 */
export async function createGatewayApp(runtime: Runtime): Promise<GatewayApp> {
  const { config, logger } = runtime;
  const auth = await prepareAuth(config, runtime.adapters.store.tokens, logger);
  const rateLimiter = createRateLimiter({
    perMinute: config.protection.ratePerMinute,
    redis: config.redis,
    logger: logger.child({ component: 'rate-limit' }),
  });
  const authFailures = createAuthFailureLimiter({
    perMinute: config.clients.authFailuresPerMinute,
    redis: config.redis,
    logger: logger.child({ component: 'auth-failures' }),
  });
  const app = createApp({
    services: runtime.services,
    store: runtime.adapters.store,
    logger: runtime.logger,
    authenticate: (request) => auth.authenticate(request),
    protection: config.protection,
    rateLimiter,
    authFailures,
    trustProxyHops: config.clients.trustProxyHops,
    readiness: () => runtime.adapters.ready(),
    metrics: createGatewayMetrics(runtime.metrics.registry, {
      busSubscribers: () => runtime.adapters.stats.bus().subscribers,
    }),
    metricsAccess: metricsAccessFor(config),
  });
  return {
    app,
    close: async () => {
      await Promise.all([rateLimiter.close(), authFailures.close()]);
    },
  };
}
