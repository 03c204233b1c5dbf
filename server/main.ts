/** `npm run gateway`: a stateless gateway of the distributed mode (REDIS_URL + a store URL). */
import { parseConfig } from '../shared/config.ts';
import { exitOnSignals, exitOnStartupError } from '../shared/lifecycle.ts';
import { createLogger } from '../shared/logger.ts';
import { createRuntime } from '../shared/runtime.ts';
import { startRuntimeSweeper } from '../shared/services/run-sweeper.ts';
import { listenOpsFor } from '../worker/ops-server.ts';
import { createGatewayApp } from './gateway.ts';
import { listen } from './http.ts';

try {
  const config = parseConfig(process.env, 'gateway');
  const logger = createLogger({
    level: config.log.level,
    format: config.log.format,
    name: 'agentgate-gateway',
  });
  const runtime = await createRuntime(config, logger);
  const gateway = await createGatewayApp(runtime);
  const http = await listen(gateway.app, config.server.host, config.server.port);
  // /metrics (served only there then), /healthz and /readyz on METRICS_PORT, if set.
  const ops = await listenOpsFor(runtime);
  // Queue-wait limits hold even while no worker is up: gateways sweep too.
  const sweeper = startRuntimeSweeper(runtime);
  logger.info(
    { url: `${http.url}/graphql`, store: config.store.kind, metrics: ops?.url },
    'gateway listening',
  );
  exitOnSignals(
    [
      { name: 'http', run: http.close },
      { name: 'sweeper', run: sweeper.stop },
      { name: 'gateway', run: gateway.close },
      // Last but the adapters: probes and scrapes keep answering while streams end.
      ...(ops ? [{ name: 'ops', run: ops.close }] : []),
      { name: 'adapters', run: runtime.adapters.close },
    ],
    config.shutdownTimeoutMs,
    logger,
  );
} catch (error) {
  exitOnStartupError(error);
}
