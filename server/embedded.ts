/**
 * `npm start`: gateway and worker in one process. With nothing configured it keeps state in
 * PGlite under DATA_DIR and carries jobs and events in process; REDIS_URL / DATABASE_URL /
 * MONGODB_URI switch those to the distributed adapters.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../shared/config.ts';
import { drainStep, exitOnSignals, exitOnStartupError } from '../shared/lifecycle.ts';
import { createLogger } from '../shared/logger.ts';
import { createRuntime } from '../shared/runtime.ts';
import { startRuntimeSweeper } from '../shared/services/run-sweeper.ts';
import { listenOpsFor } from '../worker/ops-server.ts';
import { startRuntimeWorker } from '../worker/worker-runtime.ts';
import { createGatewayApp } from './gateway.ts';
import { listen } from './http.ts';

try {
  const startedAt = performance.now();
  // Before anything is created: DATA_DIR (prompts, answers, the secrets key) is this user's only.
  process.umask(0o077);
  const config = parseConfig(process.env, 'embedded');
  const logger = createLogger({ level: config.log.level, format: config.log.format });
  const { store } = config;
  // Why first: a second process on the same port fails here, before it touches any data.
  const http = await listen(null, config.server.host, config.server.port);
  const firstStart = store.kind === 'pglite' && !existsSync(join(store.dataDir, 'PG_VERSION'));
  logger.info(
    {
      url: http.url,
      store: store.kind,
      ...(store.kind === 'pglite' ? { dataDir: store.dataDir } : {}),
    },
    firstStart
      ? 'Agentgate is starting: creating the embedded database (first start only, a few seconds)'
      : 'Agentgate is starting: opening the store',
  );
  const runtime = await createRuntime(config, logger);
  // Auth first: a gateway that must not start (tokens needed, none configured) runs no jobs either.
  const gateway = await createGatewayApp(runtime);
  const worker = startRuntimeWorker(runtime);
  // Also picks up the runs a previous process left active: in process, jobs die with it.
  const sweeper = startRuntimeSweeper(runtime);
  http.serve(gateway.app);
  // /metrics, /healthz and /readyz on a port of their own (METRICS_PORT), if set.
  const ops = await listenOpsFor(runtime);
  logger.info(
    {
      url: `${http.url}/graphql`,
      mode: config.mode,
      store: store.kind,
      metrics: ops?.url,
      startMs: Math.round(performance.now() - startedAt),
    },
    'Agentgate is running (gateway and worker in one process)',
  );
  exitOnSignals(
    [
      { name: 'http', run: http.close },
      { name: 'gateway', run: gateway.close },
      { name: 'sweeper', run: sweeper.stop },
      drainStep('worker', worker, config.worker.drainMs),
      ...(ops ? [{ name: 'ops', run: ops.close }] : []),
      { name: 'adapters', run: runtime.adapters.close },
    ],
    config.shutdownTimeoutMs,
    logger,
  );
} catch (error) {
  exitOnStartupError(error);
}
