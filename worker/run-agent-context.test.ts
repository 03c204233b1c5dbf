import type { LanguageModelV3, LanguageModelV3Prompt } from '@ai-sdk/provider';
import { jsonSchema, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessEventBus } from '../shared/adapters/events/in-process-event-bus.ts';
import { createPgliteStore } from '../shared/adapters/store/sql/pglite-store.ts';
import type { Agent, Run } from '../shared/domain/types.ts';
import { newId } from '../shared/ids.ts';
import { createSilentLogger } from '../shared/logger.ts';
import type { EventBus } from '../shared/ports/event-bus.ts';
import type { NewAgent, NewMessage, Store } from '../shared/ports/store.ts';
import { createRecordingSink } from '../test/fixtures/recording-sink.ts';
import { runAgentLoop } from './agent-loop.ts';
import { encodeToolMessage } from './agent-loop-messages.ts';
import { CLEARED_TOOL_RESULT, omittedNote } from './context-window.ts';
import { createDemoModel } from './models/demo-model.ts';
import { createRunAgentHandler } from './run-agent.ts';
import { buildSystemPrompt, SKILLS_HEADING } from './system-prompt.ts';

/**
 * What the model receives: the run's system prompt with its skills, and a conversation kept
 * under the context budget. The demo model cannot show its prompt, so a wrapper records every
 * call's prompt before the demo model answers it.
 */

/** The demo model, recording the prompt of every call. */
function capturingModel(): { model: LanguageModelV3; prompts: LanguageModelV3Prompt[] } {
  const demo = createDemoModel();
  const prompts: LanguageModelV3Prompt[] = [];
  return {
    prompts,
    model: {
      ...demo,
      doStream: (callOptions) => {
        prompts.push(structuredClone(callOptions.prompt));
        return demo.doStream(callOptions);
      },
    },
  };
}

function systemOf(prompt: LanguageModelV3Prompt | undefined): string {
  const first = prompt?.[0];
  if (first?.role !== 'system') throw new Error('the prompt has no system message');
  return first.content;
}

/**
 * Characters the model is sent: system and text parts, tool inputs and outputs as JSON. The
 * budget's estimate counts at least these (it also counts JSON framing and 4 per message).
 */
function promptChars(prompt: LanguageModelV3Prompt): number {
  let chars = 0;
  for (const message of prompt) {
    if (typeof message.content === 'string') {
      chars += message.content.length;
      continue;
    }
    for (const part of message.content) {
      if (part.type === 'text') chars += part.text.length;
      else if (part.type === 'tool-call') chars += JSON.stringify(part.input).length;
      else if (part.type === 'tool-result') chars += JSON.stringify(part.output).length;
    }
  }
  return chars;
}

function userTexts(prompt: LanguageModelV3Prompt): string[] {
  return prompt.flatMap((message) =>
    message.role === 'user'
      ? message.content.flatMap((part) => (part.type === 'text' ? [part.text] : []))
      : [],
  );
}

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

function handlerWith(model: LanguageModelV3, contextBudgetTokens?: number) {
  return createRunAgentHandler({
    store,
    bus,
    models: { resolve: async () => ({ model, secrets: new Map<string, string>() }) },
    logger: createSilentLogger(),
    maxRetries: 0,
    contextBudgetTokens,
  });
}

const context = () => ({ signal: new AbortController().signal, attempt: 1, maxAttempts: 1 });

function agent(extra: Partial<NewAgent> = {}): Promise<Agent> {
  return store.agents.create({
    tenantId,
    name: 'Helper',
    systemPrompt: 'You help.',
    model: 'demo:echo',
    description: null,
    ...extra,
  });
}

async function workflowOf(agentId: string, skillIds: string[] = []) {
  return store.workflows.create({
    tenantId,
    agentId,
    title: null,
    model: null,
    maxTurns: 4,
    skillIds,
  });
}

async function runOnce(
  handler: ReturnType<typeof handlerWith>,
  workflowId: string,
  prompt: string,
): Promise<Run> {
  const { run } = await store.runs.create(
    {
      tenantId,
      workflowId,
      prompt,
      idempotencyKey: null,
      eventsAfter: await bus.lastCursor(workflowId),
    },
    { idempotencyWindowMs: 0 },
  );
  await handler({ tenantId, workflowId, runId: run.id }, context());
  const [ended] = await store.runs.getMany(tenantId, [run.id]);
  return ended!;
}

const skill = (name: string, tags: string[] = [], description: string | null = null) =>
  store.skills.create({
    tenantId,
    name,
    description,
    instructions: `Follow the ${name} rules.`,
    tags,
  });

describe('skills in the system prompt of a run', () => {
  it('injects the agent’s skills by id and tag and the workflow’s, each once, by name, after the agent’s prompt — byte-identical on every run', async () => {
    const tone = await skill('Tone', ['style'], 'How answers sound.');
    const citations = await skill('Citations');
    const arithmetic = await skill('Arithmetic', ['maths']);
    await skill('Unused', ['elsewhere']);
    const helper = await agent({ skillIds: [citations.id], skillTags: ['style'] });
    const workflow = await workflowOf(helper.id, [arithmetic.id, citations.id]);
    const { model, prompts } = capturingModel();
    const handler = handlerWith(model);

    expect(await runOnce(handler, workflow.id, 'first')).toMatchObject({ status: 'SUCCEEDED' });
    expect(await runOnce(handler, workflow.id, 'second')).toMatchObject({ status: 'SUCCEEDED' });

    const system = systemOf(prompts[0]);
    expect(system).toBe(buildSystemPrompt('You help.', [tone, arithmetic, citations]));
    expect(system.startsWith(`You help.\n\n${SKILLS_HEADING}\n`)).toBe(true);
    const headings = system.split('\n').filter((line) => line.startsWith('## '));
    expect(headings).toEqual(['## Arithmetic', '## Citations', '## Tone']);
    expect(system).toContain('## Tone\n\nHow answers sound.\n\nFollow the Tone rules.');
    expect(system).not.toContain('Unused');
    expect(systemOf(prompts[1])).toBe(system);
  });

  it('leaves a deleted skill out of the next run, and sends the plain prompt without skills', async () => {
    const gone = await skill('Gone', ['temp']);
    const kept = await skill('Kept');
    const helper = await agent({ skillIds: [gone.id], skillTags: ['temp'] });
    const workflow = await workflowOf(helper.id, [kept.id]);
    const plain = await workflowOf((await agent()).id);
    const { model, prompts } = capturingModel();
    const handler = handlerWith(model);

    await store.skills.delete(tenantId, gone.id);
    await runOnce(handler, workflow.id, 'hello');
    await runOnce(handler, plain.id, 'hello');

    expect(systemOf(prompts[0])).toBe(buildSystemPrompt('You help.', [kept]));
    expect(systemOf(prompts[1])).toBe('You help.');
  });
});

describe('the context budget of a run', () => {
  it('keeps a long workflow under the agent’s budget: old tool results cleared, old turns dropped behind a note, first message and prompt kept, a LogEvent published', async () => {
    const budget = 600;
    const helper = await agent({ contextBudget: budget });
    const workflow = await workflowOf(helper.id);
    // Thirty earlier runs, each with a tool call and a long answer (far over the budget).
    const history: NewMessage[] = [];
    for (let i = 1; i <= 30; i++) {
      const runId = `earlier-${i}`;
      const message = (role: NewMessage['role'], content: string): NewMessage => ({
        id: newId(),
        tenantId,
        workflowId: workflow.id,
        runId,
        role,
        content,
      });
      history.push(message('USER', `question ${i}`));
      history.push(
        message(
          'TOOL',
          encodeToolMessage({
            toolCallId: `call-${i}`,
            name: 'search',
            status: 'SUCCEEDED',
            arguments: { q: i },
            result: { hits: 'result text '.repeat(40) },
          }),
        ),
      );
      history.push(message('ASSISTANT', `answer ${i}: ${'words '.repeat(60)}`));
    }
    await store.messages.append(history);
    const { model, prompts } = capturingModel();

    // The deployment's budget is far larger: the agent's own applies.
    const run = await runOnce(handlerWith(model, 1_000_000), workflow.id, 'the latest question');

    expect(run).toMatchObject({ status: 'SUCCEEDED', output: 'echo: the latest question' });
    const [prompt] = prompts;
    expect(Math.ceil(promptChars(prompt!) / 4)).toBeLessThanOrEqual(budget);
    const texts = userTexts(prompt!);
    expect(texts[0]).toBe('question 1');
    expect(texts[1]).toMatch(/^\[Earlier conversation omitted: \d+ messages\]$/);
    expect(texts.at(-1)).toBe('the latest question');
    expect(texts).toContain('question 30');

    const events = await bus.read(workflow.id, null, 10_000);
    const logs = events.flatMap((e) =>
      e.type === 'LogEvent' && e.runId === run.id && e.event === 'context-compacted'
        ? [e.detail as Record<string, number>]
        : [],
    );
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      budget,
      clearedToolResults: 30,
      droppedMessages: expect.any(Number),
    });
    expect(logs[0]!.estimatedTokensBefore).toBeGreaterThan(5 * budget);
    expect(logs[0]!.estimatedTokensAfter).toBeLessThanOrEqual(budget);
    expect(texts[1]).toBe(omittedNote(logs[0]!.droppedMessages!));
    // The stored conversation is untouched.
    expect(await store.messages.history(tenantId, workflow.id)).toHaveLength(30 * 3 + 2);
  });

  it('hands a sink failure while reporting a compaction to the caller', async () => {
    const failure = new Error('the bus is gone');
    const recording = createRecordingSink({ failOn: { type: 'log', nth: 1, error: failure } });
    const history = Array.from({ length: 10 }, (_, i) => ({
      id: `h${i}`,
      tenantId,
      workflowId: 'wf',
      runId: null,
      index: i + 1,
      role: i % 2 === 0 ? ('USER' as const) : ('ASSISTANT' as const),
      content: 'long text '.repeat(50),
      createdAt: new Date(0),
    }));

    await expect(
      runAgentLoop({
        model: createDemoModel(),
        system: 'S',
        history,
        prompt: 'now',
        maxTurns: 2,
        maxRetries: 0,
        contextBudget: 200,
        signal: new AbortController().signal,
        newMessageId: () => 'm',
        sink: recording.sink,
      }),
    ).rejects.toBe(failure);
  });

  it('keeps a long tool loop within one run under the budget at every step', async () => {
    const budget = 700;
    const recording = createRecordingSink();
    const { model, prompts } = capturingModel();
    const tools = {
      fetch: tool({
        inputSchema: jsonSchema<{ n: number }>({ type: 'object' }),
        execute: async ({ n }) => ({ n, body: `page ${n} `.repeat(150) }),
      }),
    };
    const steps = Array.from({ length: 6 }, (_, i) => `!tool fetch {"n":${i + 1}}`);
    let next = 0;

    const result = await runAgentLoop({
      model,
      system: 'You fetch.',
      history: [],
      prompt: steps.join('\n'),
      maxTurns: 10,
      maxRetries: 0,
      tools,
      contextBudget: budget,
      signal: new AbortController().signal,
      newMessageId: () => `m${++next}`,
      sink: recording.sink,
    });

    expect(result.status).toBe('SUCCEEDED');
    expect(prompts).toHaveLength(7);
    for (const prompt of prompts)
      expect(Math.ceil(promptChars(prompt) / 4)).toBeLessThanOrEqual(budget);
    // The latest result is always whole, older ones are cleared.
    const last = prompts.at(-1)!;
    const outputs = last.flatMap((m) =>
      m.role === 'tool'
        ? m.content.flatMap((p) => (p.type === 'tool-result' ? [p.output] : []))
        : [],
    );
    expect(outputs).toHaveLength(6);
    expect(outputs.slice(0, 4)).toEqual(
      Array.from({ length: 4 }, () => ({ type: 'text', value: CLEARED_TOOL_RESULT })),
    );
    expect(outputs.at(-1)).toMatchObject({ type: 'json', value: { n: 6 } });
    const logs = recording.logs('context-compacted') as { droppedMessages: number }[];
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.every((detail) => detail.droppedMessages === 0)).toBe(true);
    // What was stored is whole: compaction shapes only what is sent.
    const stored = recording.messages().filter((m) => m.role === 'TOOL');
    expect(stored).toHaveLength(6);
    expect(stored.every((m) => m.content.includes('page'))).toBe(true);
  });
});
