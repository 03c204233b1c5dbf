import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgentgateError,
  createAgentgateClient,
  isTerminalEvent,
  type ReconnectInfo,
  type WorkflowEvent,
} from '../../sdk/index.ts';
import { createFlakyFetch, type FlakyFetchPlan } from '../support/flaky-fetch.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const URL = 'http://agentgate.test/graphql';
/** Reconnect at once in these tests: the dropped connections are simulated. */
const FAST_RETRY = { minDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 };

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

function sdk(plan?: FlakyFetchPlan) {
  const flaky = createFlakyFetch(t.app.fetch as typeof fetch, plan);
  return {
    ...flaky,
    client: createAgentgateClient({ url: URL, fetch: flaky.fetch, retry: FAST_RETRY }),
  };
}

async function drain<T>(events: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const event of events) all.push(event);
  return all;
}

async function demoWorkflow() {
  const { client } = sdk();
  const agent = await client.createAgent({
    name: 'SDK',
    systemPrompt: 'Echo.',
    model: 'demo:echo',
  });
  const workflow = await client.createWorkflow({ agentId: agent.id, title: 'SDK test' });
  return { client, agent, workflow };
}

const idsOf = (events: WorkflowEvent[]) => events.map((e) => e.id);

describe('the SDK: typed operations', () => {
  it('creates, lists and reads agents, workflows, runs and messages', async () => {
    const { client, agent, workflow } = await demoWorkflow();
    expect(agent).toMatchObject({ name: 'SDK', model: 'demo:echo', description: null });
    expect(workflow).toMatchObject({ title: 'SDK test', agent: { id: agent.id }, activeRun: null });
    expect((await client.agents({ first: 100 })).nodes.map((a) => a.id)).toContain(agent.id);
    expect((await client.workflows({ first: 100 })).nodes.map((w) => w.id)).toContain(workflow.id);

    const run = await client.sendPrompt({ workflowId: workflow.id, prompt: 'typed hello' });
    expect(run.status).toBe('QUEUED');
    await drain(client.streamRun(run.id));
    expect(await client.run(run.id)).toMatchObject({
      status: 'SUCCEEDED',
      output: 'echo: typed hello',
      workflow: { id: workflow.id },
    });
    const messages = await client.messages(workflow.id);
    expect(messages.nodes.map((m) => [m.role, m.content])).toEqual([
      ['USER', 'typed hello'],
      ['ASSISTANT', 'echo: typed hello'],
    ]);
    expect((await client.runs(workflow.id)).nodes.map((r) => r.id)).toEqual([run.id]);
    expect(await client.agent('missing')).toBeNull();
  });

  it('fails with an AgentgateError that carries the API code', async () => {
    const { client } = sdk();
    const bad = await client
      .createAgent({ name: 'x', systemPrompt: '', model: 'nosuch:model' })
      .catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(AgentgateError);
    expect(bad).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('nosuch'),
    });
    await expect(client.cancelRun('missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client.messages('missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('sends the token as a bearer header on requests and streams', async () => {
    const flaky = createFlakyFetch(t.app.fetch as typeof fetch);
    let token = 'first-token';
    const client = createAgentgateClient({ url: URL, fetch: flaky.fetch, token: () => token });
    const { workflow } = await demoWorkflow();
    const run = await client.sendPrompt({ workflowId: workflow.id, prompt: 'auth' });
    token = 'second-token';
    await drain(client.streamRun(run.id));
    expect(flaky.headers.map((h) => h.get('authorization'))).toEqual([
      'Bearer first-token',
      'Bearer second-token',
    ]);
  });

  it('maps HTTP failures to codes: 401, 502 without GraphQL errors, and an unreachable gateway', async () => {
    const answer = (response: Response) =>
      createAgentgateClient({ url: URL, fetch: async () => response });
    const unauthenticated = answer(
      Response.json(
        { errors: [{ message: 'no token', extensions: { code: 'UNAUTHENTICATED' } }] },
        { status: 401 },
      ),
    );
    await expect(unauthenticated.agents()).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      status: 401,
    });
    const badGateway = answer(new Response('upstream down', { status: 502 }));
    await expect(badGateway.agents()).rejects.toMatchObject({ code: 'HTTP_ERROR', status: 502 });
    const unreachable = createAgentgateClient({
      url: URL,
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    await expect(unreachable.agents()).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
  });
});

describe('the SDK: streams that resume on their own', () => {
  it('streams a run from its first event and ends after the terminal status', async () => {
    const { client, workflow } = await demoWorkflow();
    const run = await client.sendPrompt({ workflowId: workflow.id, prompt: '!words 5' });
    const events = await drain(client.streamRun(run.id));
    expect(events.at(-1)).toMatchObject({ __typename: 'RunStatusEvent', status: 'SUCCEEDED' });
    expect(events.filter(isTerminalEvent)).toHaveLength(1);
    const deltas = events.flatMap((e) => (e.__typename === 'MessageDeltaEvent' ? [e.delta] : []));
    expect(deltas.join('')).toBe('w1 w2 w3 w4 w5');
  });

  it('reconnects after a dropped connection and resumes after the last event, without a gap or a duplicate', async () => {
    const { workflow } = await demoWorkflow();
    const { client, sseRequests } = sdk({ breakAfterEvents: [4] });
    const run = await client.sendPrompt({ workflowId: workflow.id, prompt: '!words 12' });
    const reconnects: ReconnectInfo[] = [];
    const events = await drain(
      client.streamRun(run.id, { onReconnect: (info) => reconnects.push(info) }),
    );
    const replay = await drain(sdk().client.streamRun(run.id));

    expect(events).toEqual(replay);
    expect(reconnects).toEqual([
      expect.objectContaining({
        attempt: 1,
        after: replay[3]!.id,
        error: expect.any(AgentgateError),
      }),
    ]);
    expect(reconnects[0]!.error.code).toBe('NETWORK_ERROR');
    expect(sseRequests.map((r) => r.variables.after)).toEqual([undefined, replay[3]!.id]);
  });

  it('drops events at or below the last one delivered when a resumed stream repeats them', async () => {
    const { workflow } = await demoWorkflow();
    const run = await sdk().client.sendPrompt({ workflowId: workflow.id, prompt: '!words 8' });
    const replay = await drain(sdk().client.streamRun(run.id));
    // The second connection asks for more than it needs: from the first event on.
    const { client } = sdk({
      breakAfterEvents: [5],
      rewriteVariables: (index, variables) =>
        index === 1 ? { ...variables, after: replay[0]!.id } : variables,
    });
    const events = await drain(client.streamRun(run.id));
    expect(idsOf(events)).toEqual(idsOf(replay));
  });

  it('resumes a workflow stream after a cursor across runs, and stops when the caller breaks out', async () => {
    const { client, workflow } = await demoWorkflow();
    const first = await drain(
      client.streamRun((await client.sendPrompt({ workflowId: workflow.id, prompt: 'one' })).id),
    );
    const second = await drain(
      client.streamRun((await client.sendPrompt({ workflowId: workflow.id, prompt: 'two' })).id),
    );
    const { client: flaky, sseRequests } = sdk({ breakAfterEvents: [2, 3] });
    const resumed: WorkflowEvent[] = [];
    for await (const event of flaky.streamWorkflow(workflow.id, { after: first.at(-1)!.id })) {
      resumed.push(event);
      if (isTerminalEvent(event)) break;
    }
    expect(resumed).toEqual(second);
    expect(sseRequests.map((r) => r.variables.after)).toEqual([
      first.at(-1)!.id,
      second[1]!.id,
      second[4]!.id,
    ]);
  });

  it('resumes a workflow stream that the gateway ends early: it has no end of its own', async () => {
    const { client, workflow } = await demoWorkflow();
    const run = await drain(
      client.streamRun((await client.sendPrompt({ workflowId: workflow.id, prompt: 'x y' })).id),
    );
    const { client: ended, sseRequests } = sdk({ completeAfterEvents: [3] });
    const reconnects: ReconnectInfo[] = [];
    const resumed: WorkflowEvent[] = [];
    const events = ended.streamWorkflow(workflow.id, {
      after: '0-0',
      onReconnect: (info) => reconnects.push(info),
    });
    for await (const event of events) {
      resumed.push(event);
      if (isTerminalEvent(event)) break;
    }
    expect(resumed).toEqual(run);
    expect(reconnects).toHaveLength(1);
    expect(sseRequests.map((r) => r.variables.after)).toEqual(['0-0', run[2]!.id]);
  });

  it('fails at once, without reconnecting, on a GraphQL error such as NOT_FOUND', async () => {
    const { client } = sdk();
    const reconnects: ReconnectInfo[] = [];
    const error = await drain(
      client.streamRun('missing', { onReconnect: (info) => reconnects.push(info) }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentgateError);
    expect(error).toMatchObject({ code: 'NOT_FOUND' });
    expect(reconnects).toEqual([]);
  });

  it('reads the GraphQL errors of a stream the gateway refused with an HTTP error status', async () => {
    const refused = createAgentgateClient({
      url: URL,
      fetch: async () =>
        new Response(
          ':\n\nevent: next\ndata: {"errors":[{"message":"gone","extensions":{"code":"NOT_FOUND"}}]}\n\n',
          { status: 500, headers: { 'content-type': 'text/event-stream' } },
        ),
      retry: FAST_RETRY,
    });
    const reconnects: ReconnectInfo[] = [];
    const error = await drain(
      refused.streamRun('any', { onReconnect: (info) => reconnects.push(info) }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 500, message: 'gone' });
    expect(reconnects).toEqual([]);
  });

  it('gives up after maxAttempts failed reconnects with the last error', async () => {
    const reconnects: ReconnectInfo[] = [];
    const down = createAgentgateClient({
      url: URL,
      fetch: async () => new Response('gateway restarting', { status: 503 }),
      retry: FAST_RETRY,
    });
    const error = await drain(
      down.streamRun('any', { onReconnect: (info) => reconnects.push(info) }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'HTTP_ERROR', status: 503 });
    expect(reconnects.map((r) => r.attempt)).toEqual([1, 2, 3]);
  });

  it('ends without an error when its signal is aborted', async () => {
    const { client, workflow } = await demoWorkflow();
    const controller = new AbortController();
    const events: WorkflowEvent[] = [];
    const run = await client.sendPrompt({
      workflowId: workflow.id,
      prompt: '!delay 20\n!words 50',
    });
    for await (const event of client.streamRun(run.id, { signal: controller.signal })) {
      events.push(event);
      if (event.__typename === 'MessageDeltaEvent') controller.abort();
    }
    expect(events.at(-1)?.__typename).toBe('MessageDeltaEvent');
    await client.cancelRun(run.id);
  });
});
