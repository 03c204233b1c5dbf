import type { Logger } from '../shared/logger.ts';
import type { JobProcessor, JobQueue } from '../shared/ports/job-queue.ts';
import { createRunAgentHandler, failRun, type RunAgentDeps } from './run-agent.ts';
import { instrumentJobHandler, type WorkerMetrics } from './worker-metrics.ts';

export interface WorkerDeps extends RunAgentDeps {
  queue: JobQueue;
  logger: Logger;
  /** Runs this process executes at once (`WORKER_CONCURRENCY`). */
  concurrency: number;
  /** Counts busy slots, run durations and tokens. Absent: nothing is counted. */
  metrics?: WorkerMetrics;
}

/** Starts taking run jobs from the queue. Close the returned processor to stop. */
export function startWorker(deps: WorkerDeps): JobProcessor {
  const handler = instrumentJobHandler(createRunAgentHandler(deps), deps.logger, deps.metrics);
  return deps.queue.process(handler, {
    concurrency: deps.concurrency,
    onFailed: async (job, reason) => {
      deps.logger.error(
        { runId: job.runId, workflowId: job.workflowId, jobId: job.runId, reason },
        'run job failed for good',
      );
      await failRun(deps, job, reason, {
        code: 'WORKER_LOST',
        message: `The run could not be completed: ${reason}`,
      });
    },
  });
}
