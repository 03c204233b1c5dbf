import type { LanguageModel } from 'ai';
import type { EventBody, NewWorkflowEvent } from '../shared/domain/events.ts';
import type { Message, Run, RunError, Usage } from '../shared/domain/types.ts';
import { isTerminal } from '../shared/domain/types.ts';
import type { Logger } from '../shared/logger.ts';
import type { EventBus } from '../shared/ports/event-bus.ts';
import type { JobContext, JobHandler, JobOutcome, RunJob } from '../shared/ports/job-queue.ts';
import type { Store } from '../shared/ports/store.ts';
import { publishRunStatus } from '../shared/services/run-status.ts';
import { runAgentLoop } from './agent-loop.ts';

/** Resolves a `provider:model` string to a model the AI SDK can call. */
export interface ModelResolver {
  resolve(model: string): LanguageModel;
}

export interface RunAgentDeps {
  store: Store;
  bus: EventBus;
  models: ModelResolver;
  logger: Logger;
  /** AI SDK retries per model call (429, 5xx, network). */
  maxRetries: number;
  /** How soon a job whose workflow is busy is offered again, in ms (default 200). */
  busyRetryMs?: number;
}

/** The run-agent job (shared/jobs.ts `runAgentJob`): one run from QUEUED to its terminal status. */
export function createRunAgentHandler(deps: RunAgentDeps): JobHandler {
  const { store, bus, logger } = deps;
  const busyRetryMs = deps.busyRetryMs ?? 200;

  return async (job: RunJob, context: JobContext): Promise<JobOutcome> => {
    const [found] = await store.runs.getMany(job.tenantId, [job.runId]);
    if (!found || isTerminal(found.status)) return undefined;
    let run: Run = found;
    if (run.status === 'QUEUED') {
      const started = await store.runs.start(run.tenantId, run.id, new Date());
      if (!started.ok) {
        // One run per workflow at a time, oldest first: come back when the workflow is free.
        return started.reason === 'BUSY' ? { retryAfterMs: busyRetryMs } : undefined;
      }
      run = started.run;
      // Persisted by start() above, then announced.
      await publishRunStatus(bus, run);
    } else {
      await publish(run, {
        type: 'LogEvent',
        event: 'retry',
        detail: {
          attempt: context.attempt,
          reason: 'the previous attempt ended without finishing',
        },
      });
    }
    const result = await execute(run, context);
    await finish(run, result);
    return undefined;
  };

  function publish(run: Run, body: EventBody) {
    return bus.publish({
      ...body,
      tenantId: run.tenantId,
      workflowId: run.workflowId,
      runId: run.id,
      at: new Date().toISOString(),
    } as NewWorkflowEvent);
  }

  async function persistMessage(
    run: Run,
    message: Pick<Message, 'id' | 'role' | 'content'>,
  ): Promise<void> {
    const [stored] = await store.messages.append([
      { ...message, tenantId: run.tenantId, workflowId: run.workflowId, runId: run.id },
    ]);
    if (!stored) throw new Error(`message ${message.id} was not stored`);
    // Stored first, then announced: a client that re-reads after the event sees it.
    await publish(run, {
      type: 'MessageEvent',
      message: {
        id: stored.id,
        workflowId: stored.workflowId,
        runId: stored.runId,
        index: stored.index,
        role: stored.role,
        content: stored.content,
        createdAt: stored.createdAt.toISOString(),
      },
    });
  }

  type Outcome =
    | {
        status: 'SUCCEEDED' | 'CANCELLED' | 'MAX_TURNS_REACHED';
        output: string | null;
        usage: Usage;
      }
    | { status: 'FAILED'; output: string | null; usage: Usage; error: RunError };

  async function execute(run: Run, context: JobContext): Promise<Outcome> {
    const zero: Usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
    const [workflow] = await store.workflows.getMany(run.tenantId, [run.workflowId]);
    const [agent] = workflow ? await store.agents.getMany(run.tenantId, [workflow.agentId]) : [];
    if (!workflow || !agent) {
      return {
        status: 'FAILED',
        output: null,
        usage: zero,
        error: { code: 'WORKFLOW_GONE', message: 'The workflow or its agent no longer exists.' },
      };
    }
    let model: LanguageModel;
    try {
      model = deps.models.resolve(workflow.model ?? agent.model);
    } catch (error) {
      return {
        status: 'FAILED',
        output: null,
        usage: zero,
        error: {
          code: 'MODEL_UNAVAILABLE',
          message: error instanceof Error ? error.message : 'The model cannot be resolved.',
        },
      };
    }

    const conversation = await store.messages.history(run.tenantId, run.workflowId);
    // Deterministic ids make a retried attempt store each message at most once.
    const userMessageId = `${run.id}-u`;
    if (!conversation.some((m) => m.id === userMessageId)) {
      await persistMessage(run, { id: userMessageId, role: 'USER', content: run.prompt });
    }
    let assistantCount = 0;
    const result = await runAgentLoop({
      model,
      system: agent.systemPrompt,
      history: conversation.filter((m) => m.runId !== run.id),
      prompt: run.prompt,
      maxTurns: workflow.maxTurns,
      maxRetries: deps.maxRetries,
      signal: context.signal,
      newMessageId: () => `${run.id}-a${++assistantCount}-${context.attempt}`,
      sink: {
        delta: async (messageId, delta) => {
          await publish(run, { type: 'MessageDeltaEvent', messageId, delta });
        },
        message: (message) => persistMessage(run, message),
        usage: async (usage) => {
          await publish(run, { type: 'UsageEvent', usage });
        },
        log: async (event, detail) => {
          await publish(run, { type: 'LogEvent', event, detail });
        },
      },
    });
    if (result.status === 'FAILED') {
      logger.info({ runId: run.id, error: result.error }, 'run failed');
      return result;
    }
    return { ...result, output: result.output ?? null };
  }

  /** Records the outcome if the run is still RUNNING; only the winner of that CAS announces it. */
  async function finish(run: Run, outcome: Outcome): Promise<void> {
    const ended = await store.runs.transition(run.tenantId, run.id, ['RUNNING'], {
      status: outcome.status,
      output: outcome.output,
      usage: outcome.usage,
      error: outcome.status === 'FAILED' ? outcome.error : null,
      finishedAt: new Date(),
    });
    if (ended) await publishRunStatus(bus, ended);
  }
}

/**
 * Ends a run whose job failed for good (attempts exhausted, stalled workers, a bad payload).
 * The run must still end exactly once, with its terminal event.
 */
export async function failRun(
  deps: Pick<RunAgentDeps, 'store' | 'bus'>,
  job: RunJob,
  reason: string,
  error: RunError = { code: 'WORKER_LOST', message: reason },
): Promise<void> {
  const failed = await deps.store.runs.transition(job.tenantId, job.runId, ['QUEUED', 'RUNNING'], {
    status: 'FAILED',
    error,
    finishedAt: new Date(),
  });
  if (failed) await publishRunStatus(deps.bus, failed);
}
