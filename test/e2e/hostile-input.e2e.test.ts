import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../shared/domain/api-tokens.ts';
import { freePorts, type ManagedProcess, startProcess } from './support/processes.ts';

/**
 * A real gateway process (`npm start`'s entry, with a bootstrap token so auth is on) under
 * malformed and hostile requests. Each must get an error, the process must stay up and answer
 * the next normal request, and nothing may be written.
 */

const token = generateToken();
const dataDir = mkdtempSync(join(tmpdir(), 'agentgate-hostile-'));
let gateway: ManagedProcess;
let port: number;

interface Answer {
  status: number;
  text: string;
}

/** One raw HTTP request (node:http, so bodies and headers go out exactly as given). */
function send(
  options: { method?: string; path?: string; headers?: Record<string, string> },
  body?: string | Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path ?? '/graphql',
        headers: options.headers ?? {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error('no answer within 20 s')));
    req.end(body);
  });
}

const AUTH = { authorization: `Bearer ${token}` };
const JSON_HEADERS = { 'content-type': 'application/json', ...AUTH };
const post = (payload: unknown, headers: Record<string, string> = JSON_HEADERS) =>
  send({ headers }, typeof payload === 'string' ? payload : JSON.stringify(payload));

/** The normal request every hostile one is followed by. */
async function expectHealthy() {
  expect(gateway.isRunning()).toBe(true);
  const answer = await post({ query: '{ agents(first: 5) { edges { node { id } } } }' });
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.text)).toEqual({ data: { agents: { edges: [] } } });
}

/** An error answer: an HTTP error status, or GraphQL errors with a code and no data. */
function expectRefused(answer: Answer) {
  // Status 0: Node's HTTP parser answered (431) and closed before the request was fully sent.
  if (answer.status === 0 || (answer.status >= 400 && !answer.text.startsWith('{'))) return;
  type Result = { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  const parsed = JSON.parse(answer.text) as Result | Result[];
  // A batch is answered per operation: every one of them must be refused.
  if (Array.isArray(parsed)) {
    for (const item of parsed) expectRefused({ status: answer.status, text: JSON.stringify(item) });
    expect(parsed.length).toBeGreaterThan(0);
    return;
  }
  const body = parsed;
  expect(body.errors?.length).toBeGreaterThan(0);
  for (const error of body.errors ?? []) {
    expect(['BAD_USER_INPUT', 'UNAUTHENTICATED', 'NOT_FOUND', 'RATE_LIMITED']).toContain(
      error.extensions?.code,
    );
  }
  expect(body.data ?? null).toBeNull();
  expect(answer.text).not.toMatch(/stack|at \w+ \(|node_modules/);
}

const nested = (levels: number) => {
  let inner = 'id';
  for (let i = 0; i < levels; i++) inner = `workflow { runs { edges { node { ${inner} } } } }`;
  return `{ run(id: "x") { ${inner} } }`;
};
const createAgent = 'mutation ($input: CreateAgentInput!) { createAgent(input: $input) { id } }';
const sendPrompt = 'mutation ($input: SendPromptInput!) { sendPrompt(input: $input) { id } }';
const agentInput = { name: 'n', systemPrompt: 's', model: 'demo:echo' };

const HOSTILE: [string, () => Promise<Answer>][] = [
  ['a selection nested 200 levels deep', () => post({ query: nested(200) })],
  ['100,000 opening braces', () => post({ query: '{'.repeat(100_000) })],
  ['JSON nested 300,000 arrays deep', () => post(`${'['.repeat(300_000)}${']'.repeat(300_000)}`)],
  [
    'variables nested 50,000 objects deep',
    () =>
      post(
        `{"query":"{ __typename }","variables":{"v":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}}`,
      ),
  ],
  [
    'a 5 MB prompt (over the body limit)',
    () =>
      post({
        query: sendPrompt,
        variables: { input: { workflowId: 'w', prompt: 'x'.repeat(5_000_000) } },
      }),
  ],
  [
    'a 200,000-character prompt (over the prompt limit)',
    () =>
      post({
        query: sendPrompt,
        variables: { input: { workflowId: 'w', prompt: 'x'.repeat(200_000) } },
      }),
  ],
  [
    'a list of 100,000 strings where a string belongs',
    () =>
      post({
        query: createAgent,
        variables: { input: { ...agentInput, name: Array.from({ length: 100_000 }, () => 'x') } },
      }),
  ],
  [
    'a literal list of 50,000 ids',
    () => post({ query: `{ agent(id: [${'"x",'.repeat(50_000)}]) { id } }` }),
  ],
  [
    'invalid UTF-8 in the body',
    () =>
      post(
        Buffer.concat([
          Buffer.from('{"query":"mutation { createAgent(input: {name: \\"'),
          Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
          Buffer.from('\\", systemPrompt: \\"s\\", model: \\"demo:echo\\"}) { id } }"}'),
        ]),
      ),
  ],
  [
    'a lone surrogate and a NUL in a name',
    () =>
      post(
        `{"query":${JSON.stringify(createAgent)},"variables":{"input":{"name":"\\ud800\\u0000","systemPrompt":"s","model":"demo:echo"}}}`,
      ),
  ],
  [
    'text/plain',
    () => post({ query: '{ __typename }' }, { 'content-type': 'text/plain', ...AUTH }),
  ],
  ['application/xml', () => post('<query/>', { 'content-type': 'application/xml', ...AUTH })],
  [
    'multipart/form-data without a boundary',
    () => post('--x\r\n', { 'content-type': 'multipart/form-data', ...AUTH }),
  ],
  ['no Content-Type', () => post({ query: '{ __typename }' }, { ...AUTH })],
  [
    'a form post (a cross-site request)',
    () =>
      post(`query=${encodeURIComponent('mutation { deleteAgent(id: "x") }')}`, {
        'content-type': 'application/x-www-form-urlencoded',
        ...AUTH,
      }),
  ],
  ['truncated JSON', () => post('{"query": "{ __typename ')],
  ['JSON null', () => post('null')],
  ['a JSON string', () => post('"{ __typename }"')],
  ['a JSON number', () => post('123')],
  ['a query that is a number', () => post({ query: 5 })],
  ['variables that are a string', () => post({ query: '{ __typename }', variables: 'x' })],
  [
    '3,000 aliases',
    () =>
      post({
        query: `{ ${Array.from({ length: 3_000 }, (_, i) => `a${i}: agents { edges { cursor } }`).join(' ')} }`,
      }),
  ],
  [
    '1,000 batched operations',
    () => post(Array.from({ length: 1_000 }, () => ({ query: '{ __typename }' }))),
  ],
  [
    'an unknown operation name',
    () => post({ query: 'query A { __typename }', operationName: 'B' }),
  ],
  ['an unknown field', () => post({ query: '{ dropAllTables }' })],
  ['an unknown mutation', () => post({ query: 'mutation { deleteEverything }' })],
  ['an unknown subscription', () => post({ query: 'subscription { everything }' })],
  [
    'a mutation over GET',
    () =>
      send({
        method: 'GET',
        path: `/graphql?query=${encodeURIComponent(`mutation { createAgent(input: {name: "n", systemPrompt: "s", model: "demo:echo"}) { id } }`)}`,
        headers: AUTH,
      }),
  ],
  ['PUT', () => send({ method: 'PUT', headers: JSON_HEADERS }, '{"query":"{ __typename }"}')],
  [
    'a 64 KB header',
    () =>
      post({ query: '{ __typename }' }, { ...JSON_HEADERS, 'x-junk': 'j'.repeat(65_536) }).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') throw error;
          return { status: 0, text: '' };
        },
      ),
  ],
  [
    'no token',
    () =>
      post(
        { query: createAgent, variables: { input: agentInput } },
        { 'content-type': 'application/json' },
      ),
  ],
  [
    'a forged token',
    () =>
      post(
        { query: createAgent, variables: { input: agentInput } },
        { 'content-type': 'application/json', authorization: `Bearer ${generateToken()}` },
      ),
  ],
  [
    'an 8 KB bearer value',
    () =>
      post(
        { query: '{ __typename }' },
        { 'content-type': 'application/json', authorization: `Bearer ${'a'.repeat(8_192)}` },
      ),
  ],
  [
    'a subscription to an object that does not exist',
    () =>
      post(
        { query: 'subscription { runEvents(runId: "01JUNK") { id } }' },
        { ...JSON_HEADERS, accept: 'text/event-stream' },
      ).then((answer) => ({
        status: answer.status,
        // The error travels in the stream: its `next` event is the JSON to check.
        text: /data: (\{.*\})/.exec(answer.text)?.[1] ?? answer.text,
      })),
  ],
];

beforeAll(async () => {
  [port] = (await freePorts(1)) as [number];
  gateway = startProcess('gateway under attack', 'server/embedded.ts', {
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    AGENTGATE_BOOTSTRAP_TOKEN: token,
    AGENTGATE_BOOTSTRAP_TENANT: 'target',
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (!gateway.isRunning() || Date.now() > deadline) {
      throw new Error(`the gateway did not become ready:\n${gateway.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 40_000);

afterAll(async () => {
  await gateway?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a running gateway under hostile requests', () => {
  it.each(HOSTILE)('refuses %s, stays up and answers the next request', async (_, attack) => {
    expectRefused(await attack());
    await expectHealthy();
  });

  it('wrote nothing and logged no unexpected error', async () => {
    const answer = await post({
      query: '{ agents { edges { node { id } } } workflows { edges { node { id } } } }',
    });
    expect(JSON.parse(answer.text)).toEqual({
      data: { agents: { edges: [] }, workflows: { edges: [] } },
    });
    expect(gateway.output()).not.toMatch(/"level":(50|60)|unexpected error/);
  });
});

describe('starting where tokens are required', () => {
  it('refuses to start bound to every address without tokens, and says how to add one', async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'agentgate-refuse-'));
    try {
      const [freePort] = (await freePorts(1)) as [number];
      const refused = startProcess('exposed gateway', 'server/embedded.ts', {
        DATA_DIR: emptyDir,
        HOST: '0.0.0.0',
        PORT: String(freePort),
        LOG_LEVEL: 'warn',
      });
      const exit = await refused.exited;
      expect(exit.code).toBe(1);
      expect(refused.output()).toMatch(/Refusing to start without API tokens/);
      expect(refused.output()).toMatch(/npm run token -- create --tenant/);
      expect(refused.output()).toMatch(/AGENTGATE_BOOTSTRAP_TOKEN/);
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
  }, 30_000);
});
