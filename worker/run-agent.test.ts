import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessEventBus } from '../shared/adapters/events/in-process-event-bus.ts';
import { createPgliteStore } from '../shared/adapters/store/sql/pglite-store.ts';
import type { WorkflowEvent } from '../shared/domain/events.ts';
import type { Run } from '../shared/domain/types.ts';
import { newId } from '../shared/ids.ts';
import { createSilentLogger } from '../shared/logger.ts';
import type { EventBus } from '../shared/ports/event-bus.ts';
import { JobAbortReason, type JobContext } from '../shared/ports/job-queue.ts';
import type { NewRun, Store } from '../shared/ports/store.ts';
import { createSecretResolver } from '../shared/secrets/secret-resolver.ts';
import { createModelRegistry } from './models/registry.ts';
import { createTenantModels } from './models/tenant-models.ts';
import { createRunAgentHandler } from './run-agent.ts';

/**
 * The run-agent job against a real store (PGlite) and the in-process bus: timeouts, taking a run
 * over after a crash or a hand-back, fencing. The queue is left out: each test calls the handler
 * as a queue would, with the context it wants.
 */

let store: Store;
let bus: EventBus;
const tenantId = `t-${newId()}`;

beforeAll(async () => {
  store = createPgliteStore();
  await store.init();
  bus = createInProcessEventBus();
});

afterAll(async () => {
  await bus.close();
  await store.close();
});

const handler = () =>
  createRunAgentHandler({
    store: store!,
    bus: bus!,
    models: createTenantModels({
      registry: createModelRegistry([]),
      providers: store.providers,
      secrets: createSecretResolver(store.secrets, null),
    }),
    logger: createSilentLogger(),
    maxRetries: 0,
  });

function context(signal = new AbortController().signal): JobContext {
  return { signal, attempt: 1, maxAttempts: 3 };
}

async function newRun(prompt: string, extra: Partial<NewRun> = {}): Promise<Run> {
  const agent = await store.agents.create({
    tenantId,
    name: 'Echo',
    systemPrompt: 'Echo.',
    model: 'demo:echo',
    description: null,
  });
  const workflow = await store.workflows.create({
    tenantId,
    agentId: agent.id,
    title: null,
    model: null,
    maxTurns: 4,
  });
  const { run } = await store.runs.create(
    {
      tenantId,
      workflowId: workflow.id,
      prompt,
      idempotencyKey: null,
      eventsAfter: await bus.lastCursor(workflow.id),
      ...extra,
    },
    { idempotencyWindowMs: 0 },
  );
  return run;
}

async function eventsOf(run: Run): Promise<WorkflowEvent[]> {
  const events = await bus.read(run.workflowId, null, 100_000);
  return events.filter((event) => event.runId === run.id);
}

async function stored(run: Run): Promise<Run> {
  const [found] = await store.runs.getMany(tenantId, [run.id]);
  if (!found) throw new Error(`run ${run.id} is gone`);
  return found;
}

function job(run: Run) {
  return { tenantId, workflowId: run.workflowId, runId: run.id };
}

function terminalEvents(events: WorkflowEvent[]) {
  return events.filter(
    (e) => e.type === 'RunStatusEvent' && e.status !== 'QUEUED' && e.status !== 'RUNNING',
  );
}

/** Resolves on the run's first delta (the in-process bus delivers synchronously enough). */
async function firstDelta(run: Run): Promise<void> {
  const subscription = await bus.subscribe(run.workflowId, { position: { kind: 'live' } });
  for await (const event of subscription) {
    if (event.runId === run.id && event.type === 'MessageDeltaEvent') break;
  }
  await subscription.close();
}

describe('the run-agent job', () => {
  it("uses the agent the job names, and the workflow's own when the job names another", async () => {
    const run = await newRun('hello there');
    const [workflow] = await store.workflows.getMany(tenantId, [run.workflowId]);
    await handler()({ ...job(run), agentId: workflow!.agentId }, context());
    expect(await stored(run)).toMatchObject({ status: 'SUCCEEDED', output: 'echo: hello there' });

    const other = await store.agents.create({
      tenantId,
      name: 'Other',
      systemPrompt: 'Fail.',
      model: 'demo:nope',
      description: null,
    });
    const second = await newRun('again');
    await handler()({ ...job(second), agentId: other.id }, context());
    expect(await stored(second)).toMatchObject({ status: 'SUCCEEDED', output: 'echo: again' });
  });

  it('ends a run TIMED_OUT at its execution deadline, storing what it streamed', async () => {
    const run = await newRun('!delay 50\n!words 200', { runTimeoutMs: 300 });

    await handler()(job(run), context());

    const ended = await stored(run);
    expect(ended).toMatchObject({ status: 'TIMED_OUT', error: { code: 'RUN_TIMEOUT' } });
    expect(ended.finishedAt!.getTime() - ended.startedAt!.getTime()).toBeLessThan(2_000);
    const events = await eventsOf(run);
    expect(terminalEvents(events)).toHaveLength(1);
    const [answer] = (await store.messages.history(tenantId, run.workflowId)).filter(
      (m) => m.role === 'ASSISTANT',
    );
    const deltas = events.flatMap((e) =>
      e.type === 'MessageDeltaEvent' && e.messageId === answer?.id ? [e.delta] : [],
    );
    expect(deltas.join('')).toBe(answer?.content);
  });

  it('ends a run TIMED_OUT without starting it when its queue-wait deadline has passed', async () => {
    const run = await newRun('hello', { queueTimeoutMs: -1 });

    await handler()(job(run), context());

    expect(await stored(run)).toMatchObject({
      status: 'TIMED_OUT',
      startedAt: null,
      error: { code: 'QUEUE_TIMEOUT' },
    });
    expect(terminalEvents(await eventsOf(run))).toHaveLength(1);
  });

  it('ends a cancelled run CANCELLED', async () => {
    const run = await newRun('!delay 50\n!words 200');
    const controller = new AbortController();

    const handled = handler()(job(run), context(controller.signal));
    await firstDelta(run);
    controller.abort(new JobAbortReason('cancel', 'cancelled'));
    await handled;

    expect((await stored(run)).status).toBe('CANCELLED');
  });

  it('hands a run back on shutdown without ending it or storing the partial message, and the next attempt finishes it', async () => {
    const run = await newRun('!delay 20\n!words 30');
    const controller = new AbortController();

    const handled = handler()(job(run), context(controller.signal));
    await firstDelta(run);
    controller.abort(new JobAbortReason('shutdown', 'shutting down'));
    const outcome = await handled;

    expect(outcome).toEqual({ retryAfterMs: 0 });
    expect(await stored(run)).toMatchObject({ status: 'RUNNING', attempt: 1 });
    const handedBack = (await eventsOf(run)).find(
      (e) => e.type === 'LogEvent' && e.event === 'handed-back',
    );
    expect(handedBack).toMatchObject({ detail: { abandonedMessageIds: [`${run.id}-a1-1`] } });
    expect((await store.messages.history(tenantId, run.workflowId)).map((m) => m.role)).toEqual([
      'USER',
    ]);

    await handler()(job(run), context());

    const ended = await stored(run);
    expect(ended).toMatchObject({ status: 'SUCCEEDED', attempt: 2 });
    const messages = await store.messages.history(tenantId, run.workflowId);
    expect(messages.map((m) => [m.id, m.role])).toEqual([
      [`${run.id}-u`, 'USER'],
      [`${run.id}-a1-2`, 'ASSISTANT'],
    ]);
    const events = await eventsOf(run);
    const retry = events.find((e) => e.type === 'LogEvent' && e.event === 'retry');
    expect(retry).toMatchObject({
      detail: { attempt: 2, abandonedMessageIds: [`${run.id}-a1-1`] },
    });
    expect(terminalEvents(events)).toHaveLength(1);
    expect(
      events.filter((e) => e.type === 'RunStatusEvent' && e.status === 'RUNNING'),
    ).toHaveLength(1);
  });

  /** What a worker did before it died: started the run and stored the prompt and one answer. */
  async function crashedAfterOneAnswer(prompt: string, answer: string) {
    const run = await newRun(prompt);
    const started = await store.runs.start(tenantId, run.id);
    if (!started.ok) throw new Error('not started');
    const common = { tenantId, workflowId: run.workflowId, runId: run.id };
    const stored = await store.messages.append([
      { ...common, id: `${run.id}-u`, role: 'USER', content: run.prompt },
      { ...common, id: `${run.id}-a1-1`, role: 'ASSISTANT', content: answer },
    ]);
    const at = new Date().toISOString();
    return {
      run,
      async announce(index: number) {
        const message = stored[index]!;
        await bus.publish({
          ...common,
          at,
          type: 'MessageEvent',
          message: { ...message, createdAt: message.createdAt.toISOString() },
        });
      },
      async publish(event: Record<string, unknown>) {
        await bus.publish({ ...common, at, ...event } as never);
      },
    };
  }

  it('takes over a run whose worker died after storing the final answer: ends it with that answer, asks the model nothing, announces what was never announced', async () => {
    const { run } = await crashedAfterOneAnswer('hello there', 'the answer');

    await handler()(job(run), context());

    expect(await stored(run)).toMatchObject({
      status: 'SUCCEEDED',
      attempt: 2,
      output: 'the answer',
    });
    const messages = await store.messages.history(tenantId, run.workflowId);
    expect(messages.map((m) => m.id)).toEqual([`${run.id}-u`, `${run.id}-a1-1`]);
    const events = await eventsOf(run);
    expect(events.filter((e) => e.type === 'MessageDeltaEvent')).toEqual([]);
    const announced = events.flatMap((e) => (e.type === 'MessageEvent' ? [e.message.id] : []));
    expect(announced).toEqual([`${run.id}-u`, `${run.id}-a1-1`]);
    expect(terminalEvents(events)).toHaveLength(1);
  });

  it('takes over a run whose worker died mid-turn: keeps the stored messages, restarts the turn after them, names the half-streamed message', async () => {
    const crashed = await crashedAfterOneAnswer('hello there', 'let me look that up');
    const { run } = crashed;
    await crashed.announce(0);
    await crashed.announce(1);
    // The stored answer's step asked for tools; the next step was half streamed when it died.
    await crashed.publish({
      type: 'LogEvent',
      event: 'step-finished',
      detail: { step: 1, finishReason: 'tool-calls' },
    });
    await crashed.publish({
      type: 'MessageDeltaEvent',
      messageId: `${run.id}-a2-1`,
      delta: 'half ',
    });

    await handler()(job(run), context());

    expect(await stored(run)).toMatchObject({ status: 'SUCCEEDED', attempt: 2 });
    const messages = await store.messages.history(tenantId, run.workflowId);
    expect(messages.map((m) => m.id)).toEqual([`${run.id}-u`, `${run.id}-a1-1`, `${run.id}-a2-2`]);
    expect(messages[2]?.content).toBe('echo: hello there');
    const events = await eventsOf(run);
    expect(events.find((e) => e.type === 'LogEvent' && e.event === 'retry')).toMatchObject({
      detail: { attempt: 2, abandonedMessageIds: [`${run.id}-a2-1`] },
    });
    const announced = events.flatMap((e) => (e.type === 'MessageEvent' ? [e.message.id] : []));
    expect(announced).toEqual([`${run.id}-u`, `${run.id}-a1-1`, `${run.id}-a2-2`]);
  });

  it('records nothing and ends nothing once another attempt has taken the run over', async () => {
    const run = await newRun('!delay 30\n!words 20');

    const handled = handler()(job(run), context());
    await firstDelta(run);
    // Another worker takes the run over (this one lost its lock, say).
    await store.runs.resume(tenantId, run.id);
    const outcome = await handled;

    expect(outcome).toBeUndefined();
    expect(await stored(run)).toMatchObject({ status: 'RUNNING', attempt: 2 });
    expect(terminalEvents(await eventsOf(run))).toHaveLength(0);
    expect(
      (await store.messages.history(tenantId, run.workflowId)).filter(
        (m) => m.role === 'ASSISTANT',
      ),
    ).toEqual([]);
  });

  it('stores the usage of every step as it goes, so a takeover counts what was used before', async () => {
    const run = await newRun('one two three');

    await handler()(job(run), context());
    const first = await stored(run);

    expect(first.usage.totalTokens).toBeGreaterThan(0);
  });
});
