/** `npm run worker`: executes runs from the Redis queue, WORKER_CONCURRENCY at a time. */
import { parseConfig } from '../shared/config.ts';
import { exitOnSignals, exitOnStartupError } from '../shared/lifecycle.ts';
import { createLogger } from '../shared/logger.ts';
import { createRuntime } from '../shared/runtime.ts';
import { startRuntimeWorker } from './worker-runtime.ts';

try {
  const config = parseConfig(process.env, 'worker');
  const logger = createLogger({ level: config.log.level, name: 'agentgate-worker' });
  const runtime = await createRuntime(config, logger);
  const worker = startRuntimeWorker(runtime);
  logger.info(
    { concurrency: config.worker.concurrency, store: config.store.kind },
    'worker started',
  );
  exitOnSignals(
    [
      { name: 'worker', run: worker.close },
      { name: 'adapters', run: runtime.adapters.close },
    ],
    config.shutdownTimeoutMs,
    logger,
  );
} catch (error) {
  exitOnStartupError(error);
}
