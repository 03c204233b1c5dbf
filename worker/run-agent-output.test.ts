import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessEventBus } from '../shared/adapters/events/in-process-event-bus.ts';
import { createPgliteStore } from '../shared/adapters/store/sql/pglite-store.ts';
import type { WorkflowEvent } from '../shared/domain/events.ts';
import type { Run } from '../shared/domain/types.ts';
import { newId } from '../shared/ids.ts';
import { createSilentLogger } from '../shared/logger.ts';
import type { EventBus } from '../shared/ports/event-bus.ts';
import { type Store, StoreDataError } from '../shared/ports/store.ts';
import { createSecretResolver } from '../shared/secrets/secret-resolver.ts';
import {
  type FakeProviderServer,
  type FakeScenario,
  startFakeOpenAIServer,
} from '../test/fixtures/fake-openai-server.ts';
import { createModelRegistry } from './models/registry.ts';
import { createTenantModels } from './models/tenant-models.ts';
import { createRunAgentHandler, type RunAgentDeps } from './run-agent.ts';

/**
 * The run-agent job with model output that would not fit or not store: a real store (PGlite),
 * the in-process bus, and a fake OpenAI-compatible provider speaking the real wire format.
 */

let store: Store;
let bus: EventBus;
const tenantId = `t-${newId()}`;
const servers: FakeProviderServer[] = [];

beforeAll(async () => {
  store = createPgliteStore();
  await store.init();
  bus = createInProcessEventBus();
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

afterAll(async () => {
  await bus.close();
  await store.close();
});

/** A provider answering `scenarios`, a run on it, and the handler to run it with. */
async function setup(scenarios: FakeScenario[], deps: Partial<RunAgentDeps> = {}) {
  const server = await startFakeOpenAIServer({ scenarios });
  servers.push(server);
  const runStore = deps.store ?? store;
  const handler = createRunAgentHandler({
    store: runStore,
    bus,
    models: createTenantModels({
      registry: createModelRegistry([
        { name: 'tenant', type: 'openai-compatible', baseURL: server.baseURL },
      ]),
      providers: store.providers,
      secrets: createSecretResolver(store.secrets, null),
    }),
    logger: createSilentLogger(),
    maxRetries: 2,
    ...deps,
  });
  const agent = await store.agents.create({
    tenantId,
    name: 'Talker',
    systemPrompt: 'Talk.',
    model: 'tenant:any',
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
      prompt: 'Say something.',
      idempotencyKey: null,
      eventsAfter: await bus.lastCursor(workflow.id),
    },
    { idempotencyWindowMs: 0 },
  );
  const execute = () =>
    handler(
      { tenantId, workflowId: run.workflowId, runId: run.id },
      { signal: new AbortController().signal, attempt: 1, maxAttempts: 3 },
    );
  return { server, run, execute };
}

async function stored(run: Run): Promise<Run> {
  const [found] = await store.runs.getMany(tenantId, [run.id]);
  if (!found) throw new Error(`run ${run.id} is gone`);
  return found;
}

async function eventsOf(run: Run): Promise<WorkflowEvent[]> {
  return (await bus.read(run.workflowId, null, 100_000)).filter((e) => e.runId === run.id);
}

function deltasOf(events: WorkflowEvent[], messageId: string): string {
  return events
    .map((e) => (e.type === 'MessageDeltaEvent' && e.messageId === messageId ? e.delta : ''))
    .join('');
}

async function assistantMessages(run: Run) {
  const page = await store.messages.list(tenantId, run.workflowId, { first: 100 });
  return page.items.filter((m) => m.runId === run.id && m.role === 'ASSISTANT');
}

/** The store, except that assistant messages reach it with a NUL character appended. */
function storeThatAddsNul(): Store {
  return {
    ...store,
    messages: {
      ...store.messages,
      append: (messages) =>
        store.messages.append(
          messages.map((m) => (m.role === 'ASSISTANT' ? { ...m, content: `${m.content}\0` } : m)),
        ),
    },
  };
}

describe('the run-agent job with oversized or unstorable model output', () => {
  it('stores an answer with a NUL character as U+FFFD and succeeds after one provider call', async () => {
    const { server, run, execute } = await setup([
      { kind: 'text', chunks: ['before\u0000', 'after'] },
    ]);
    await execute();

    expect(await stored(run)).toMatchObject({ status: 'SUCCEEDED', output: 'before\uFFFDafter' });
    const [message] = await assistantMessages(run);
    expect(message?.content).toBe('before\uFFFDafter');
    expect(deltasOf(await eventsOf(run), message!.id)).toBe(message?.content);
    expect(server.requests).toHaveLength(1);
  });

  it('ends an endless answer FAILED OUTPUT_TOO_LARGE, storing the message up to MAX_MESSAGE_CHARS', async () => {
    const { server, run, execute } = await setup(
      [{ kind: 'text', chunks: ['endless '], endless: true }],
      { output: { maxMessageChars: 20_000, maxDeltaChars: 4_096 } },
    );
    await execute();

    const ended = await stored(run);
    expect(ended).toMatchObject({ status: 'FAILED', error: { code: 'OUTPUT_TOO_LARGE' } });
    expect(ended.error?.message).toContain('MAX_MESSAGE_CHARS (20000 characters)');
    const [message] = await assistantMessages(run);
    expect(message?.content).toHaveLength(20_000);
    expect(ended.output).toBe(message?.content);
    const events = await eventsOf(run);
    expect(deltasOf(events, message!.id)).toBe(message?.content);
    for (const event of events) {
      if (event.type === 'MessageDeltaEvent') expect(event.delta.length).toBeLessThanOrEqual(4_096);
    }
    expect(await server.requests[0]?.closed).toBe('aborted');
    expect(server.requests).toHaveLength(1);
  });

  it('ends a run whose message the store refuses FAILED OUTPUT_NOT_STORABLE at once, without the driver text, and names the dropped message', async () => {
    const { server, run, execute } = await setup([{ kind: 'text', chunks: ['refused'] }], {
      store: storeThatAddsNul(),
    });
    await expect(execute()).resolves.toBeUndefined();

    const ended = await stored(run);
    expect(ended).toMatchObject({
      status: 'FAILED',
      output: null,
      error: { code: 'OUTPUT_NOT_STORABLE', message: expect.stringContaining('SQLSTATE 22021') },
    });
    expect(ended.error?.message).not.toMatch(/invalid byte sequence|0x00/);
    expect(server.requests).toHaveLength(1);
    const events = await eventsOf(run);
    const dropped = events.find((e) => e.type === 'LogEvent' && e.event === 'output-not-stored');
    const delta = events.find((e) => e.type === 'MessageDeltaEvent');
    expect(dropped).toMatchObject({ detail: { messageId: delta?.messageId, sqlState: '22021' } });
    expect(events.filter((e) => e.type === 'RunStatusEvent').map((e) => e.status)).toEqual([
      'RUNNING',
      'FAILED',
    ]);
  });
});

describe('the SQL store', () => {
  it('refuses text it cannot store with StoreDataError naming the SQLSTATE, not the value', async () => {
    const { run } = await setup([]);
    const refused = await store.messages
      .append([
        {
          id: `${run.id}-nul`,
          tenantId,
          workflowId: run.workflowId,
          runId: run.id,
          role: 'ASSISTANT',
          content: 'secret\0value',
        },
      ])
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StoreDataError);
    expect(refused).toMatchObject({ sqlState: '22021' });
    expect((refused as Error).message).not.toContain('secret');
  });
});
