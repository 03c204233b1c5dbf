import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateToken } from '../../shared/domain/api-tokens.ts';
import { MAX_MODEL_CHARS } from '../../shared/domain/types.ts';
import { parsePrometheus } from '../support/prometheus.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import {
  type Cluster,
  DEFAULT_TEST_REDIS_URL,
  freePorts,
  isReady,
  type ManagedProcess,
  startCluster,
  startProcess,
  waitUntil,
} from './support/processes.ts';

/**
 * The attacks of issue #12 (items 4 and 6) replayed against real processes, each of which must
 * now fail: a distributed gateway and worker with METRICS_TOKEN behind one trusted proxy hop
 * (TRUST_PROXY_HOPS=1, X-Forwarded-For written by the test as nginx would), a second gateway whose
 * Redis goes away, and an embedded process on a data directory left world-writable.
 */

const START_TIMEOUT_MS = 90_000;
const metricsToken = generateToken();
const redisUrl = process.env.TEST_REDIS_URL ?? DEFAULT_TEST_REDIS_URL;

let cluster: Cluster;
let gateway: string;
let metricsUrl: string;
let token: string;

let redisProxy: TcpProxy;
let cutOff: ManagedProcess;
let cutOffUrl: string;

const dataDir = mkdtempSync(join(tmpdir(), 'agentgate-hardening-'));
let embedded: ManagedProcess;
let embeddedPort: number;

beforeAll(async () => {
  // A data directory as an older version left it: PGlite's own modes (0666 files), the
  // directory world-writable, a world-readable file beside the database.
  const previous = new PGlite(dataDir);
  await previous.query('select 1');
  await previous.close();
  chmodSync(dataDir, 0o777);
  writeFileSync(join(dataDir, 'left-over.txt'), 'a prompt', { mode: 0o666 });
  chmodSync(join(dataDir, 'left-over.txt'), 0o666);

  const [port, cutOffPort, cutOffMetrics] = (await freePorts(3)) as [number, number, number];
  embeddedPort = port;
  redisProxy = await startTcpProxy([{ host: '127.0.0.1', port: Number(new URL(redisUrl).port) }]);

  const startEmbedded = async () => {
    embedded = startProcess('embedded', 'server/embedded.ts', {
      DATA_DIR: dataDir,
      PORT: String(embeddedPort),
      LOG_LEVEL: 'warn',
    });
    await waitUntil(
      'the embedded process to be ready',
      () => isReady(`http://127.0.0.1:${embeddedPort}`),
      [embedded],
      Date.now() + START_TIMEOUT_MS,
    );
  };
  const startClusterAndCutOff = async () => {
    cluster = await startCluster({
      gateways: 1,
      workers: 1,
      workerConcurrency: 1,
      startTimeoutMs: START_TIMEOUT_MS,
      env: { METRICS_TOKEN: metricsToken, TRUST_PROXY_HOPS: '1' },
    });
    gateway = cluster.gateways[0]!.url;
    metricsUrl = cluster.gatewayMetricsUrls[0]!;
    token = cluster.token;
    // Same deployment, but its Redis is reached through a proxy the test can take away.
    cutOff = startProcess('gateway without Redis', 'server/main.ts', {
      REDIS_URL: redisProxy.url.replace(/^http:/, 'redis:'),
      REDIS_PREFIX: cluster.redisPrefix,
      DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
      DATABASE_SCHEMA: cluster.databaseSchema,
      AGENTGATE_BOOTSTRAP_TOKEN: token,
      HOST: '127.0.0.1',
      PORT: String(cutOffPort),
      METRICS_PORT: String(cutOffMetrics),
      LOG_LEVEL: 'warn',
    });
    cutOffUrl = `http://127.0.0.1:${cutOffPort}`;
    await waitUntil(
      'the second gateway to be ready',
      () => isReady(cutOffUrl),
      [cutOff],
      Date.now() + START_TIMEOUT_MS,
    );
  };
  await Promise.all([startEmbedded(), startClusterAndCutOff()]);
}, 2 * START_TIMEOUT_MS);

afterAll(async () => {
  await Promise.allSettled([embedded?.stop(), cutOff?.stop()]);
  await redisProxy?.close();
  await cluster?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    console.error(
      `${cluster?.logs()}\n----- ${cutOff?.name} -----\n${cutOff?.output()}\n----- embedded -----\n${embedded?.output()}`,
    );
  });
});

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** A GraphQL POST to `base`, with extra headers (an Authorization, an X-Forwarded-For …). */
async function postGraphql(
  base: string,
  body: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${token}` },
): Promise<Answer> {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const codeOf = (answer: Answer) =>
  (JSON.parse(answer.text) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]
    ?.extensions?.code;

async function metricsText(base = metricsUrl, secret = metricsToken): Promise<string> {
  const response = await fetch(`${base}/metrics`, {
    headers: { authorization: `Bearer ${secret}` },
  });
  expect(response.status).toBe(200);
  return response.text();
}

describe('the metrics label flood (item 4)', () => {
  it('adds no series for 200,000-character operation names, and shows no operation name', async () => {
    const query = (name: string) => ({
      query: `query ${name} { agents(first: 1) { edges { cursor } } }`,
    });
    await postGraphql(gateway, query('Warm'));
    const before = await metricsText();
    for (let i = 0; i < 6; i++) {
      const answer = await postGraphql(gateway, query(`Flood${i}${'x'.repeat(200_000)}`));
      expect(answer.status).toBe(200);
    }
    const after = await metricsText();
    expect(after).not.toContain('Flood');
    expect(after).not.toContain('Warm');
    expect(after).not.toMatch(/operationName=/);
    const keys = (text: string) =>
      new Set(parsePrometheus(text).map((s) => `${s.name}${JSON.stringify(s.labels)}`));
    const existing = keys(before);
    expect([...keys(after)].filter((key) => !existing.has(key))).toEqual([]);
    // The report: 103 MB after six requests. Here: the same series with larger counts.
    expect(after.length - before.length).toBeLessThan(5_000);
  });

  it('serves /metrics on METRICS_PORT to the bearer token only, and not on the public port', async () => {
    const publicPort = await fetch(`${gateway}/metrics`);
    expect(publicPort.status).toBe(404);
    expect(await publicPort.text()).toMatch(/METRICS_PORT/);
    for (const base of [metricsUrl, cluster.workers[0]!.metricsUrl]) {
      const anonymous = await fetch(`${base}/metrics`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.text()).not.toMatch(/agentgate_|process_/);
      const forged = await fetch(`${base}/metrics`, {
        headers: { authorization: `Bearer ${generateToken()}` },
      });
      expect(forged.status).toBe(401);
      expect(await metricsText(base)).toMatch(/agentgate_runs_total|agentgate_worker_slots/);
    }
  });

  it('refuses a 100 KB model id without storing or quoting it', async () => {
    const model = `demo:${'m'.repeat(100_000)}`;
    const answer = await postGraphql(gateway, {
      query: 'mutation ($input: CreateAgentInput!) { createAgent(input: $input) { id } }',
      variables: { input: { name: 'long model', systemPrompt: 's', model } },
    });
    expect(codeOf(answer)).toBe('BAD_USER_INPUT');
    expect(answer.text).toContain(`the limit is ${MAX_MODEL_CHARS}`);
    expect(answer.text.length).toBeLessThan(1_000);
    const listed = await postGraphql(gateway, { query: '{ agents { edges { node { name } } } }' });
    expect(listed.text).not.toContain('long model');
  });
});

describe('failed authentication (item 6)', () => {
  it('answers a burst of bad tokens from one address with RATE_LIMITED, another address still works', async () => {
    const from = (address: string, secret: string) =>
      postGraphql(
        gateway,
        { query: '{ agents(first: 1) { edges { cursor } } }' },
        { authorization: `Bearer ${secret}`, 'x-forwarded-for': address },
      );
    const answers: Answer[] = [];
    for (let i = 0; i < 40; i++) answers.push(await from('203.0.113.50', generateToken()));
    const codes = answers.map(codeOf);
    expect(codes.slice(0, 30)).toEqual(Array(30).fill('UNAUTHENTICATED'));
    expect(codes.slice(30)).toEqual(Array(10).fill('RATE_LIMITED'));
    const limited = answers.at(-1)!;
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    // A client-written entry to the left of the proxy's does not change the address.
    expect(codeOf(await from('198.51.100.99, 203.0.113.50', token))).toBe('RATE_LIMITED');
    const other = await from('203.0.113.51', token);
    expect(other.status).toBe(200);
    expect(JSON.parse(other.text)).toMatchObject({ data: { agents: { edges: [] } } });
  });
});

describe('validation errors (item 6)', () => {
  it('do not echo a secret from an invalid input object, but keep the path and reason', async () => {
    const secret = `sk-live-${generateToken()}`;
    const answer = await postGraphql(gateway, {
      query: 'mutation ($input: CreateAgentInput!) { createAgent(input: $input) { id } }',
      variables: { input: { name: 'n', systemPrompt: `Use the key ${secret}.`, model: 42 } },
    });
    expect(answer.text).not.toContain(secret);
    expect(answer.text).not.toContain('Use the key');
    expect(JSON.parse(answer.text)).toMatchObject({
      errors: [
        {
          message:
            'Variable "$input" got an invalid value at "input.model"; String cannot represent a non string value.',
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
  });
});

describe('readiness (item 6)', () => {
  it('says which service is down when Redis goes away, and nothing about why', async () => {
    await redisProxy.close();
    redisProxy.severAll();
    let body = '';
    await waitUntil(
      'the second gateway to report Redis down',
      async () => {
        const response = await fetch(`${cutOffUrl}/readyz`);
        body = await response.text();
        return response.status === 503;
      },
      [cutOff],
      Date.now() + 20_000,
    );
    const parsed = JSON.parse(body) as { status: string; checks: Record<string, string> };
    expect(parsed).toEqual({
      status: 'unavailable',
      checks: { store: 'ok', queue: 'unavailable', events: 'unavailable' },
    });
    expect(body).not.toMatch(/127\.0\.0\.1|ECONN|redis:|no answer|Error/i);
    // The reason goes to the log only (written after the answer, among Redis' own errors).
    await waitUntil(
      'the reason in the gateway log',
      async () => /not ready/.test(cutOff.output()),
      [cutOff],
      Date.now() + 10_000,
    );
  });
});

describe('the embedded data directory (item 6)', () => {
  it('is private, with every file in it, after a start on a world-writable one', async () => {
    const created = await postGraphql(
      `http://127.0.0.1:${embeddedPort}`,
      {
        query:
          'mutation { createAgent(input: { name: "a", systemPrompt: "s", model: "demo:echo" }) { id } }',
      },
      {},
    );
    expect(created.status).toBe(200);
    const open: string[] = [];
    let files = 0;
    const pending = [dataDir];
    for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) continue;
      files += 1;
      if ((stat.mode & 0o077) !== 0) open.push(`${path} ${(stat.mode & 0o777).toString(8)}`);
      if (stat.isDirectory())
        for (const entry of readdirSync(path)) pending.push(join(path, entry));
    }
    expect(open).toEqual([]);
    // PGlite's cluster (about a thousand files, most written 0666), the left-over file, the key.
    expect(files).toBeGreaterThan(500);
    expect(lstatSync(join(dataDir, 'secrets.key')).mode & 0o777).toBe(0o600);
  });

  it('serves /metrics of the single-user setup to localhost only', async () => {
    const get = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port: embeddedPort, path: '/metrics', headers: { host } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
    expect(await get(`127.0.0.1:${embeddedPort}`)).toBe(200);
    expect(await get(`localhost:${embeddedPort}`)).toBe(200);
    expect(await get('rebound.attacker.example')).toBe(404);
  });
});
