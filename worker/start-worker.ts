import type { Logger } from '../shared/logger.ts';
import type { JobProcessor, JobQueue } from '../shared/ports/job-queue.ts';
import { createRunAgentHandler, failRun, type RunAgentDeps } from './run-agent.ts';
import { strictMcpHostPolicy } from './tools/mcp-host-policy.ts';
import { createMcpPool } from './tools/mcp-pool.ts';
import { instrumentJobHandler, type WorkerMetrics } from './worker-metrics.ts';

export interface WorkerDeps extends RunAgentDeps {
  queue: JobQueue;
  logger: Logger;
  /** Runs this process executes at once (`WORKER_CONCURRENCY`). */
  concurrency: number;
  /** Counts busy slots, run durations and tokens. Absent: nothing is counted. */
  metrics?: WorkerMetrics;
}

/**
 * Starts taking run jobs from the queue. Close the returned processor to stop: once its runs have
 * ended it closes the MCP connection pool too (`mcpPool`, or one made from `tools`), so no
 * connection or stdio process outlives the worker.
 */
export function startWorker(deps: WorkerDeps): JobProcessor {
  const mcpPool =
    deps.mcpPool ??
    createMcpPool({
      idleMs: deps.tools?.poolIdleMs,
      policy: deps.tools?.policy ?? strictMcpHostPolicy(),
      connectTimeoutMs: deps.tools?.connectTimeoutMs,
      toolTimeoutMs: deps.tools?.toolTimeoutMs,
    });
  const handler = instrumentJobHandler(
    createRunAgentHandler({ ...deps, mcpPool }),
    deps.logger,
    deps.metrics,
  );
  const processor = deps.queue.process(handler, {
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
  // After the processor: runs hand their leases back before the connections close.
  const closingPool = async (stop: Promise<void>) => {
    try {
      await stop;
    } finally {
      await mcpPool.close();
    }
  };
  return {
    close: () => closingPool(processor.close()),
    drain: (graceMs) => closingPool(processor.drain(graceMs)),
  };
}
