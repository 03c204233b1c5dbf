import type { Runtime } from '../shared/runtime.ts';
import { startWorker } from './start-worker.ts';

/** Starts the run worker over a runtime, with `WORKER_CONCURRENCY` runs at once. */
export function startRuntimeWorker(runtime: Runtime) {
  return startWorker({
    store: runtime.adapters.store,
    bus: runtime.adapters.bus,
    queue: runtime.adapters.queue,
    models: runtime.models,
    logger: runtime.logger.child({ component: 'worker' }),
    maxRetries: runtime.config.models.maxRetries,
    concurrency: runtime.config.worker.concurrency,
  });
}
