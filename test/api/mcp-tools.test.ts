import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpFixture, stdioFixtureCommand } from '../fixtures/mcp-fixture-server.ts';
import { createTestApp, EVENT_FIELDS, type TestApp } from '../support/test-app.ts';

/**
 * MCP tools end to end: real MCP servers written with the MCP SDK (one a child process over
 * stdio, one over streamable HTTP), registered through the API, called by the demo model's
 * `!tool` directive inside real runs.
 */

interface ToolEvent {
  __typename: string;
  name?: string;
  toolCallId?: string;
  toolStatus?: string;
  arguments?: unknown;
  result?: unknown;
  status?: string;
  error?: { code: string; message: string } | null;
}

let t: TestApp;
let http: Awaited<ReturnType<typeof startHttpFixture>>;
let stdioId: string;
let httpId: string;

const CREATE_SERVER = `mutation ($input: CreateMcpServerInput!) {
  createMcpServer(input: $input) { id name transport allowedTools tags }
}`;

async function createServer(input: Record<string, unknown>): Promise<string> {
  const { createMcpServer } = await t.data<{ createMcpServer: { id: string } }>(CREATE_SERVER, {
    input,
  });
  return createMcpServer.id;
}

async function workflowWith(
  tools: { mcpServerIds?: string[]; mcpServerTags?: string[] },
  maxTurns?: number,
) {
  const { createAgent } = await t.data<{ createAgent: { id: string } }>(
    `mutation ($input: CreateAgentInput!) { createAgent(input: $input) { id } }`,
    { input: { name: 'Tools', systemPrompt: 'Use tools.', model: 'demo:echo', ...tools } },
  );
  const { createWorkflow } = await t.data<{ createWorkflow: { id: string } }>(
    `mutation ($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }`,
    { input: { agentId: createAgent.id, maxTurns } },
  );
  return createWorkflow.id;
}

/** Sends the prompt and returns the run's events up to its terminal status, and its output. */
async function run(workflowId: string, prompt: string) {
  const { sendPrompt } = await t.data<{ sendPrompt: { id: string } }>(
    `mutation ($input: SendPromptInput!) { sendPrompt(input: $input) { id } }`,
    { input: { workflowId, prompt } },
  );
  const items = await t.collect<{ runEvents: ToolEvent }>(
    `subscription ($runId: ID!) { runEvents(runId: $runId) { ${EVENT_FIELDS} } }`,
    { runId: sendPrompt.id },
  );
  const events = items.map((item) => item.runEvents);
  const { run: state } = await t.data<{
    run: { status: string; output: string | null; error: { code: string } | null };
  }>(`query ($id: ID!) { run(id: $id) { status output error { code } } }`, {
    id: sendPrompt.id,
  });
  const toolCalls = events
    .filter((e) => e.__typename === 'ToolCallEvent')
    .map(({ name, toolStatus, arguments: args, result }) => ({
      name,
      status: toolStatus,
      arguments: args,
      result,
    }));
  return { events, toolCalls, ...state };
}

beforeAll(async () => {
  t = await createTestApp({ tools: { toolTimeoutMs: 500, connectTimeoutMs: 10_000 } });
  http = await startHttpFixture('h_');
  const stdio = stdioFixtureCommand();
  stdioId = await createServer({
    name: 'stdio fixture',
    transport: 'STDIO',
    command: stdio.command,
    args: stdio.args,
    env: { FIXTURE_PREFIX: 's_' },
    allowedTools: ['s_echo', 's_add', 's_boom', 's_hang'],
    tags: ['local'],
  });
  httpId = await createServer({
    name: 'http fixture',
    transport: 'HTTP',
    url: http.url,
    headers: { 'x-fixture-key': 'k1' },
    tags: ['remote', 'web'],
  });
}, 30_000);

afterAll(async () => {
  await t?.close();
  await http?.close();
});

describe('MCP tools in runs', () => {
  it('lists a server’s tools through testMcpServer, after its allow-list', async () => {
    const query = `mutation ($id: ID!) { testMcpServer(id: $id) { ok error tools { name } } }`;
    const stdio = await t.data<{ testMcpServer: { ok: boolean; tools: { name: string }[] } }>(
      query,
      { id: stdioId },
    );
    expect(stdio.testMcpServer.ok).toBe(true);
    expect(stdio.testMcpServer.tools.map((tool) => tool.name)).toEqual([
      's_echo',
      's_add',
      's_boom',
      's_hang',
    ]);
    const remote = await t.data<{ testMcpServer: { ok: boolean; tools: { name: string }[] } }>(
      query,
      { id: httpId },
    );
    expect(remote.testMcpServer.tools.map((tool) => tool.name)).toContain('h_hidden');
    expect(http.headers.at(-1)?.['x-fixture-key']).toBe('k1');
  }, 20_000);

  it('reports an unreachable server as a clear error', async () => {
    const id = await createServer({
      name: 'down',
      transport: 'HTTP',
      url: 'http://127.0.0.1:9/mcp',
    });
    const { testMcpServer } = await t.data<{
      testMcpServer: { ok: boolean; error: string | null; tools: unknown[] };
    }>(`mutation ($id: ID!) { testMcpServer(id: $id) { ok error tools { name } } }`, { id });
    expect(testMcpServer).toMatchObject({ ok: false, tools: [] });
    expect(testMcpServer.error).toContain('Cannot connect to MCP server "down"');
  });

  it('calls a stdio tool with the model’s arguments and stores the call with the conversation', async () => {
    const workflowId = await workflowWith({ mcpServerIds: [stdioId] });
    const result = await run(workflowId, '!tool s_add {"a":2,"b":3}');

    expect(result.toolCalls).toEqual([
      { name: 's_add', status: 'STARTED', arguments: { a: 2, b: 3 }, result: null },
      { name: 's_add', status: 'SUCCEEDED', arguments: { a: 2, b: 3 }, result: { sum: 5 } },
    ]);
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: 'tool s_add returned: {"sum":5}' });

    const { workflow } = await t.data<{
      workflow: { messages: { edges: { node: { role: string; content: string } }[] } };
    }>(`query ($id: ID!) { workflow(id: $id) { messages { edges { node { role content } } } } }`, {
      id: workflowId,
    });
    const roles = workflow.messages.edges.map((e) => e.node.role);
    expect(roles).toEqual(['USER', 'TOOL', 'ASSISTANT']);
    expect(JSON.parse(workflow.messages.edges[1]!.node.content)).toMatchObject({
      name: 's_add',
      status: 'SUCCEEDED',
      arguments: { a: 2, b: 3 },
      result: { sum: 5 },
    });
    // The next run replays the stored call to the model without error.
    const next = await run(workflowId, 'thanks');
    expect(next).toMatchObject({ status: 'SUCCEEDED', output: 'echo: thanks' });
  }, 30_000);

  it('calls a streamable HTTP tool picked by tag', async () => {
    const workflowId = await workflowWith({ mcpServerTags: ['web'] });
    const result = await run(workflowId, '!tool h_echo {"text":"hi"}');
    expect(result.toolCalls.at(-1)).toEqual({
      name: 'h_echo',
      status: 'SUCCEEDED',
      arguments: { text: 'hi' },
      result: { text: 'hi' },
    });
    expect(result.status).toBe('SUCCEEDED');
  }, 30_000);

  it('offers the union of servers by id and by tag, and only allow-listed tools', async () => {
    const workflowId = await workflowWith({
      mcpServerIds: [stdioId],
      mcpServerTags: ['remote', 'local'],
    });
    const both = await run(workflowId, '!tool s_echo {"text":"a"}\n!tool h_echo {"text":"b"}');
    expect(both.toolCalls.filter((c) => c.status === 'SUCCEEDED').map((c) => c.name)).toEqual([
      's_echo',
      'h_echo',
    ]);
    // s_hidden exists on the stdio server but is not on its allow-list.
    const hidden = await run(workflowId, '!tool s_hidden {}');
    expect(hidden.toolCalls.at(-1)).toMatchObject({ name: 's_hidden', status: 'FAILED' });
    expect(String(hidden.toolCalls.at(-1)?.result)).toContain('unavailable tool');
    expect(hidden.status).toBe('SUCCEEDED');
  }, 30_000);

  it('turns a tool that throws, and one that hangs past its timeout, into FAILED calls; the run still finishes', async () => {
    const workflowId = await workflowWith({ mcpServerIds: [stdioId] });
    const thrown = await run(workflowId, '!tool s_boom {}');
    expect(thrown.toolCalls.at(-1)).toMatchObject({ name: 's_boom', status: 'FAILED' });
    expect(String(thrown.toolCalls.at(-1)?.result)).toContain('boom: the tool blew up');
    expect(thrown.status).toBe('SUCCEEDED');
    expect(thrown.output).toContain('tool s_boom returned:');

    const hung = await run(workflowId, '!tool s_hang {}');
    expect(hung.toolCalls.at(-1)).toMatchObject({ name: 's_hang', status: 'FAILED' });
    expect(String(hung.toolCalls.at(-1)?.result)).toMatch(/timed out/i);
    expect(hung.status).toBe('SUCCEEDED');
  }, 30_000);

  it('ends a looping agent MAX_TURNS_REACHED after one last answer without tools', async () => {
    const workflowId = await workflowWith({ mcpServerIds: [stdioId] }, 2);
    const loop = Array.from({ length: 5 }, (_, i) => `!tool s_add {"a":${i},"b":1}`).join('\n');
    const result = await run(workflowId, loop);
    expect(result.toolCalls.filter((c) => c.status === 'SUCCEEDED')).toHaveLength(2);
    expect(result.status).toBe('MAX_TURNS_REACHED');
    expect(result.output).toBe('tool s_add returned: {"sum":2}');
    const terminal = result.events.filter((e) => e.__typename === 'RunStatusEvent').at(-1);
    expect(terminal?.status).toBe('MAX_TURNS_REACHED');
  }, 30_000);

  it('fails the run with TOOLS_UNAVAILABLE when a server cannot be reached', async () => {
    const down = await createServer({
      name: 'gone',
      transport: 'SSE',
      url: 'http://127.0.0.1:9/sse',
    });
    const workflowId = await workflowWith({ mcpServerIds: [down] });
    const result = await run(workflowId, 'hello');
    expect(result).toMatchObject({ status: 'FAILED', error: { code: 'TOOLS_UNAVAILABLE' } });
  }, 30_000);
});
