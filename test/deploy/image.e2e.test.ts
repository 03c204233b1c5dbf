import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../shared/domain/api-tokens.ts';
import {
  DEFAULT_TEST_DATABASE_URL,
  DEFAULT_TEST_REDIS_URL,
  freePorts,
  type ManagedProcess,
  startProcess,
} from '../e2e/support/processes.ts';
import { scrape, sumOf } from '../support/prometheus.ts';
import { REPO_ROOT } from './support/helm.ts';

/**
 * The image's contents without a container engine: deploy/Dockerfile's build step
 * (`tsc -p tsconfig.build.json`) compiled here, its output run by plain node — no TypeScript at
 * run time — as a gateway and a worker on Redis and PostgreSQL, and only production
 * dependencies imported by it. The Dockerfile itself is read for its stages and user.
 */

const run = promisify(execFile);
const BUILD_TIMEOUT_MS = 120_000;
const OUT_DIR = join(
  REPO_ROOT,
  'node_modules/.cache/agentgate-build',
  randomBytes(4).toString('hex'),
);
const redisUrl = process.env.TEST_REDIS_URL ?? DEFAULT_TEST_REDIS_URL;
const databaseUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
const suffix = randomBytes(4).toString('hex');
const TOKEN = generateToken();

const processes: ManagedProcess[] = [];

beforeAll(async () => {
  await mkdir(OUT_DIR, { recursive: true });
  await run(
    process.execPath,
    [
      join(REPO_ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      OUT_DIR,
      // `npm test` type-checks already (tsc --noEmit); here only the emitted JavaScript matters.
      '--noCheck',
    ],
    { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 },
  ).catch((error: { stdout?: string; message: string }) => {
    throw new Error(`npm run build failed:\n${error.stdout ?? error.message}`);
  });
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await rm(OUT_DIR, { recursive: true, force: true });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "image_${suffix}" CASCADE`);
  await client.end();
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `test-image-${suffix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}, 30_000);

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => join(e.parentPath, e.name));
}

describe('the compiled output the image runs', () => {
  it('imports no TypeScript, and of the packages only production dependencies', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const builtins = new Set(builtinModules);
    const imported = new Set<string>();
    for (const file of await filesUnder(OUT_DIR)) {
      const source = await readFile(file, 'utf8');
      for (const [, specifier] of source.matchAll(
        /(?<![.\w])(?:from|import)\s*\(?\s*["']([^"']+)["']/g,
      )) {
        expect(specifier, relative(OUT_DIR, file)).not.toMatch(/\.ts$/);
        if (specifier!.startsWith('.') || specifier!.startsWith('node:')) continue;
        const parts = specifier!.split('/');
        const name = specifier!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
        if (!builtins.has(name)) imported.add(name);
      }
    }
    const notProduction = [...imported].filter((name) => !(name in pkg.dependencies));
    expect(notProduction).toEqual([]);
    expect(imported).toContain('graphql-yoga');
    expect(imported).toContain('prom-client');
  });

  it('runs as a gateway and a worker on plain node, end to end', async () => {
    const [port, metricsPort, gatewayMetricsPort] = await freePorts(3);
    const env = {
      REDIS_URL: redisUrl,
      REDIS_PREFIX: `test-image-${suffix}`,
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: `image_${suffix}`,
      AGENTGATE_BOOTSTRAP_TOKEN: TOKEN,
      AGENTGATE_BOOTSTRAP_TENANT: 'default',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
    };
    const gateway = startProcess('gateway (dist)', join(OUT_DIR, 'server/main.js'), {
      ...env,
      PORT: String(port),
      METRICS_PORT: String(gatewayMetricsPort),
    });
    const worker = startProcess('worker (dist)', join(OUT_DIR, 'worker/main.js'), {
      ...env,
      METRICS_PORT: String(metricsPort),
    });
    processes.push(gateway, worker);
    const gatewayUrl = `http://127.0.0.1:${port}`;
    const workerUrl = `http://127.0.0.1:${metricsPort}`;
    const logs = () => `${gateway.output()}\n${worker.output()}`;
    try {
      await waitReady([`${gatewayUrl}/readyz`, `${workerUrl}/readyz`], [gateway, worker]);

      const gql = async (query: string, variables: Record<string, unknown> = {}) => {
        const response = await fetch(`${gatewayUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await response.json()) as { data?: Record<string, { id: string }> };
        if (!body.data) throw new Error(`${response.status} ${JSON.stringify(body)}`);
        return body.data;
      };
      const agent = await gql(
        'mutation { createAgent(input: { name: "image", systemPrompt: "Echo.", model: "demo:echo" }) { id } }',
      );
      const workflow = await gql(
        'mutation ($a: ID!) { createWorkflow(input: { agentId: $a }) { id } }',
        { a: agent.createAgent!.id },
      );
      const run = await gql(
        'mutation ($w: ID!) { sendPrompt(input: { workflowId: $w, prompt: "compiled" }) { id } }',
        { w: workflow.createWorkflow!.id },
      );
      let status = '';
      for (let i = 0; i < 100 && status !== 'SUCCEEDED'; i++) {
        const data = (await gql('query ($id: ID!) { run(id: $id) { id status } }', {
          id: run.sendPrompt!.id,
        })) as unknown as { run: { status: string } };
        status = data.run.status;
        if (status !== 'SUCCEEDED') await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe('SUCCEEDED');
      expect(
        sumOf(await scrape(`${workerUrl}/metrics`), 'agentgate_runs_total', {
          status: 'SUCCEEDED',
        }),
      ).toBe(1);
      expect(
        sumOf(
          await scrape(`http://127.0.0.1:${gatewayMetricsPort}/metrics`),
          'agentgate_runs_total',
          {
            status: 'QUEUED',
          },
        ),
      ).toBe(1);
      // Production logs are JSON lines.
      expect(gateway.output()).toMatch(/^\{"level":30,.*"msg":"gateway listening"\}$/m);

      const exits = await Promise.all([gateway.stop(), worker.stop()]);
      expect(exits).toEqual([
        { code: 0, signal: null },
        { code: 0, signal: null },
      ]);
    } catch (error) {
      console.error(logs());
      throw error;
    }
  }, 60_000);
});

describe('deploy/Dockerfile', () => {
  it('builds in one stage, installs production dependencies in another, and runs as node', async () => {
    const dockerfile = await readFile(join(REPO_ROOT, 'deploy/Dockerfile'), 'utf8');
    const stages = dockerfile.split(/^FROM /m).slice(1);
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const [build, deps, runtime] = [stages[0]!, stages[1]!, stages.at(-1)!];
    // The console bundle may be built in the same step (`&& npm run build:console`).
    expect(build).toMatch(/^RUN npm run build( && npm run build:console)?$/m);
    expect(deps).toMatch(/^RUN npm ci --omit=dev/m);
    expect(runtime).toMatch(/^COPY --from=deps .*node_modules/m);
    expect(runtime).toMatch(/^COPY --from=build .*\/app\/dist \.\/dist$/m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^CMD \["node", "dist\/server\/main\.js"\]$/m);
    // No sources and no compiler in the image that runs.
    expect(runtime).not.toMatch(/COPY (schema|server|worker|shared) /);
    expect(runtime).not.toMatch(/tsx|typescript|tsconfig/);
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json');
  });
});

async function waitReady(urls: string[], processes: ManagedProcess[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (const url of urls) {
    for (;;) {
      const dead = processes.find((p) => !p.isRunning());
      if (dead) throw new Error(`${dead.name} exited:\n${dead.output()}`);
      const ok = await fetch(url)
        .then(async (r) => {
          await r.body?.cancel();
          return r.status === 200;
        })
        .catch(() => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`${url} did not become ready`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
