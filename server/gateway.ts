import { DEFAULT_TENANT_ID } from '../shared/domain/types.ts';
import type { Runtime } from '../shared/runtime.ts';
import { type App, createApp } from './app.ts';

/**
 * The gateway app over a runtime. Until API tokens exist every request is the one default
 * tenant; `authenticate` is the seam where tokens plug in.
 */
export function createGatewayApp(runtime: Runtime): App {
  return createApp({
    services: runtime.services,
    store: runtime.adapters.store,
    logger: runtime.logger,
    authenticate: async () => ({ tenantId: DEFAULT_TENANT_ID }),
    readiness: () => runtime.adapters.ready(),
  });
}
