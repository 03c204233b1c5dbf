import type { Logger } from './logger.ts';
import type { JobProcessor } from './ports/job-queue.ts';

export interface ShutdownStep {
  name: string;
  run: () => Promise<void>;
}

/**
 * Runs the steps in the order given (callers list them in reverse order of creation), each at
 * most once, all within `timeoutMs`; a step that fails is logged and the next one still runs.
 */
export async function shutdown(steps: ShutdownStep[], timeoutMs: number, logger: Logger) {
  const all = (async () => {
    for (const step of steps) {
      try {
        await step.run();
        logger.debug({ step: step.name }, 'stopped');
      } catch (error) {
        logger.error({ err: error, step: step.name }, 'shutdown step failed');
      }
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([all.then(() => 'done' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') logger.warn({ timeoutMs }, 'shutdown timed out');
  return outcome;
}

/**
 * The shutdown step of a run worker: it stops taking jobs at once, lets the runs in flight finish
 * for up to `drainMs`, then hands the rest back to the queue (they are not cancelled: another
 * worker takes each over as a new attempt, after a `handed-back` LogEvent) and closes.
 * `drainMs` must leave the shutdown timeout time for the hand-back.
 */
export function drainStep(name: string, processor: JobProcessor, drainMs: number): ShutdownStep {
  return { name, run: () => processor.drain(drainMs) };
}

/** On SIGINT or SIGTERM, shuts down once and exits (0 when clean, 1 on timeout). */
export function exitOnSignals(steps: ShutdownStep[], timeoutMs: number, logger: Logger) {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    void shutdown(steps, timeoutMs, logger).then((outcome) => {
      process.exit(outcome === 'done' ? 0 : 1);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

/** Prints a startup failure (a config error lists every problem) and exits non-zero. */
export function exitOnStartupError(error: unknown): never {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
