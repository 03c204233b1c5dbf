import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { DEFAULT_QUEUE_NAME } from '../../../shared/adapters/queue/bullmq-job-queue.ts';

/**
 * Real Agentgate processes for end-to-end tests: gateways and workers started the way deployments
 * start them (`node --import tsx server/main.ts`, `worker/main.ts`), each with its own output
 * captured for failure messages, against real Redis and PostgreSQL under a key prefix and a
 * schema of their own that `stop()` removes.
 */

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Most output kept per process, in characters; older output is dropped first. */
const MAX_OUTPUT_CHARS = 200_000;
/** How long a process gets to exit after SIGTERM before it is killed, in ms. */
const DEFAULT_STOP_GRACE_MS = 5_000;
/** How long a cluster may take to start (tsx compiles on the fly), in ms. */
const DEFAULT_START_TIMEOUT_MS = 45_000;
/** Interval between readiness probes, in ms: the processes offer no event to wait on. */
const PROBE_INTERVAL_MS = 100;

export const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export type ExitStatus = { code: number | null; signal: NodeJS.Signals | null };

/** One spawned Agentgate process. */
export interface ManagedProcess {
  readonly name: string;
  /** Resolves once the process has exited, whoever stopped it. */
  readonly exited: Promise<ExitStatus>;
  /** True until the process exits. */
  isRunning(): boolean;
  /** Its stdout and stderr so far, interleaved as written. */
  output(): string;
  /** SIGTERM, then SIGKILL when it is still running after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<ExitStatus>;
  /** SIGKILL at once, as a crash would; resolves once it exited. */
  kill(): Promise<ExitStatus>;
}

export interface GatewayProcess extends ManagedProcess {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
}

export interface WorkerProcess extends ManagedProcess {
  /** Base URL of its `/metrics`, `/healthz` and `/readyz` listener (METRICS_PORT). */
  readonly metricsUrl: string;
}

/**
 * Starts `node --import tsx <entry>` (or `node <entry>` for a `.js` entry) in the repository root
 * with exactly `env` (plus PATH).
 */
export function startProcess(name: string, entry: string, env: Record<string, string>) {
  // Compiled JavaScript (the image's way, deploy/Dockerfile) runs on plain node.
  const args = /\.m?js$/.test(entry) ? [entry] : ['--import', 'tsx', entry];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    // Why: a minimal environment keeps the developer's own settings (API keys, PORT …) out.
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let running = true;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      append(Buffer.from(`[exited with code ${code}, signal ${signal}]\n`));
      resolve({ code, signal });
    });
    child.once('error', (error) => {
      running = false;
      append(Buffer.from(`spawn failed: ${error.message}\n`));
      resolve({ code: null, signal: null });
    });
  });

  const managed: ManagedProcess = {
    name,
    exited,
    isRunning: () => running,
    output: () => output,
    kill() {
      if (running) child.kill('SIGKILL');
      return exited;
    },
    async stop(graceMs = DEFAULT_STOP_GRACE_MS) {
      if (!running) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  return managed;
}

/** Reserves `count` distinct free TCP ports on 127.0.0.1 (all held open until all are known). */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const address = server.address();
      if (typeof address !== 'object' || address === null) throw new Error('no port was bound');
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(
      servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
  }
}

/** Polls until `check` resolves true; fails early when one of `processes` exits. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  processes: readonly ManagedProcess[],
  deadline: number,
): Promise<void> {
  for (;;) {
    const dead = processes.find((p) => !p.isRunning());
    if (dead) throw new Error(`${dead.name} exited before ${what}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
  }
}

export async function isReady(url: string): Promise<boolean> {
  const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
  await response.body?.cancel();
  return response.status === 200;
}

export interface ClusterOptions {
  gateways: number;
  workers: number;
  /** `WORKER_CONCURRENCY` of every worker. */
  workerConcurrency: number;
  /** Default: env TEST_REDIS_URL, else redis://127.0.0.1:6379. */
  redisUrl?: string;
  /** Default: env TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test. */
  databaseUrl?: string;
  startTimeoutMs?: number;
  /** More environment for every process (e.g. LOG_LEVEL), over the defaults. */
  env?: Record<string, string>;
}

export interface Cluster {
  readonly gateways: readonly GatewayProcess[];
  /**
   * Base URL of each gateway's `/metrics`, `/healthz` and `/readyz` listener (METRICS_PORT), in
   * the order of `gateways`: gateways serve `/metrics` only there.
   */
  readonly gatewayMetricsUrls: readonly string[];
  readonly workers: readonly WorkerProcess[];
  readonly redisPrefix: string;
  readonly databaseSchema: string;
  /**
   * The API token every gateway accepts: `env.AGENTGATE_BOOTSTRAP_TOKEN` when given, else one
   * provisioned for the cluster (distributed gateways refuse to start without a token).
   */
  readonly token: string;
  /** Every process's captured output, one labelled section each. */
  logs(): string;
  /** Throws, with the logs, when a process has exited. */
  assertRunning(): void;
  /** Stops every process, then drops the schema and deletes every Redis key under the prefix. */
  stop(): Promise<void>;
}

/**
 * Starts gateways and workers of one distributed deployment, in parallel, and resolves once every
 * gateway answers `/readyz` and every worker is registered on the queue. A failed start cleans up
 * after itself and rejects with the processes' output.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const redisUrl = options.redisUrl ?? process.env.TEST_REDIS_URL ?? DEFAULT_TEST_REDIS_URL;
  const databaseUrl =
    options.databaseUrl ?? process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
  const suffix = randomBytes(5).toString('hex');
  const redisPrefix = `test-e2e-${suffix}`;
  const databaseSchema = `e2e_${suffix}`;
  const common: Record<string, string> = {
    REDIS_URL: redisUrl,
    REDIS_PREFIX: redisPrefix,
    DATABASE_URL: databaseUrl,
    DATABASE_SCHEMA: databaseSchema,
    LOG_LEVEL: 'warn',
    AGENTGATE_BOOTSTRAP_TOKEN: `agt_${randomBytes(32).toString('base64url')}`,
    ...options.env,
  };
  const token = common.AGENTGATE_BOOTSTRAP_TOKEN!;

  const ports = await freePorts(2 * options.gateways + options.workers);
  const metricsPorts = ports.splice(options.gateways);
  // Gateways serve /metrics only on a listener of their own (METRICS_PORT), as deployments do.
  const gatewayMetricsPorts = metricsPorts.splice(0, options.gateways);
  const gateways: GatewayProcess[] = ports.map((port, i) => ({
    ...startProcess(`gateway ${gatewayLetter(i)}`, 'server/main.ts', {
      ...common,
      HOST: '127.0.0.1',
      PORT: String(port),
      METRICS_PORT: String(gatewayMetricsPorts[i]),
    }),
    url: `http://127.0.0.1:${port}`,
  }));
  const gatewayMetricsUrls = gatewayMetricsPorts.map((port) => `http://127.0.0.1:${port}`);
  const workers: WorkerProcess[] = metricsPorts.map((metricsPort, i) => ({
    ...startProcess(`worker ${i + 1}`, 'worker/main.ts', {
      ...common,
      WORKER_CONCURRENCY: String(options.workerConcurrency),
      HOST: '127.0.0.1',
      METRICS_PORT: String(metricsPort),
    }),
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
  }));
  const all: ManagedProcess[] = [...gateways, ...workers];

  const logs = () =>
    all
      .map((p) => `----- ${p.name} (${p.isRunning() ? 'running' : 'exited'}) -----\n${p.output()}`)
      .join('\n');

  let stopping: Promise<void> | undefined;
  const cluster: Cluster = {
    gateways,
    gatewayMetricsUrls,
    workers,
    redisPrefix,
    databaseSchema,
    token,
    logs,
    assertRunning() {
      const dead = all.filter((p) => !p.isRunning());
      if (dead.length > 0) {
        throw new Error(`${dead.map((p) => p.name).join(', ')} exited unexpectedly\n${logs()}`);
      }
    },
    stop() {
      stopping ??= (async () => {
        await Promise.all(all.map((p) => p.stop()));
        const cleanups = await Promise.allSettled([
          dropSchema(databaseUrl, databaseSchema),
          deleteKeys(redisUrl, redisPrefix),
        ]);
        const failures = cleanups.flatMap((c) => (c.status === 'rejected' ? [c.reason] : []));
        if (failures.length > 0) {
          throw new AggregateError(
            failures,
            `cleanup of ${redisPrefix} / ${databaseSchema} failed`,
          );
        }
      })();
      return stopping;
    },
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  try {
    await Promise.all([
      ...gateways.map((g) =>
        waitUntil(`${g.name} to be ready`, () => isReady(g.url), all, deadline),
      ),
      waitForWorkers(redisUrl, redisPrefix, options.workers, all, deadline),
    ]);
  } catch (error) {
    // Best effort: the start failure is the error worth reporting.
    await cluster.stop().catch(() => {});
    throw new Error(
      `The cluster did not start: ${error instanceof Error ? error.message : error}\n${logs()}`,
    );
  }
  return cluster;
}

/** A, B, C … */
function gatewayLetter(index: number): string {
  return String.fromCharCode(65 + index);
}

/** Waits until `count` BullMQ workers hold a blocking connection on the run queue. */
export async function waitForWorkers(
  redisUrl: string,
  prefix: string,
  count: number,
  processes: readonly ManagedProcess[],
  deadline: number,
): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  redis.on('error', () => {});
  const queue = new Queue(DEFAULT_QUEUE_NAME, { connection: redis, prefix });
  queue.on('error', () => {});
  try {
    await waitUntil(
      `${count} workers to take jobs`,
      async () => (await queue.getWorkersCount()) >= count,
      processes,
      deadline,
    );
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Deletes every key under `${prefix}:` with SCAN (never KEYS). */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
