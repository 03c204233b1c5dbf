import { gunzipSync } from 'node:zlib';
import { type OperationDefinitionNode, parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../schema/index.ts';
import { GRAPHIQL_EXAMPLE } from '../../server/graphiql.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

/**
 * GraphiQL from the gateway alone (server/graphiql.ts): no script, stylesheet or worker from
 * anywhere else, so it loads offline and behind proxies, and it opens on an Agentgate example
 * that runs. test/browser/graphiql.e2e.test.ts loads it in Chromium with the network cut off.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const BASE = 'http://agentgate.test';
const get = (path: string, headers: Record<string, string> = {}) =>
  t.app.fetch(`${BASE}${path}`, { headers });
const page = () => get('/graphql', { accept: 'text/html' });

/** Every URL the page loads: script sources, stylesheets, the icon. */
const referencesOf = (html: string) =>
  [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);

/** The options the page hands to GraphiQL. */
function optionsOf(html: string): { defaultTabs: { query: string; variables: string }[] } {
  const json = /<script type="application\/json" id="graphiql-options">(.*?)<\/script>/s.exec(html);
  return JSON.parse(json![1]!);
}

describe('GraphiQL', () => {
  it('is served to a browser with every script, stylesheet and icon from the gateway', async () => {
    const response = await page();
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    const references = referencesOf(html);
    expect(references.length).toBeGreaterThanOrEqual(4);
    for (const reference of references) expect(reference).toMatch(/^\/graphiql\/[\w.-]+$/);
    expect(html).not.toMatch(/https?:\/\//);
    // No inline script: only script elements with a source, and the options as JSON data.
    expect(html.match(/<script(?! src=| type="application\/json")/g)).toBeNull();
    const policy = response.headers.get('content-security-policy');
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("connect-src 'self';");
  });

  it('serves every asset the page and its start script name, none of them loading from elsewhere', async () => {
    const html = await (await page()).text();
    const start = await (await get('/graphiql/start.js')).text();
    const workers = ['editor', 'json', 'graphql'].map((name) => `/graphiql/${name}.worker.js`);
    expect(start).toContain(`"/graphiql" + '/' + `);
    expect(start).toContain(`'.worker.js'`);
    for (const path of [...referencesOf(html), ...workers]) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      const type = response.headers.get('content-type');
      const body = Buffer.from(await response.arrayBuffer());
      expect(body.length, path).toBeGreaterThan(path.endsWith('start.js') ? 100 : 10_000);
      if (type?.startsWith('text/')) expect(body.toString('utf8'), path).not.toContain('unpkg.com');
    }
  });

  it('lets browsers revalidate assets by ETag, and gzips them for browsers that accept it', async () => {
    const plain = await get('/graphiql/yoga-graphiql.js');
    const etag = plain.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(plain.headers.get('cache-control')).toBe('no-cache');
    const script = await plain.text();
    const again = await get('/graphiql/yoga-graphiql.js', { 'if-none-match': etag! });
    expect(again.status).toBe(304);
    const gzipped = await get('/graphiql/yoga-graphiql.js', { 'accept-encoding': 'gzip, br' });
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    const compressed = Buffer.from(await gzipped.arrayBuffer());
    expect(compressed.length).toBeLessThan(script.length / 2);
    expect(gunzipSync(compressed).toString('utf8')).toBe(script);
  });

  it('answers 404 for an asset it does not have', async () => {
    expect((await get('/graphiql/../server/app.ts')).status).toBe(404);
    expect((await get('/graphiql/nope.js')).status).toBe(404);
  });
});

describe("GraphiQL's example", () => {
  const operations = () =>
    parse(GRAPHIQL_EXAMPLE).definitions.map((d) => (d as OperationDefinitionNode).name?.value);

  it('is what the page opens with, with its variables', async () => {
    const [tab] = optionsOf(await (await page()).text()).defaultTabs;
    expect(tab?.query).toBe(GRAPHIQL_EXAMPLE);
    expect(Object.keys(JSON.parse(tab!.variables))).toEqual(['agentId', 'workflowId', 'runId']);
  });

  it('creates an agent, a workflow and a prompt, and watches the run, in valid operations', () => {
    expect(validate(schema, parse(GRAPHIQL_EXAMPLE))).toEqual([]);
    expect(operations()).toEqual(['CreateAgent', 'CreateWorkflow', 'SendPrompt', 'WatchRun']);
  });

  it('runs in order, to a run streamed word by word that succeeds', async () => {
    const post = (operationName: string, variables: Record<string, string>, accept: string) =>
      t.app.fetch(`${BASE}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        body: JSON.stringify({ query: GRAPHIQL_EXAMPLE, operationName, variables }),
      });
    const run = async <T>(operationName: string, variables: Record<string, string> = {}) =>
      ((await (await post(operationName, variables, 'application/json')).json()) as { data: T })
        .data;
    const { createAgent } = await run<{ createAgent: { id: string } }>('CreateAgent');
    const { createWorkflow } = await run<{ createWorkflow: { id: string } }>('CreateWorkflow', {
      agentId: createAgent.id,
    });
    const { sendPrompt } = await run<{ sendPrompt: { id: string; status: string } }>('SendPrompt', {
      workflowId: createWorkflow.id,
    });
    expect(sendPrompt.status).toBe('QUEUED');
    const watch = await post('WatchRun', { runId: sendPrompt.id }, 'text/event-stream');
    const stream = await watch.text();
    const events = [...stream.matchAll(/^data: (\{.*\})$/gm)].map(
      (m) =>
        (JSON.parse(m[1]!) as { data: { runEvents: { delta?: string; status?: string } } }).data
          .runEvents,
    );
    expect(events.map((e) => e.delta ?? '').join('')).toBe('echo: hello from GraphiQL');
    expect(events.at(-1)?.status).toBe('SUCCEEDED');
  });
});

describe('GraphiQL switched off (GRAPHIQL=false)', () => {
  it('serves neither the page nor its assets', async () => {
    const off = await createTestApp({ worker: false, protection: { graphiql: false } });
    try {
      const html = await off.app.fetch(`${BASE}/graphql`, { headers: { accept: 'text/html' } });
      expect(await html.text()).not.toContain('GraphiQL');
      expect((await off.app.fetch(`${BASE}/graphiql/start.js`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
