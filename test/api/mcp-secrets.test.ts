import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../shared/adapters/store/sql/postgres-store.ts';
import { newId } from '../../shared/ids.ts';
import type { Store } from '../../shared/ports/store.ts';
import { startHttpFixture, stdioFixtureCommand } from '../fixtures/mcp-fixture-server.ts';
import { createTestApp, EVENT_FIELDS, type TestApp } from '../support/test-app.ts';

/**
 * Secrets in MCP servers against real PostgreSQL: `{{secret:NAME}}` in a stdio server's env and
 * an HTTP server's headers reaches the server as the value, while the database holds only
 * ciphertext and events, messages and run errors show `[secret:NAME]` instead of the value.
 */

const connectionString = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `t_${newId().toLowerCase()}`;
const VALUE = `sk-live-${randomBytes(18).toString('hex')}`;

let store: Store;
let t: TestApp;
let http: Awaited<ReturnType<typeof startHttpFixture>>;

interface Event {
  __typename: string;
  name?: string;
  toolStatus?: string;
  result?: unknown;
  status?: string;
  error?: { code: string; message: string } | null;
}

async function id<T extends Record<string, { id: string }>>(query: string, input: unknown) {
  const data = await t.data<T>(query, { input });
  return Object.values(data)[0]!.id;
}

async function workflowWith(mcpServerIds: string[]) {
  const agentId = await id(
    'mutation ($input: CreateAgentInput!) { createAgent(input: $input) { id } }',
    { name: 'Tools', systemPrompt: 'Use tools.', model: 'demo:echo', mcpServerIds },
  );
  return id('mutation ($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }', {
    agentId,
  });
}

async function run(workflowId: string, prompt: string) {
  const { sendPrompt } = await t.data<{ sendPrompt: { id: string } }>(
    'mutation ($input: SendPromptInput!) { sendPrompt(input: $input) { id } }',
    { input: { workflowId, prompt } },
  );
  const items = await t.collect<{ runEvents: Event }>(
    `subscription ($runId: ID!) { runEvents(runId: $runId) { ${EVENT_FIELDS} } }`,
    { runId: sendPrompt.id },
  );
  const events = items.map((item) => item.runEvents);
  const state = await t.data<{
    run: { status: string; output: string | null; error: { code: string; message: string } | null };
    workflow: { messages: { edges: { node: { content: string } }[] } };
  }>(
    `query ($id: ID!, $workflowId: ID!) {
      run(id: $id) { status output error { code message } }
      workflow(id: $workflowId) { messages { edges { node { content } } } }
    }`,
    { id: sendPrompt.id, workflowId },
  );
  return {
    events,
    tool: events.filter((e) => e.__typename === 'ToolCallEvent').at(-1),
    ...state,
  };
}

/** Every row of the table as JSON text, straight from PostgreSQL. */
async function rowsOf(table: string): Promise<string> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT row_to_json(x)::text AS row FROM "${schema}".${table} x`,
    );
    return rows.map((r: { row: string }) => r.row).join('\n');
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  store = createPostgresStore({ connectionString, schema, poolSize: 5 });
  await store.init();
  t = await createTestApp({ store, tools: { toolTimeoutMs: 5_000, connectTimeoutMs: 10_000 } });
  http = await startHttpFixture('h_');
  const created = await t.data<{ createSecret: { name: string; maskedValue: string } }>(
    'mutation ($input: CreateSecretInput!) { createSecret(input: $input) { name maskedValue } }',
    { input: { name: 'FIXTURE_TOKEN', value: VALUE, description: 'for the fixture' } },
  );
  expect(created.createSecret).toEqual({
    name: 'FIXTURE_TOKEN',
    maskedValue: `********${VALUE.slice(-4)}`,
  });
}, 30_000);

afterAll(async () => {
  await t?.close();
  await http?.close();
  await store?.close();
  const admin = new pg.Client({ connectionString });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await admin.end();
  }
});

describe('secrets in MCP servers (PostgreSQL)', () => {
  it('a secret reference reaches the MCP stdio process environment while the value stored in PostgreSQL is not the plaintext', async () => {
    const stdio = stdioFixtureCommand();
    const serverId = await id(
      'mutation ($input: CreateMcpServerInput!) { createMcpServer(input: $input) { id } }',
      {
        name: 'stdio with a secret',
        transport: 'STDIO',
        command: stdio.command,
        args: stdio.args,
        env: { FIXTURE_PREFIX: 's_', FIXTURE_TOKEN: '{{secret:FIXTURE_TOKEN}}' },
        allowedTools: ['s_env', 's_leak'],
      },
    );
    const workflowId = await workflowWith([serverId]);

    const result = await run(workflowId, '!tool s_env {"name":"FIXTURE_TOKEN"}');

    expect(result.run.status).toBe('SUCCEEDED');
    // The process saw exactly the value: the worker replaced it, and only it, on the way back.
    expect(result.tool).toMatchObject({
      toolStatus: 'SUCCEEDED',
      result: { name: 'FIXTURE_TOKEN', value: '[secret:FIXTURE_TOKEN]' },
    });
    expect(JSON.stringify(result)).not.toContain(VALUE);

    const secretRows = await rowsOf('secrets');
    expect(secretRows).toContain('"name":"FIXTURE_TOKEN"');
    expect(secretRows).not.toContain(VALUE);
    expect(secretRows).not.toContain(Buffer.from(VALUE).toString('base64'));
    // The server record keeps the reference, and nothing the run stored holds the value.
    expect(await rowsOf('mcp_servers')).toContain('{{secret:FIXTURE_TOKEN}}');
    for (const table of ['mcp_servers', 'messages', 'runs']) {
      expect(await rowsOf(table)).not.toContain(VALUE);
    }
  }, 30_000);

  it('redacts a value the MCP server echoes in a tool error', async () => {
    const stdio = stdioFixtureCommand();
    const serverId = await id(
      'mutation ($input: CreateMcpServerInput!) { createMcpServer(input: $input) { id } }',
      {
        name: 'leaky stdio',
        transport: 'STDIO',
        command: stdio.command,
        args: stdio.args,
        env: { FIXTURE_PREFIX: 's_', FIXTURE_TOKEN: '{{secret:FIXTURE_TOKEN}}' },
        allowedTools: ['s_leak'],
      },
    );
    const result = await run(
      await workflowWith([serverId]),
      '!tool s_leak {"name":"FIXTURE_TOKEN"}',
    );
    expect(result.tool?.toolStatus).toBe('FAILED');
    expect(String(result.tool?.result)).toContain('leak: the value is [secret:FIXTURE_TOKEN]');
    expect(JSON.stringify(result)).not.toContain(VALUE);
    expect(await rowsOf('messages')).not.toContain(VALUE);
  }, 30_000);

  it('sends a referenced header to an HTTP server, in runs and in testMcpServer', async () => {
    const serverId = await id(
      'mutation ($input: CreateMcpServerInput!) { createMcpServer(input: $input) { id } }',
      {
        name: 'http with a secret',
        transport: 'HTTP',
        url: http.url,
        headers: { authorization: 'Bearer {{secret:FIXTURE_TOKEN}}' },
        allowedTools: ['h_header'],
      },
    );
    const probe = await t.data<{ testMcpServer: { ok: boolean; tools: { name: string }[] } }>(
      'mutation ($id: ID!) { testMcpServer(id: $id) { ok tools { name } } }',
      { id: serverId },
    );
    expect(probe.testMcpServer).toEqual({ ok: true, tools: [{ name: 'h_header' }] });
    expect(http.headers.at(-1)?.authorization).toBe(`Bearer ${VALUE}`);

    const result = await run(
      await workflowWith([serverId]),
      '!tool h_header {"name":"authorization"}',
    );
    expect(result.tool).toMatchObject({
      toolStatus: 'SUCCEEDED',
      result: { name: 'authorization', value: 'Bearer [secret:FIXTURE_TOKEN]' },
    });
    expect(JSON.stringify(result)).not.toContain(VALUE);
  }, 30_000);

  it('rejects a reference to a secret that does not exist when the server is saved', async () => {
    const result = await t.gql(
      'mutation ($input: CreateMcpServerInput!) { createMcpServer(input: $input) { id } }',
      {
        input: {
          name: 'missing secret',
          transport: 'HTTP',
          url: http.url,
          headers: { authorization: 'Bearer {{secret:NOT_THERE}}' },
        },
      },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('"NOT_THERE"');
  });

  it('fails the run with SECRET_NOT_FOUND when a referenced secret was deleted since', async () => {
    const { createSecret } = await t.data<{ createSecret: { id: string } }>(
      'mutation ($input: CreateSecretInput!) { createSecret(input: $input) { id } }',
      { input: { name: 'SHORT_LIVED', value: 'gone-soon-value' } },
    );
    const serverId = await id(
      'mutation ($input: CreateMcpServerInput!) { createMcpServer(input: $input) { id } }',
      {
        name: 'needs a deleted secret',
        transport: 'HTTP',
        url: http.url,
        headers: { 'x-key': '{{secret:SHORT_LIVED}}' },
      },
    );
    const workflowId = await workflowWith([serverId]);
    await t.data('mutation ($id: ID!) { deleteSecret(id: $id) }', { id: createSecret.id });

    const result = await run(workflowId, 'hello');

    expect(result.run.status).toBe('FAILED');
    expect(result.run.error?.code).toBe('SECRET_NOT_FOUND');
    expect(result.run.error?.message).toContain('"SHORT_LIVED"');
    expect(JSON.stringify(result)).not.toContain('gone-soon-value');
  }, 30_000);
});
