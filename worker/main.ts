/** `npm run worker`: executes runs from the Redis queue, WORKER_CONCURRENCY at a time. */
import { parseConfig } from '../shared/config.ts';
import { drainStep, exitOnSignals, exitOnStartupError } from '../shared/lifecycle.ts';
import { createLogger } from '../shared/logger.ts';
import { createRuntime } from '../shared/runtime.ts';
import { startRuntimeSweeper } from '../shared/services/run-sweeper.ts';
import { listenOpsFor } from './ops-server.ts';
import { startRuntimeWorker } from './worker-runtime.ts';

try {
  const config = parseConfig(process.env, 'worker');
  const logger = createLogger({
    level: config.log.level,
    format: config.log.format,
    name: 'agentgate-worker',
  });
  const runtime = await createRuntime(config, logger);
  const worker = startRuntimeWorker(runtime);
  const sweeper = startRuntimeSweeper(runtime);
  // /metrics, /healthz and /readyz for Prometheus and Kubernetes probes (METRICS_PORT).
  const ops = await listenOpsFor(runtime);
  logger.info(
    { concurrency: config.worker.concurrency, store: config.store.kind, metrics: ops?.url },
    'worker started',
  );
  exitOnSignals(
    [
      // First, in the tick of the signal: stop taking jobs, let runs finish for WORKER_DRAIN_MS,
      // hand the rest back to the queue.
      drainStep('worker', worker, config.worker.drainMs),
      { name: 'sweeper', run: sweeper.stop },
      // Last but the adapters: probes and scrapes keep answering while runs drain.
      ...(ops ? [{ name: 'ops', run: ops.close }] : []),
      { name: 'adapters', run: runtime.adapters.close },
    ],
    config.shutdownTimeoutMs,
    logger,
  );
} catch (error) {
  exitOnStartupError(error);
}
