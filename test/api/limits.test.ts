import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/ids.ts';
import { createDemoWorkflow, createTestApp, type TestApp } from '../support/test-app.ts';

const URL = 'http://agentgate.test/graphql';

interface Answer {
  status: number;
  headers: Headers;
  body: {
    data?: unknown;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  } | null;
}

async function send(t: TestApp, init: RequestInit & { headers?: Record<string, string> }) {
  const response = await t.app.fetch(URL, { method: 'POST', ...init });
  const text = await response.text();
  let body: Answer['body'] = null;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, body } satisfies Answer;
}

const json = (t: TestApp, payload: unknown, headers: Record<string, string> = {}) =>
  send(t, {
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(payload),
  });

const codesOf = (answer: Answer) => answer.body?.errors?.map((e) => e.extensions?.code);

/** Fields nested `levels` deep: `{ workflows { edges { node { runs { edges { node …` */
function deepQuery(levels: number): string {
  let inner = 'id';
  for (let i = 0; i < levels; i++) {
    inner = `workflow { runs { edges { node { ${inner} } } } }`;
  }
  return `query ($id: ID!) { run(id: $id) { ${inner} } }`;
}

describe('query limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      worker: false,
      protection: { maxDepth: 6, maxCost: 60, maxAliases: 3, maxTokens: 200 },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a query nested deeper than MAX_QUERY_DEPTH with BAD_USER_INPUT', async () => {
    expect(codesOf(await json(t, { query: deepQuery(1), variables: { id: 'x' } }))).toBeUndefined();
    const answer = await json(t, { query: deepQuery(3), variables: { id: 'x' } });
    expect(codesOf(answer)).toEqual(['BAD_USER_INPUT']);
    expect(answer.body?.errors?.[0]?.message).toMatch(/depth limit of 6/);
    expect(answer.body?.data).toBeUndefined();
  });

  it('refuses a query costing more than MAX_QUERY_COST', async () => {
    const fields = 'id name systemPrompt model description createdAt updatedAt';
    // Five levels deep, under the depth limit, but wide: cost about 100.
    const query = `{ agents { edges { node { ${fields} } } } workflows { edges { node { id title model maxTurns createdAt agent { ${fields} } } } } }`;
    const answer = await json(t, { query });
    expect(codesOf(answer)).toEqual(['BAD_USER_INPUT']);
    expect(answer.body?.errors?.[0]?.message).toMatch(/Cost limit of 60/);
  });

  it('refuses more aliases than MAX_ALIASES', async () => {
    const ok = await json(t, { query: '{ a: __typename b: __typename c: __typename }' });
    expect(ok.body).toEqual({ data: { a: 'Query', b: 'Query', c: 'Query' } });
    const answer = await json(t, {
      query: '{ a: __typename b: __typename c: __typename d: __typename }',
    });
    expect(codesOf(answer)).toEqual(['BAD_USER_INPUT']);
    expect(answer.body?.errors?.[0]?.message).toMatch(/Aliases limit of 3/);
  });

  it('refuses a document of more than MAX_QUERY_TOKENS tokens before parsing it all', async () => {
    const answer = await json(t, { query: `{ ${'__typename '.repeat(500)} }` });
    expect(codesOf(answer)).toEqual(['BAD_USER_INPUT']);
    expect(answer.body?.errors?.[0]?.message).toMatch(/Token limit of 200/);
  });
});

describe('request limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      worker: false,
      limits: { maxPromptChars: 100 },
      protection: { maxBatchOperations: 2, maxBodyBytes: 4_096 },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('runs batches of up to MAX_BATCH_OPERATIONS operations and refuses larger ones', async () => {
    const op = { query: '{ __typename }' };
    const ok = await json(t, [op, op]);
    expect(ok.body).toEqual([{ data: { __typename: 'Query' } }, { data: { __typename: 'Query' } }]);
    const answer = await json(t, [op, op, op]);
    expect(codesOf(answer)).toEqual(['BAD_USER_INPUT']);
    expect(answer.body?.errors?.[0]?.message).toMatch(/limited to 2 operations/);
  });

  it('refuses a body larger than MAX_BODY_BYTES with 413, also without Content-Length', async () => {
    const big = { query: '{ __typename }', variables: { pad: 'x'.repeat(5_000) } };
    const declared = await json(t, big);
    expect(declared.status).toBe(413);
    expect(codesOf(declared)).toEqual(['BAD_USER_INPUT']);

    const chunks = new TextEncoder().encode(JSON.stringify(big));
    const streamed = await send(t, {
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < chunks.length; i += 1_000)
            controller.enqueue(chunks.slice(i, i + 1_000));
          controller.close();
        },
      }),
      // @ts-expect-error Node's fetch needs duplex for a streamed body
      duplex: 'half',
    });
    expect(streamed.status).toBe(413);
    expect(codesOf(streamed)).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses a prompt longer than MAX_PROMPT_CHARS and stores no run', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const answer = await json(t, {
      query: 'mutation ($input: SendPromptInput!) { sendPrompt(input: $input) { id } }',
      variables: { input: { workflowId, prompt: 'p'.repeat(101) } },
    });
    expect(codesOf(answer)).toEqual(['BAD_USER_INPUT']);
    expect(answer.body?.errors?.[0]?.message).toMatch(/limit is 100/);
    const { workflow } = await t.data<{ workflow: { runs: { edges: unknown[] } } }>(
      'query ($id: ID!) { workflow(id: $id) { runs { edges { cursor } } } }',
      { id: workflowId },
    );
    expect(workflow.runs.edges).toEqual([]);
  });

  it('refuses the NUL character in variables and in string literals', async () => {
    const mutation = 'mutation ($input: CreateAgentInput!) { createAgent(input: $input) { id } }';
    const input = { name: 'nul\u0000name', systemPrompt: 's', model: 'demo:echo' };
    expect(codesOf(await json(t, { query: mutation, variables: { input } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(codesOf(await json(t, { query: '{ agent(id: "a\\u0000b") { id } }' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('gives malformed requests BAD_USER_INPUT and no internals', async () => {
    const syntax = await json(t, { query: '{ agents {' });
    expect(codesOf(syntax)).toEqual(['BAD_USER_INPUT']);
    const broken = await send(t, {
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(codesOf(broken)).toEqual(['BAD_USER_INPUT']);
    expect(JSON.stringify(broken.body)).not.toMatch(/originalError|SyntaxError/);
    const unsupported = await send(t, {
      headers: { 'content-type': 'application/xml' },
      body: '<q/>',
    });
    expect(unsupported.status).toBe(415);
    expect(codesOf(unsupported)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('budgets per token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      auth: true,
      worker: false,
      protection: { ratePerMinute: 3 },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers operations beyond RATE_LIMIT_PER_MINUTE with RATE_LIMITED, 429 and Retry-After', async () => {
    const busy = await t.createToken(`rate-${newId()}`);
    const calm = await t.createToken(`rate-${newId()}`);
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    for (let i = 0; i < 3; i++) {
      expect((await json(t, { query: '{ __typename }' }, auth(busy))).status).toBe(200);
    }
    const limited = await json(t, { query: '{ __typename }' }, auth(busy));
    expect(limited.status).toBe(429);
    expect(codesOf(limited)).toEqual(['RATE_LIMITED']);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json(t, { query: '{ __typename }' }, auth(calm))).status).toBe(200);
  });
});

/** A client that has started reading an event stream disconnects. */
async function leave(response: Response) {
  const reader = response.body!.getReader();
  await reader.read();
  await reader.cancel();
}

describe('subscriptions per token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      auth: true,
      worker: false,
      protection: { maxSubscriptionsPerToken: 2 },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('allows MAX_SUBSCRIPTIONS_PER_TOKEN open subscriptions, and another once one closes', async () => {
    const token = await t.createToken(`subs-${newId()}`);
    const other = await t.createToken(`subs-${newId()}`);
    const client = t.as(token);
    const { createAgent } = await client.data<{ createAgent: { id: string } }>(
      'mutation { createAgent(input: {name: "a", systemPrompt: "s", model: "demo:echo"}) { id } }',
    );
    const { createWorkflow } = await client.data<{ createWorkflow: { id: string } }>(
      'mutation ($a: ID!) { createWorkflow(input: {agentId: $a}) { id } }',
      { a: createAgent.id },
    );
    const open = (as: string) =>
      t.app.fetch(URL, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          authorization: `Bearer ${as}`,
        },
        body: JSON.stringify({
          query: 'subscription ($id: ID!) { workflowEvents(workflowId: $id) { id } }',
          variables: { id: createWorkflow.id },
        }),
      });

    // The gateway answers once the subscription is attached: these two are streaming.
    const first = await open(token);
    const second = await open(token);
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await open(token);
    expect(third.status).toBe(429);
    expect(await third.text()).toContain('RATE_LIMITED');
    // Another token's budget is its own (it sees NOT_FOUND: the workflow is not its tenant's).
    const theirs = await open(other);
    expect(theirs.status).toBe(200);
    expect(await theirs.text()).toContain('NOT_FOUND');

    // The first client reads its stream's first bytes, then goes away: its slot is free again.
    await leave(first);
    const fourth = await open(token);
    expect(fourth.status).toBe(200);
    await leave(fourth);
    await leave(second);
  });
});

describe('browser protections and switches', () => {
  let t: TestApp;
  let open: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      worker: false,
      protection: {
        graphiql: false,
        introspection: false,
        corsOrigins: ['https://console.example.com'],
      },
    });
    open = await createTestApp({ worker: false });
  });
  afterAll(async () => {
    await t.close();
    await open.close();
  });

  it('refuses a form post or text/plain POST (a cross-site request) without the CSRF header', async () => {
    for (const contentType of [
      'application/x-www-form-urlencoded',
      'text/plain',
      'multipart/form-data',
    ]) {
      const answer = await send(open, {
        headers: { 'content-type': contentType },
        body: 'query=mutation%7BdeleteAgent(id%3A%22x%22)%7D',
      });
      expect(answer.status).toBe(403);
      expect(codesOf(answer)).toEqual(['BAD_USER_INPUT']);
      expect(answer.body?.errors?.[0]?.message).toMatch(/x-graphql-yoga-csrf/);
    }
    const withHeader = await send(open, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-graphql-yoga-csrf': '1' },
      body: 'query=%7B__typename%7D',
    });
    expect(withHeader.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('still answers GET queries and JSON POSTs without any extra header', async () => {
    const get = await open.app.fetch(`${URL}?query=${encodeURIComponent('{ __typename }')}`);
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
    expect((await json(open, { query: '{ __typename }' })).status).toBe(200);
  });

  it('sends CORS headers only to configured origins, and none by default', async () => {
    const preflight = (app: TestApp, origin: string) =>
      app.app.fetch(URL, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, authorization',
        },
      });
    const allowed = await preflight(t, 'https://console.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
    const other = await preflight(t, 'https://evil.example.com');
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example.com');
    const byDefault = await preflight(open, 'https://evil.example.com');
    expect(byDefault.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('switches off introspection and GraphiQL', async () => {
    const introspection = await json(t, { query: '{ __schema { types { name } } }' });
    expect(new Set(codesOf(introspection))).toEqual(new Set(['BAD_USER_INPUT']));
    expect(introspection.body?.errors?.[0]?.message).toMatch(/introspection/i);
    expect((await json(t, { query: '{ __typename }' })).body).toEqual({
      data: { __typename: 'Query' },
    });
    const page = await t.app.fetch(URL, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('GraphiQL');
    const served = await open.app.fetch(URL, { headers: { accept: 'text/html' } });
    expect(await served.text()).toContain('GraphiQL');
  });
});
