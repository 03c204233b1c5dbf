import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UNRESTRICTED_MCP_HOST_POLICY } from '../../worker/tools/mcp-host-policy.ts';
import { createMcpPool, type McpPool } from '../../worker/tools/mcp-pool.ts';
import { connectMcpServer } from '../../worker/tools/mcp-tools.ts';
import { startHttpFixture, stdioFixtureCommand } from '../fixtures/mcp-fixture-server.ts';
import { createTestApp, EVENT_FIELDS, type TestApp } from '../support/test-app.ts';

/**
 * The worker's MCP connection pool in real runs, against real MCP servers (the stdio fixture as
 * child processes, the streamable HTTP fixture): which runs share a connection, and when
 * connections are replaced or closed. Connects are counted by a spy around the SDK connect;
 * stdio processes are told apart by the pid their `s_pid` tool answers.
 */

interface Event {
  __typename: string;
  toolStatus?: string;
  result?: unknown;
}

/** A test app whose worker pool counts its connects, by server name. */
async function appWithPool(idleMs: number) {
  const connects: string[] = [];
  const pool: McpPool = createMcpPool({
    idleMs,
    connectTimeoutMs: 10_000,
    toolTimeoutMs: 5_000,
    policy: UNRESTRICTED_MCP_HOST_POLICY,
    connect: (server, options) => {
      connects.push(server.name);
      return connectMcpServer(server, options);
    },
  });
  const t = await createTestApp({ mcpPool: pool });
  return { t, pool, connectsOf: (name: string) => connects.filter((n) => n === name).length };
}

async function createServer(t: TestApp, input: Record<string, unknown>): Promise<string> {
  const { createMcpServer } = await t.data<{ createMcpServer: { id: string } }>(
    'mutation ($input: CreateMcpServerInput!) { createMcpServer(input: $input) { id } }',
    { input },
  );
  return createMcpServer.id;
}

function stdioServer(t: TestApp, name: string, env: Record<string, string> = {}) {
  return createServer(t, {
    name,
    transport: 'STDIO',
    ...stdioFixtureCommand(),
    env: { FIXTURE_PREFIX: 's_', ...env },
  });
}

async function workflowWith(t: TestApp, mcpServerIds: string[]): Promise<string> {
  const { createAgent } = await t.data<{ createAgent: { id: string } }>(
    'mutation ($input: CreateAgentInput!) { createAgent(input: $input) { id } }',
    { input: { name: 'Tools', systemPrompt: 'Use tools.', model: 'demo:echo', mcpServerIds } },
  );
  const { createWorkflow } = await t.data<{ createWorkflow: { id: string } }>(
    'mutation ($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }',
    { input: { agentId: createAgent.id } },
  );
  return createWorkflow.id;
}

/** Runs the prompt to its end; returns the run's status and its last tool call. */
async function run(t: TestApp, workflowId: string, prompt: string) {
  const { sendPrompt } = await t.data<{ sendPrompt: { id: string } }>(
    'mutation ($input: SendPromptInput!) { sendPrompt(input: $input) { id } }',
    { input: { workflowId, prompt } },
  );
  const items = await t.collect<{ runEvents: Event }>(
    `subscription ($runId: ID!) { runEvents(runId: $runId) { ${EVENT_FIELDS} } }`,
    { runId: sendPrompt.id },
  );
  const { run: state } = await t.data<{ run: { status: string } }>(
    'query ($id: ID!) { run(id: $id) { status } }',
    { id: sendPrompt.id },
  );
  const tool = items.map((i) => i.runEvents).filter((e) => e.__typename === 'ToolCallEvent');
  return { status: state.status, tool: tool.at(-1) };
}

/** The pid of the stdio fixture process a run of `workflowId` talks to. */
async function pidOf(t: TestApp, workflowId: string): Promise<number> {
  const result = await run(t, workflowId, '!tool s_pid {}');
  expect(result).toMatchObject({ status: 'SUCCEEDED', tool: { toolStatus: 'SUCCEEDED' } });
  return (result.tool?.result as { pid: number } | undefined)?.pid ?? -1;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('MCP connections reused between runs (MCP_POOL_IDLE_MS > 0)', () => {
  let app: Awaited<ReturnType<typeof appWithPool>>;

  beforeAll(async () => {
    app = await appWithPool(60_000);
  });

  afterAll(async () => {
    await app?.t.close();
  });

  it('serves two sequential runs of an agent with one stdio process', async () => {
    const { t, connectsOf } = app;
    const workflowId = await workflowWith(t, [await stdioServer(t, 'sequential')]);
    const first = await pidOf(t, workflowId);
    const second = await pidOf(t, workflowId);
    expect(second).toBe(first);
    expect(connectsOf('sequential')).toBe(1);
    expect(isAlive(first)).toBe(true);
  }, 30_000);

  it('shares one connection between concurrent runs of the tenant', async () => {
    const { t, connectsOf } = app;
    const serverId = await stdioServer(t, 'concurrent');
    const workflows = await Promise.all([workflowWith(t, [serverId]), workflowWith(t, [serverId])]);
    const pids = await Promise.all(workflows.map((w) => pidOf(t, w)));
    expect(pids[1]).toBe(pids[0]);
    expect(connectsOf('concurrent')).toBe(1);
  }, 30_000);

  it('connects anew when the server is edited', async () => {
    const { t, connectsOf } = app;
    const serverId = await stdioServer(t, 'edited');
    const workflowId = await workflowWith(t, [serverId]);
    const before = await pidOf(t, workflowId);
    await t.data(
      'mutation ($id: ID!, $input: UpdateMcpServerInput!) { updateMcpServer(id: $id, input: $input) { id } }',
      {
        id: serverId,
        input: { env: { FIXTURE_PREFIX: 's_', EXTRA: 'yes' } },
      },
    );
    const after = await pidOf(t, workflowId);
    expect(after).not.toBe(before);
    expect(connectsOf('edited')).toBe(2);
  }, 30_000);

  it('connects anew when a secret the server references is rotated, redacting the new value', async () => {
    const { t, connectsOf } = app;
    const { createSecret } = await t.data<{ createSecret: { id: string } }>(
      'mutation ($input: CreateSecretInput!) { createSecret(input: $input) { id } }',
      { input: { name: 'POOL_TOKEN', value: 'first-token-value' } },
    );
    const serverId = await stdioServer(t, 'with secret', { POOL_TOKEN: '{{secret:POOL_TOKEN}}' });
    const workflowId = await workflowWith(t, [serverId]);
    const before = await pidOf(t, workflowId);
    await t.data(
      'mutation ($id: ID!, $input: UpdateSecretInput!) { updateSecret(id: $id, input: $input) { id } }',
      {
        id: createSecret.id,
        input: { value: 'second-token-value' },
      },
    );
    const after = await pidOf(t, workflowId);
    expect(after).not.toBe(before);
    expect(connectsOf('with secret')).toBe(2);
    const env = await run(t, workflowId, '!tool s_env {"name":"POOL_TOKEN"}');
    expect(env.tool?.result).toEqual({ name: 'POOL_TOKEN', value: '[secret:POOL_TOKEN]' });
    expect(connectsOf('with secret')).toBe(2);
  }, 30_000);

  it('replaces a stdio connection whose process died, and the next run succeeds', async () => {
    const { t, pool, connectsOf } = app;
    const workflowId = await workflowWith(t, [await stdioServer(t, 'killed')]);
    const before = await pidOf(t, workflowId);
    const open = pool.stats().open;
    process.kill(before, 'SIGKILL');
    // The transport reports the exit: the connection leaves the pool.
    await vi.waitFor(() => expect(pool.stats().open).toBe(open - 1));
    const after = await pidOf(t, workflowId);
    expect(after).not.toBe(before);
    expect(connectsOf('killed')).toBe(2);
  }, 30_000);

  it('serves runs again after the HTTP server restarts', async () => {
    const { t, connectsOf } = app;
    let http = await startHttpFixture('h_');
    try {
      const serverId = await createServer(t, {
        name: 'restarted',
        transport: 'HTTP',
        url: http.url,
      });
      const workflowId = await workflowWith(t, [serverId]);
      const first = await run(t, workflowId, '!tool h_echo {"text":"one"}');
      expect(first.tool).toMatchObject({ toolStatus: 'SUCCEEDED', result: { text: 'one' } });
      await http.close();
      http = await startHttpFixture('h_', http.port);
      const second = await run(t, workflowId, '!tool h_echo {"text":"two"}');
      expect(second).toMatchObject({
        status: 'SUCCEEDED',
        tool: { toolStatus: 'SUCCEEDED', result: { text: 'two' } },
      });
      // The restarted server served the call: over the same connection when its ping found the
      // (stateless) server again, or over a new one when the ping failed.
      expect(http.methods).toContain('tools/call');
      expect(connectsOf('restarted')).toBeLessThanOrEqual(2);
    } finally {
      await http.close();
    }
  }, 30_000);
});

describe('MCP connection lifetimes', () => {
  it('closes a connection no run holds after MCP_POOL_IDLE_MS', async () => {
    const { t, pool } = await appWithPool(100);
    try {
      const pid = await pidOf(t, await workflowWith(t, [await stdioServer(t, 'idle')]));
      await vi.waitFor(() => expect(pool.stats().open).toBe(0));
      await vi.waitFor(() => expect(isAlive(pid)).toBe(false));
    } finally {
      await t.close();
    }
  }, 30_000);

  it('connects for every run and closes at its end when MCP_POOL_IDLE_MS is 0', async () => {
    const { t, pool, connectsOf } = await appWithPool(0);
    try {
      const workflowId = await workflowWith(t, [await stdioServer(t, 'per run')]);
      const first = await pidOf(t, workflowId);
      // Released before the run's end is announced.
      expect(pool.stats().open).toBe(0);
      const second = await pidOf(t, workflowId);
      expect(second).not.toBe(first);
      expect(connectsOf('per run')).toBe(2);
    } finally {
      await t.close();
    }
  }, 30_000);

  it('leaves no stdio process behind when the worker closes', async () => {
    const { t, pool } = await appWithPool(60_000);
    const pid = await pidOf(t, await workflowWith(t, [await stdioServer(t, 'closed')]));
    expect(pool.stats().open).toBe(1);
    await t.close();
    expect(pool.stats().open).toBe(0);
    expect(isAlive(pid)).toBe(false);
  }, 30_000);
});
