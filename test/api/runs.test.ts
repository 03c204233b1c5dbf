import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SendPromptInput } from '../../sdk/gql/graphql.ts';
import { graphql } from '../../sdk/gql/index.ts';
import {
  createDemoWorkflow,
  createTestApp,
  type EventPayload,
  type TestApp,
} from '../support/test-app.ts';

const SEND = graphql(`
  mutation RunsTestSend($input: SendPromptInput!) {
    sendPrompt(input: $input) { id status prompt }
  }
`);
const RUN_EVENTS = graphql(`
  subscription RunsTestRunEvents($runId: ID!, $after: String) {
    runEvents(runId: $runId, after: $after) { ...TestEventFields }
  }
`);
const WORKFLOW_EVENTS = graphql(`
  subscription RunsTestWorkflowEvents($workflowId: ID!, $after: String) {
    workflowEvents(workflowId: $workflowId, after: $after) { ...TestEventFields }
  }
`);
const RUN = graphql(`
  query RunsTestRun($id: ID!) {
    run(id: $id) {
      id status output error { code message } usage { inputTokens outputTokens totalTokens }
      startedAt finishedAt workflow { id }
    }
  }
`);
const MESSAGES = graphql(`
  query RunsTestMessages($id: ID!) {
    workflow(id: $id) { messages { edges { node { role content runId } } } }
  }
`);
const FIRST_MESSAGES = graphql(`
  query RunsTestFirstMessages($id: ID!) {
    workflow(id: $id) { messages(first: 10) { edges { node { content } } } }
  }
`);
const CANCEL = graphql(`
  mutation RunsTestCancel($id: ID!) { cancelRun(id: $id) { id status finishedAt } }
`);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function send(workflowId: string, prompt: string, extra: Partial<SendPromptInput> = {}) {
  const { sendPrompt } = await t.data(SEND, { input: { workflowId, prompt, ...extra } });
  return sendPrompt;
}

async function runEvents(runId: string, after?: string): Promise<EventPayload[]> {
  const items = await t.collect(RUN_EVENTS, { runId, after });
  return items.map((item) => item.runEvents);
}

const terminal = (events: EventPayload[]) =>
  events.filter(
    (e) => e.__typename === 'RunStatusEvent' && !['QUEUED', 'RUNNING'].includes(e.status!),
  );

describe('sendPrompt and runEvents', () => {
  it('streams RUNNING, deltas that add up to the message, usage and SUCCEEDED, then completes', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const run = await send(workflowId, 'hello brave new world');
    expect(run.status).toBe('QUEUED');

    const events = await runEvents(run.id);
    const types = events.map((e) => e.__typename);
    expect(types[0]).toBe('RunStatusEvent');
    expect(events.find((e) => e.status === 'RUNNING')).toBeDefined();
    const deltas = events.filter((e) => e.__typename === 'MessageDeltaEvent');
    expect(deltas.map((d) => d.delta)).toEqual(['echo: ', 'hello ', 'brave ', 'new ', 'world']);
    const assistant = events.find((e) => e.message?.role === 'ASSISTANT')!;
    expect(deltas.map((d) => d.delta).join('')).toBe(assistant.message!.content);
    expect(new Set(deltas.map((d) => d.messageId))).toEqual(new Set([assistant.message!.id]));
    const usage = events.filter((e) => e.__typename === 'UsageEvent').at(-1)!;
    expect(usage.usage).toEqual({ inputTokens: 4, outputTokens: 5, totalTokens: 9 });
    expect(terminal(events)).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ __typename: 'RunStatusEvent', status: 'SUCCEEDED' });
    const ids = events.map((e) => e.id);
    expect(ids).toEqual([...new Set(ids)]);

    const stored = (await t.data(RUN, { id: run.id })).run!;
    expect(stored).toMatchObject({ status: 'SUCCEEDED', output: 'echo: hello brave new world' });
    expect(stored.usage).toEqual(usage.usage);

    const workflow = (await t.data(MESSAGES, { id: workflowId })).workflow!;
    expect(workflow.messages.edges.map((e) => e.node)).toEqual([
      { role: 'USER', content: 'hello brave new world', runId: run.id },
      { role: 'ASSISTANT', content: 'echo: hello brave new world', runId: run.id },
    ]);
  });

  it('replays a finished run whole and completes', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const run = await send(workflowId, 'once more');
    const live = await runEvents(run.id);
    const replayed = await runEvents(run.id);
    expect(replayed).toEqual(live);
    expect(replayed.at(-1)?.status).toBe('SUCCEEDED');
  });

  it('resumes runEvents after a cursor with exactly the later events', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const run = await send(workflowId, '!words 12');
    const all = await runEvents(run.id);
    const cut = 5;
    const resumed = await runEvents(run.id, all[cut - 1]!.id);
    expect(resumed).toEqual(all.slice(cut));
  });

  it('gives each prompt the earlier conversation', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    await runEvents((await send(workflowId, 'first')).id);
    await runEvents((await send(workflowId, 'second')).id);
    const workflow = (await t.data(FIRST_MESSAGES, { id: workflowId })).workflow!;
    expect(workflow.messages.edges.map((e) => e.node.content)).toEqual([
      'first',
      'echo: first',
      'second',
      'echo: second',
    ]);
  });

  it('runs prompts sent to one workflow one after another, in order', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const runs = [];
    for (const prompt of ['!delay 5\na', '!delay 5\nb', '!delay 5\nc'])
      runs.push(await send(workflowId, prompt));
    await Promise.all(runs.map((r) => runEvents(r.id)));
    const stored = await Promise.all(runs.map(async (r) => (await t.data(RUN, { id: r.id })).run!));
    for (let i = 1; i < stored.length; i++) {
      expect(Date.parse(stored[i]!.startedAt!)).toBeGreaterThanOrEqual(
        Date.parse(stored[i - 1]!.finishedAt!),
      );
    }
  });

  it('ends a run FAILED with the provider error when the model call fails', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const run = await send(workflowId, '!fail the model is down');
    const events = await runEvents(run.id);
    expect(events.at(-1)).toMatchObject({
      status: 'FAILED',
      error: { code: 'PROVIDER_ERROR', message: expect.stringContaining('the model is down') },
    });
    expect(terminal(events)).toHaveLength(1);
    const { run: stored } = await t.data(RUN, { id: run.id });
    expect(stored).toMatchObject({ status: 'FAILED', error: { code: 'PROVIDER_ERROR' } });
  });
});

describe('workflowEvents', () => {
  it('delivers every event after the cursor, across runs, in order', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const first = await runEvents((await send(workflowId, 'one')).id);
    const second = await runEvents((await send(workflowId, 'two')).id);
    const cursor = first.at(-1)!.id;
    const resumed = await t.collect(
      WORKFLOW_EVENTS,
      { workflowId, after: cursor },
      (_, all) => all.length === second.length,
    );
    expect(resumed.map((r) => r.workflowEvents)).toEqual(second);
  });

  it('fails with NOT_FOUND for an unknown workflow', async () => {
    const result = await t
      .collect(WORKFLOW_EVENTS, { workflowId: 'no-such-workflow' })
      .catch((error: Error) => error.message);
    expect(result).toContain('NOT_FOUND');
  });
});

describe('cancelRun', () => {
  it('cancels a running run: the stream stops and ends with one CANCELLED event', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const run = await send(workflowId, '!delay 50\n!words 400');
    const events = runEvents(run.id);
    await t.collect(
      RUN_EVENTS,
      { runId: run.id },
      (e) => e.runEvents.__typename === 'MessageDeltaEvent',
    );
    const { cancelRun } = await t.data(CANCEL, { id: run.id });
    expect(cancelRun.status).toBe('CANCELLED');
    const all = await events;
    expect(terminal(all)).toEqual([expect.objectContaining({ status: 'CANCELLED' })]);
    expect(all.at(-1)?.status).toBe('CANCELLED');
    expect(all.filter((e) => e.__typename === 'MessageDeltaEvent').length).toBeLessThan(400);
  });

  it('cancels a queued run before it starts, and cancelling again changes nothing', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const blocker = await send(workflowId, '!delay 20\n!words 50');
    const queued = await send(workflowId, 'never runs');
    const first = await t.data(CANCEL, { id: queued.id });
    expect(first.cancelRun.status).toBe('CANCELLED');
    const again = await t.data(CANCEL, { id: queued.id });
    expect(again.cancelRun).toEqual(first.cancelRun);
    const events = await runEvents(queued.id);
    expect(events.map((e) => e.status)).toEqual(['QUEUED', 'CANCELLED']);
    await runEvents(blocker.id);
    const { run } = await t.data(RUN, { id: queued.id });
    expect(run?.status).toBe('CANCELLED');
  });

  it('returns a finished run unchanged', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const run = await send(workflowId, 'done');
    await runEvents(run.id);
    const { cancelRun } = await t.data(CANCEL, { id: run.id });
    expect(cancelRun.status).toBe('SUCCEEDED');
  });
});

describe('busy workflows and idempotency', () => {
  it('rejects a prompt with CONFLICT when ifBusy is REJECT and a run is active', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const active = await send(workflowId, '!delay 20\n!words 20');
    const result = await t.gql(SEND, { input: { workflowId, prompt: 'later', ifBusy: 'REJECT' } });
    expect(result.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    await runEvents(active.id);
  });

  it('interrupts the active run when ifBusy is INTERRUPT', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const active = await send(workflowId, '!delay 50\n!words 200');
    const next = await send(workflowId, 'now', { ifBusy: 'INTERRUPT' });
    const [activeEvents, nextEvents] = await Promise.all([
      runEvents(active.id),
      runEvents(next.id),
    ]);
    expect(activeEvents.at(-1)?.status).toBe('CANCELLED');
    expect(nextEvents.at(-1)?.status).toBe('SUCCEEDED');
  });

  it('returns the same run for the same idempotency key and input, CONFLICT for another input', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const a = await send(workflowId, 'idem', { idempotencyKey: 'key-1' });
    const b = await send(workflowId, 'idem', { idempotencyKey: 'key-1' });
    expect(b.id).toBe(a.id);
    const other = await t.gql(SEND, {
      input: { workflowId, prompt: 'different', idempotencyKey: 'key-1' },
    });
    expect(other.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    await runEvents(a.id);
  });
});

describe('the demo model out of the box', () => {
  it('calls its built-in demo_echo tool without any MCP server', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const run = await send(workflowId, '!tool demo_echo {"text":"hi"}\nthen answer');
    const events = await runEvents(run.id);
    const calls = events.filter((e) => e.__typename === 'ToolCallEvent') as unknown as {
      toolStatus: string;
      result: unknown;
    }[];
    expect(calls.map((c) => c.toolStatus)).toEqual(['STARTED', 'SUCCEEDED']);
    expect(calls[1]?.result).toEqual({ text: 'hi' });
    const { run: done } = await t.data(RUN, { id: run.id });
    expect(done?.status).toBe('SUCCEEDED');
    expect(done?.output).toBe('tool demo_echo returned: {"text":"hi"}');
  });
});
