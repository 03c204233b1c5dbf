import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { EventBody, NewWorkflowEvent } from '../shared/domain/events.ts';
import { storableText, storableValue } from '../shared/domain/storable-text.ts';
import type { McpServer, Message, Run, RunError, Usage } from '../shared/domain/types.ts';
import { addUsage, isTerminal } from '../shared/domain/types.ts';
import type { Logger } from '../shared/logger.ts';
import type { EventBus } from '../shared/ports/event-bus.ts';
import {
  type JobContext,
  type JobHandler,
  type JobOutcome,
  jobAbortKind,
  type RunJob,
} from '../shared/ports/job-queue.ts';
import { type Store, StoreDataError } from '../shared/ports/store.ts';
import { createRedactor, type Redactor } from '../shared/secrets/references.ts';
import {
  createSecretResolver,
  type SecretResolver,
  SecretUnavailableError,
} from '../shared/secrets/secret-resolver.ts';
import { announceRunStatus, publishRunStatus } from '../shared/services/run-status.ts';
import { isOverdue, timeOutRun, timeoutError } from '../shared/services/run-timeouts.ts';
import { resolveSkills } from '../shared/services/skills.ts';
import { runAgentLoop } from './agent-loop.ts';
import { DEFAULT_CONTEXT_BUDGET_TOKENS } from './context-window.ts';
import type { ModelRetryPolicy } from './models/model-retry.ts';
import type { ResolvedModel } from './models/tenant-models.ts';
import { inspectEarlierAttempts } from './run-attempts.ts';
import { buildSystemPrompt } from './system-prompt.ts';
import { resolveAgentServers } from './tools/agent-servers.ts';
import { withDemoTools } from './tools/demo-tools.ts';
import { type McpHostPolicy, strictMcpHostPolicy } from './tools/mcp-host-policy.ts';
import { createMcpPool, type McpPool } from './tools/mcp-pool.ts';
import { openRunTools, type RunTools } from './tools/mcp-tools.ts';
import { openServerSecrets, type ServersWithSecrets } from './tools/server-secrets.ts';
import type { RunMetrics } from './worker-metrics.ts';

/** Resolves a tenant's `provider:model` string to a model the AI SDK can call. */
export interface ModelResolver {
  /**
   * The tenant's provider record of that name first, then the deployment's providers.
   * Rejects with `SecretUnavailableError` when a record's key cannot be opened.
   */
  resolve(tenantId: string, model: string): Promise<ResolvedModel>;
}

export interface RunAgentDeps {
  store: Store;
  bus: EventBus;
  models: ModelResolver;
  logger: Logger;
  /** Retries of a model call on 429, 5xx and network errors (`MODEL_MAX_RETRIES`). */
  maxRetries: number;
  /** Waits between those retries; default 1 s doubling, at most 30 s (`MODEL_RETRY_*`). */
  retryDelays?: Omit<ModelRetryPolicy, 'maxRetries'>;
  /** How soon a job whose workflow is busy is offered again, in ms (default 200). */
  busyRetryMs?: number;
  /** Run durations and tokens by model. Absent: nothing is counted. */
  metrics?: RunMetrics;
  /**
   * Opens the secrets MCP servers reference (`{{secret:NAME}}`). Absent: a run whose servers
   * reference secrets fails SECRETS_UNAVAILABLE.
   */
  secrets?: SecretResolver;
  /**
   * Context budget in estimated tokens of an agent without its own (`CONTEXT_BUDGET_TOKENS`);
   * default {@link DEFAULT_CONTEXT_BUDGET_TOKENS}.
   */
  contextBudgetTokens?: number;
  /** MCP tool limits (`MCP_*`); absent: the defaults of `tools/mcp-tools.ts` and the loop. */
  tools?: {
    /** Limit of connecting to a server and listing its tools, in ms. */
    connectTimeoutMs?: number;
    /** Limit of one tool call, in ms; a call past it fails and the model is told. */
    toolTimeoutMs?: number;
    /** Tool results longer than this many characters of JSON are cut in events and history. */
    maxResultChars?: number;
    /** How long an MCP connection no run holds stays open for reuse, in ms; 0: no reuse. */
    poolIdleMs?: number;
    /** What MCP connections may do on this host; default {@link strictMcpHostPolicy}. */
    policy?: McpHostPolicy;
  };
  /**
   * Size limits of model output (`MAX_MESSAGE_CHARS`, `MAX_DELTA_CHARS`,
   * `MAX_TOOL_ARGUMENT_CHARS`; docs/limits.md); absent: the defaults of `output-limits.ts`.
   */
  output?: {
    /** Characters of one assistant message; past it the run ends FAILED `OUTPUT_TOO_LARGE`. */
    maxMessageChars?: number;
    /** Characters of one delta event; larger provider chunks are split. */
    maxDeltaChars?: number;
    /** Characters of one tool call's arguments; a larger call fails without running. */
    maxToolArgumentChars?: number;
  };
  /**
   * The worker's MCP connections (`tools/mcp-pool.ts`), shared by runs of the same tenant and
   * server settings. Absent: a pool without reuse (each run connects and closes at its end).
   */
  mcpPool?: McpPool;
}

/**
 * Thrown by the sink when the store refuses this attempt's progress: another attempt took the run
 * over (this worker lost its lock), or the run already ended (cancelled or timed out without it).
 */
class Superseded extends Error {}

/** The abort reason of the execution deadline (`Run.timeoutAt`). */
class ExecutionTimeout extends Error {}

/** The store refused a message of the run as invalid data, after its deltas were published. */
class MessageNotStorable extends Error {
  constructor(
    readonly messageId: string,
    readonly refused: StoreDataError,
  ) {
    super(refused.message);
    this.name = 'MessageNotStorable';
  }
}

/** The code of a run whose output the store refused: retrying would refuse it again. */
const OUTPUT_NOT_STORABLE = 'OUTPUT_NOT_STORABLE';

type Outcome =
  | { status: 'SUCCEEDED' | 'CANCELLED' | 'MAX_TURNS_REACHED'; output: string | null; usage: Usage }
  | { status: 'FAILED' | 'TIMED_OUT'; output: string | null; usage: Usage; error: RunError }
  /** The worker is shutting down: the run stays RUNNING and its job goes back to the queue. */
  | { status: 'HANDED_BACK' }
  /** Another attempt owns the run, or it ended without this one: change nothing. */
  | { status: 'SUPERSEDED' };

/**
 * The run-agent job (shared/jobs.ts `runAgentJob`): one run from QUEUED to its terminal status.
 *
 * Taking over: a job that finds its run RUNNING (its previous worker died, failed or handed it
 * back) resumes it as a new attempt (`RunStore.resume`). Messages an earlier attempt completed
 * and stored are kept. When the last of them is an answer whose model step did not ask for tools
 * (or the replay log does not say), the run was answered and ends with that answer, without
 * calling the model again; otherwise the model continues after them: the turn that was
 * interrupted starts over. An assistant message is stored only once it is complete, so a partly
 * streamed one is
 * never stored: its id is listed in the `retry` LogEvent (`abandonedMessageIds`) and clients drop
 * its deltas. Every message id carries the attempt (`<run>-a<n>-<attempt>`), so deltas of two
 * attempts never share a message. Usage is stored after every model step, so the run's total
 * counts the steps earlier attempts completed.
 *
 * Fencing: every write of progress (a message, the usage, the end) is a CAS on the run being
 * RUNNING with this attempt, so a worker that lost its job to another never records anything
 * after the takeover, and ends nothing.
 */
export function createRunAgentHandler(deps: RunAgentDeps): JobHandler {
  const { store, bus, logger } = deps;
  const busyRetryMs = deps.busyRetryMs ?? 200;
  const secrets = deps.secrets ?? createSecretResolver(store.secrets, null);
  // Without reuse nothing outlives a run, so this fallback needs no closing.
  const mcpPool =
    deps.mcpPool ??
    createMcpPool({
      idleMs: 0,
      policy: deps.tools?.policy ?? strictMcpHostPolicy(),
      connectTimeoutMs: deps.tools?.connectTimeoutMs,
      toolTimeoutMs: deps.tools?.toolTimeoutMs,
    });

  return async (job: RunJob, context: JobContext): Promise<JobOutcome> => {
    // Assigned on every path that goes on: started, or taken over.
    let run!: Run;
    let resumed = false;
    let announced: Promise<unknown> = Promise.resolve();
    // The common case in one step: a QUEUED run within its queue deadline starts.
    let started = await store.runs.start(job.tenantId, job.runId, { overdueAt: new Date() });
    if (!started.ok && started.reason === 'BUSY') {
      // One run per workflow at a time, oldest first: come back when the workflow is free.
      return { retryAfterMs: busyRetryMs };
    }
    if (!started.ok) {
      // Not startable: ended, past its queue deadline, or RUNNING on a worker that died.
      const [found] = await store.runs.getMany(job.tenantId, [job.runId]);
      if (!found || isTerminal(found.status)) return undefined;
      if (found.status === 'QUEUED') {
        // The queue-wait limit holds even when the sweeper has not come round yet.
        if (isOverdue(found)) {
          await timeOutRun({ store, bus }, found);
          return undefined;
        }
        started = await store.runs.start(found.tenantId, found.id);
        if (!started.ok)
          return started.reason === 'BUSY' ? { retryAfterMs: busyRetryMs } : undefined;
      } else {
        const taken = await store.runs.resume(found.tenantId, found.id);
        if (!taken) return undefined;
        run = taken;
        resumed = true;
        // The worker that started it may have died before announcing it (a no-op if it did not).
        await publishRunStatus(bus, run);
      }
    }
    if (started.ok) {
      run = started.run;
      // Persisted by start() above, then announced — while the run's records load (`execute`
      // awaits it before anything else of the run is published).
      announced = publishRunStatus(bus, run);
      announced.catch(() => {});
    }
    if (isOverdue(run)) {
      await announced;
      await timeOutRun({ store, bus }, run);
      return undefined;
    }
    let outcome: Outcome;
    try {
      outcome = await execute(run, context, resumed, announced, job.agentId);
    } catch (error) {
      // Data the store can never take ends the run now: a retry would call the model again
      // only to be refused again (and end WORKER_LOST with the driver's text).
      if (!(error instanceof StoreDataError || error instanceof MessageNotStorable)) throw error;
      outcome = await notStorable(run, error);
    }
    if (outcome.status === 'HANDED_BACK') return { retryAfterMs: 0 };
    if (outcome.status === 'SUPERSEDED') {
      logger.info({ runId: run.id, attempt: run.attempt }, 'run taken over or ended elsewhere');
      return undefined;
    }
    try {
      await finish(run, outcome);
    } catch (error) {
      if (!(error instanceof StoreDataError)) throw error;
      await finish(run, await notStorable(run, error));
    }
    return undefined;
  };

  /**
   * The FAILED outcome of a run whose output the store refused. A message whose deltas went
   * out but that could not be stored is announced (`output-not-stored`) so that clients drop
   * its deltas, as they do for an abandoned attempt's.
   */
  async function notStorable(
    run: Run,
    error: StoreDataError | MessageNotStorable,
  ): Promise<Exclude<Outcome, { status: 'HANDED_BACK' | 'SUPERSEDED' }>> {
    const refused = error instanceof MessageNotStorable ? error.refused : error;
    logger.warn({ runId: run.id, sqlState: refused.sqlState }, 'the store refused the run output');
    if (error instanceof MessageNotStorable) {
      await publish(run, {
        type: 'LogEvent',
        event: 'output-not-stored',
        detail: { messageId: error.messageId, sqlState: refused.sqlState },
      });
    }
    // Usage is stored after every model step: keep what the run has used so far.
    const [latest] = await store.runs.getMany(run.tenantId, [run.id]);
    return {
      status: 'FAILED',
      output: null,
      usage: latest?.usage ?? run.usage,
      error: {
        code: OUTPUT_NOT_STORABLE,
        message: `The store refused the run's output as invalid data (SQLSTATE ${refused.sqlState}); the run was stopped without calling the model again.`,
      },
    };
  }

  /** Publishes an event of the run; with `redact`, the run's secret values never reach it. */
  function publish(run: Run, body: EventBody, redact?: Redactor) {
    return bus.publish({
      ...(redact ? redact.value(body) : body),
      tenantId: run.tenantId,
      workflowId: run.workflowId,
      runId: run.id,
      at: new Date().toISOString(),
    } as NewWorkflowEvent);
  }

  function announce(run: Run, stored: Message) {
    return publish(run, {
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

  async function storeMessage(
    run: Run,
    message: Pick<Message, 'id' | 'role' | 'content'>,
    redact?: Redactor,
  ): Promise<Message> {
    const content = redact ? redact.text(message.content) : message.content;
    const [stored] = await store.messages.append([
      { ...message, content, tenantId: run.tenantId, workflowId: run.workflowId, runId: run.id },
    ]);
    if (!stored) throw new Error(`message ${message.id} was not stored`);
    return stored;
  }

  async function persistMessage(
    run: Run,
    message: Pick<Message, 'id' | 'role' | 'content'>,
    redact?: Redactor,
  ): Promise<void> {
    // Stored first, then announced: a client that re-reads after the event sees it.
    await announce(run, await storeMessage(run, message, redact));
  }

  /** Records progress only while this attempt owns the RUNNING run; throws Superseded otherwise. */
  async function fence(run: Run, usage?: Usage): Promise<void> {
    const owned = await store.runs.transition(
      run.tenantId,
      run.id,
      ['RUNNING'],
      usage ? { status: 'RUNNING', usage } : { status: 'RUNNING' },
      { attempt: run.attempt },
    );
    if (!owned) throw new Superseded();
  }

  /** Tells clients which deltas to drop and announces what a dead attempt stored silently. */
  async function recoverEarlierAttempts(run: Run, mine: Message[]) {
    const earlier = await inspectEarlierAttempts(bus, run, mine);
    await publish(run, {
      type: 'LogEvent',
      event: 'retry',
      detail: {
        attempt: run.attempt,
        reason: 'the previous attempt ended without finishing; this one continues the run',
        abandonedMessageIds: earlier.abandonedMessageIds,
      },
    });
    for (const message of earlier.unannounced) await announce(run, message);
    return earlier;
  }

  async function execute(
    run: Run,
    context: JobContext,
    resumed: boolean,
    announced: Promise<unknown>,
    agentId: string | undefined,
  ): Promise<Outcome> {
    const base = run.usage;
    // Loaded at once: each is a round trip on the way to the first token.
    const [[workflow], conversation, [named]] = await Promise.all([
      store.workflows.getMany(run.tenantId, [run.workflowId]),
      store.messages.history(run.tenantId, run.workflowId),
      agentId ? store.agents.getMany(run.tenantId, [agentId]) : [],
    ]);
    // The job names the agent when the gateway knew it; checked against the workflow all the same.
    const [agent] =
      !workflow || named?.id === workflow.agentId
        ? [named]
        : await store.agents.getMany(run.tenantId, [workflow.agentId]);
    // The run's RUNNING event comes before anything else of it.
    await announced;
    if (!workflow || !agent) {
      return {
        status: 'FAILED',
        output: null,
        usage: base,
        error: { code: 'WORKFLOW_GONE', message: 'The workflow or its agent no longer exists.' },
      };
    }
    let model: LanguageModelV3;
    // Every secret value this run opens (a provider key, MCP env and headers) is replaced by
    // `[secret:NAME]` in whatever it stores, publishes or logs.
    let redact: Redactor;
    try {
      const resolved = await deps.models.resolve(run.tenantId, workflow.model ?? agent.model);
      model = resolved.model;
      redact = createRedactor(resolved.secrets);
    } catch (error) {
      return {
        status: 'FAILED',
        output: null,
        usage: base,
        error:
          error instanceof SecretUnavailableError
            ? { code: error.code, message: error.message }
            : {
                code: 'MODEL_UNAVAILABLE',
                message: error instanceof Error ? error.message : 'The model cannot be resolved.',
              },
      };
    }

    const mine = conversation.filter((m) => m.runId === run.id);
    if (resumed) {
      const earlier = await recoverEarlierAttempts(run, mine);
      // The earlier attempt stored its final answer and died before ending the run: the run is
      // answered, and asking the model again would store a second answer. Only a step known to
      // have asked for tools is continued.
      const last = mine.at(-1);
      if (last?.role === 'ASSISTANT' && earlier.lastAnswerFinishReason !== 'tool-calls') {
        return { status: 'SUCCEEDED', output: last.content, usage: base };
      }
    }
    // Deterministic ids make a retried attempt store each message at most once.
    const userMessageId = `${run.id}-u`;
    // Stored while the run's tools and model are prepared: every report of the run (the sink
    // below) and its end wait for it, so it is still the run's first message and event.
    // Once it is stored its announcement is issued, and whatever the run publishes after that
    // goes out behind it on the same connection: nothing waits for the announcement's reply.
    let userAnnounced: Promise<unknown> = Promise.resolve();
    const userStored = mine.some((m) => m.id === userMessageId)
      ? Promise.resolve()
      : (async () => {
          const stored = await storeMessage(run, {
            id: userMessageId,
            role: 'USER',
            content: run.prompt,
          });
          userAnnounced = announce(run, stored);
          userAnnounced.catch(() => {});
        })();
    userStored.catch(() => {});
    // What earlier attempts completed stays; the model continues after it.
    const continuation = mine.filter((m) => m.role !== 'USER');
    let assistantCount = continuation.filter((m) => m.role === 'ASSISTANT').length;
    // maxTurns counts model steps that called tools; each run of consecutive TOOL messages stored
    // by an earlier attempt is one such step.
    const toolSteps = continuation.filter(
      (m, i) => m.role === 'TOOL' && continuation[i - 1]?.role !== 'TOOL',
    ).length;
    const maxTurns = Math.max(1, workflow.maxTurns - toolSteps);

    const deadline = new AbortController();
    const msLeft = run.timeoutAt ? run.timeoutAt.getTime() - Date.now() : null;
    const timer =
      msLeft === null
        ? undefined
        : setTimeout(() => deadline.abort(new ExecutionTimeout()), msLeft);
    const signal = AbortSignal.any([context.signal, deadline.signal]);
    const handingBack = () => jobAbortKind(context.signal) === 'shutdown';
    let abandoned: string | null = null;

    let result: Awaited<ReturnType<typeof runAgentLoop>>;
    let runTools: RunTools | undefined;
    try {
      // The agent's skills (by id and tag) and the workflow's, each once, in prompt order.
      const skills = await resolveSkills(store, run.tenantId, {
        ids: [...agent.skillIds, ...workflow.skillIds],
        tags: agent.skillTags,
      });
      // The agent's MCP servers' connections are leased from the worker's pool for this run and
      // released when it ends (the pool keeps them for the tenant's next runs, or closes them).
      const servers = await resolveAgentServers(store, agent);
      if (servers.length > 0) {
        let opened: ServersWithSecrets<McpServer>;
        try {
          opened = await openServerSecrets(run.tenantId, servers, secrets);
        } catch (error) {
          if (!(error instanceof SecretUnavailableError)) throw error;
          return {
            status: 'FAILED',
            output: null,
            usage: base,
            error: { code: error.code, message: error.message },
          };
        }
        redact = redact.with(opened.secrets);
        try {
          runTools = await openRunTools(mcpPool, {
            tenantId: run.tenantId,
            servers: opened.servers.map((server, index) => ({
              id: server.id,
              settings: server,
              secrets: opened.serverSecrets[index] ?? new Map(),
            })),
            signal,
          });
        } catch (error) {
          // Cancelled while connecting: the loop below ends the run CANCELLED at once.
          if (!signal.aborted) {
            return {
              status: 'FAILED',
              output: null,
              usage: base,
              error: {
                code: 'TOOLS_UNAVAILABLE',
                message:
                  error instanceof Error
                    ? redact.text(error.message)
                    : 'An MCP server is unreachable.',
              },
            };
          }
        }
      }
      result = await runAgentLoop({
        tools: withDemoTools(workflow.model ?? agent.model, runTools?.tools),
        toolMessageId: (toolCallId) => `${run.id}-t-${toolCallId}`,
        maxToolResultChars: deps.tools?.maxResultChars,
        maxMessageChars: deps.output?.maxMessageChars,
        maxDeltaChars: deps.output?.maxDeltaChars,
        maxToolArgumentChars: deps.output?.maxToolArgumentChars,
        model,
        system: buildSystemPrompt(agent.systemPrompt, skills),
        contextBudget:
          agent.contextBudget ?? deps.contextBudgetTokens ?? DEFAULT_CONTEXT_BUDGET_TOKENS,
        history: conversation.filter((m) => m.runId !== run.id),
        prompt: run.prompt,
        continuation,
        maxTurns,
        maxRetries: deps.maxRetries,
        retryDelays: deps.retryDelays,
        signal,
        newMessageId: () => `${run.id}-a${++assistantCount}-${run.attempt}`,
        sink: {
          delta: async (messageId, delta) => {
            await userStored;
            await publish(run, { type: 'MessageDeltaEvent', messageId, delta }, redact);
          },
          message: async (message) => {
            await userStored;
            // Interrupted by the shutdown: not complete, so not stored; the next attempt
            // starts the turn over.
            if (handingBack()) {
              abandoned = message.id;
              return;
            }
            await fence(run);
            try {
              await persistMessage(run, message, redact);
            } catch (error) {
              if (error instanceof StoreDataError) throw new MessageNotStorable(message.id, error);
              throw error;
            }
          },
          usage: async (usage) => {
            await userStored;
            const total = addUsage(base, usage);
            await fence(run, total);
            await publish(run, { type: 'UsageEvent', usage: total });
          },
          log: async (event, detail) => {
            await userStored;
            await publish(run, { type: 'LogEvent', event, detail }, redact);
          },
          toolCall: async (report) => {
            await userStored;
            await publish(run, { type: 'ToolCallEvent', ...report }, redact);
          },
        },
      });
    } catch (error) {
      if (error instanceof Superseded) return { status: 'SUPERSEDED' };
      throw error;
    } finally {
      clearTimeout(timer);
      await runTools?.close();
      // Also when the run ends before its first report (its tools failed, say).
      await userStored;
      await userAnnounced;
    }
    deps.metrics?.tokensUsed(workflow.model ?? agent.model, result.usage);
    const usage = addUsage(base, result.usage);
    const output = result.output == null ? null : redact.text(result.output);
    if (result.status === 'CANCELLED') {
      if (handingBack()) {
        await publish(run, {
          type: 'LogEvent',
          event: 'handed-back',
          detail: {
            attempt: run.attempt,
            reason: 'the worker is shutting down; another worker continues the run',
            abandonedMessageIds: abandoned ? [abandoned] : [],
          },
        });
        return { status: 'HANDED_BACK' };
      }
      if (!context.signal.aborted && deadline.signal.aborted) {
        return { status: 'TIMED_OUT', output, usage, error: timeoutError(run, 'RUNNING') };
      }
      return { status: 'CANCELLED', output, usage };
    }
    if (result.status === 'FAILED') {
      // A provider's or tool's error text may echo a header or key: redacted before it is
      // logged and stored.
      const error = redact.value(result.error);
      logger.info({ runId: run.id, error }, 'run failed');
      return { ...result, error, output, usage };
    }
    return { ...result, output, usage };
  }

  /**
   * Records the outcome if this attempt still owns the run; only the CAS winner announces it.
   * Output and error are made storable first: a provider's error text may hold anything.
   */
  async function finish(
    run: Run,
    outcome: Exclude<Outcome, { status: 'HANDED_BACK' | 'SUPERSEDED' }>,
  ): Promise<void> {
    const ended = await store.runs.transition(
      run.tenantId,
      run.id,
      ['RUNNING'],
      {
        status: outcome.status,
        output: outcome.output === null ? null : storableText(outcome.output),
        usage: outcome.usage,
        error: 'error' in outcome ? storableValue(outcome.error) : null,
        finishedAt: new Date(),
      },
      { attempt: run.attempt },
    );
    if (!ended) return;
    // Counted before it is announced: whoever sees the terminal event sees it counted.
    if (ended.startedAt && ended.finishedAt) {
      const seconds = (ended.finishedAt.getTime() - ended.startedAt.getTime()) / 1000;
      deps.metrics?.runFinished(ended.status, seconds);
    }
    await announceRunStatus({ store, bus }, ended);
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
  if (failed) await announceRunStatus(deps, failed);
}
