import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { DEFAULT_QUEUE_NAME } from '../../shared/adapters/queue/bullmq-job-queue.ts';
import { freePorts } from '../../test/e2e/support/processes.ts';

/**
 * Real processes for the benchmarks: gateways, workers, the embedded server, the raw relay and
 * the load client, each spawned as `node --import tsx <entry>` through `bash -c 'ulimit -n …;
 * exec …'` so its soft file-descriptor limit is raised to the hard one (exec keeps the pid, so
 * /proc/<pid> describes the Node process itself). Everything runs on loopback against real Redis
 * and PostgreSQL under a key prefix and a schema of its own, removed by `stop()`.
 */

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/**
 * The API token every benchmark gateway is provisioned with (`AGENTGATE_BOOTSTRAP_TOKEN`) and
 * every client sends; generated once per `npm run bench` unless `BENCH_TOKEN` is set.
 */
process.env.BENCH_TOKEN ??= `bench_${randomBytes(24).toString('hex')}`;
export const BENCH_TOKEN = process.env.BENCH_TOKEN;
const MAX_OUTPUT_CHARS = 100_000;
/** The benchmarks measure capacity, so the per-token request and subscription limits are off. */
const UNLIMITED = { RATE_LIMIT_PER_MINUTE: '0', MAX_SUBSCRIPTIONS_PER_TOKEN: '0' };
/** Node flags for experiments, e.g. `BENCH_GATEWAY_NODE_FLAGS=--max-semi-space-size=64`. */
function extraFlags(variable: string): string[] {
  return (process.env[variable] ?? '').split(' ').filter((flag) => flag.length > 0);
}

/**
 * `BENCH_PROFILE=gateway,worker` starts those processes with `--cpu-prof`; the profiles land in
 * `BENCH_PROFILE_DIR` (default the system temp dir) when the process exits on SIGTERM.
 */
function profileFlags(role: string): string[] {
  const roles = (process.env.BENCH_PROFILE ?? '').split(',');
  if (!roles.includes(role)) return [];
  const dir = process.env.BENCH_PROFILE_DIR ?? join(tmpdir(), 'agentgate-bench-profiles');
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--heapsnapshot-signal=SIGUSR2`];
}
const START_TIMEOUT_MS = 60_000;

/** The soft and hard `ulimit -n` of a shell, and the soft limit the spawned processes get. */
export function fileDescriptorLimits(): { soft: number; hard: number; raisedTo: number } {
  const read = (flag: string) =>
    execFileSync('bash', ['-c', `ulimit ${flag}`], { encoding: 'utf8' }).trim();
  const soft = Number(read('-Sn'));
  const hardText = read('-Hn');
  const hard = hardText === 'unlimited' ? Number.POSITIVE_INFINITY : Number(hardText);
  // `unlimited` cannot be a soft limit for open files; 1,048,576 is Linux's usual nr_open.
  const raisedTo = Number.isFinite(hard) ? hard : 1_048_576;
  return { soft, hard, raisedTo };
}

export interface BenchProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  output(): string;
  isRunning(): boolean;
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  env: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  /** Open an IPC channel (the load client). */
  ipc?: boolean;
}

/**
 * Whether Agentgate's own processes run from the compiled build (`npm run build`, `dist/`), as
 * the image runs them, or from the sources through tsx (`BENCH_TSX=1`, as `npm run gateway`
 * does): tsx costs a process ~120 MB of RSS and start-up time, which is not the product's.
 */
export const COMPILED = process.env.BENCH_TSX !== '1';

/** Compiles the sources into `dist/` (what the image runs); a no-op with `BENCH_TSX=1`. */
export function buildForBench(): void {
  if (!COMPILED) return;
  execFileSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    },
  );
}

/** The command line of an Agentgate entry point (`server/main.ts` …): compiled, or through tsx. */
function productEntry(entry: string): string[] {
  return COMPILED ? [join('dist', entry.replace(/\.ts$/, '.js'))] : ['--import', 'tsx', entry];
}

/** Spawns `node --import tsx <entry>` with exactly `env` (plus PATH) and a raised fd limit. */
export function spawnNode(
  name: string,
  entry: string,
  options: SpawnOptions & { product?: boolean },
): BenchProcess {
  const { raisedTo } = fileDescriptorLimits();
  const command = options.product ? productEntry(entry) : ['--import', 'tsx', entry];
  const args = [...(options.nodeFlags ?? []), ...command].map(shellQuote).join(' ');
  const child = spawn(
    'bash',
    ['-c', `ulimit -n ${raisedTo} 2>/dev/null; exec ${shellQuote(process.execPath)} ${args}`],
    {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    },
  );
  if (child.pid === undefined) throw new Error(`could not spawn ${name}`);
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let running = true;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      append(Buffer.from(`[${name} exited with code ${code}, signal ${signal}]\n`));
      resolve();
    });
  });
  return {
    name,
    child,
    pid: child.pid,
    output: () => output,
    isRunning: () => running,
    async stop(graceMs = 5_000) {
      if (!running) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function shellQuote(value: string): string {
  return /^[\w./=:@-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** CPU time (user + system) and resident memory of a process, from /proc. */
export interface ProcessSample {
  at: number;
  cpuMs: number;
  rssBytes: number;
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

export function sampleProcess(pid: number): ProcessSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { at: performance.now(), cpuMs: (ticks * 1000) / CLOCK_TICKS, rssBytes: rssKb * 1024 };
}

/** Samples processes every `intervalMs`; `stop()` gives CPU % over the span and peak RSS. */
export function monitor(pids: Record<string, number>, intervalMs = 250) {
  const first: Record<string, ProcessSample> = {};
  const last: Record<string, ProcessSample> = {};
  const peak: Record<string, number> = {};
  const take = () => {
    for (const [name, pid] of Object.entries(pids)) {
      try {
        const sample = sampleProcess(pid);
        first[name] ??= sample;
        last[name] = sample;
        peak[name] = Math.max(peak[name] ?? 0, sample.rssBytes);
      } catch {
        // The process exited; its last sample stands.
      }
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop(): Record<string, { cpuPercent: number; rssMb: number; peakRssMb: number }> {
      clearInterval(timer);
      take();
      const result: Record<string, { cpuPercent: number; rssMb: number; peakRssMb: number }> = {};
      for (const name of Object.keys(pids)) {
        const a = first[name];
        const b = last[name];
        if (!a || !b) continue;
        const wall = b.at - a.at;
        result[name] = {
          cpuPercent: wall > 0 ? round((100 * (b.cpuMs - a.cpuMs)) / wall, 1) : 0,
          rssMb: round(b.rssBytes / 2 ** 20, 1),
          peakRssMb: round((peak[name] ?? 0) / 2 ** 20, 1),
        };
      }
      return result;
    },
  };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every 100 ms until true; throws after `timeoutMs` or when a process died. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  processes: readonly BenchProcess[] = [],
  timeoutMs = START_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = processes.find((p) => !p.isRunning());
    if (dead) throw new Error(`${dead.name} exited before ${what}:\n${dead.output()}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** One deployment under test: its own Redis prefix and PostgreSQL schema (or data dir). */
export class Deployment {
  readonly suffix = randomBytes(4).toString('hex');
  readonly redisPrefix = `bench-${this.suffix}`;
  readonly databaseSchema = `bench_${this.suffix}`;
  readonly processes: BenchProcess[] = [];
  #dataDir: string | null = null;

  get commonEnv(): Record<string, string> {
    return {
      REDIS_URL,
      REDIS_PREFIX: this.redisPrefix,
      DATABASE_URL,
      DATABASE_SCHEMA: this.databaseSchema,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      AGENTGATE_BOOTSTRAP_TOKEN: BENCH_TOKEN,
      ...UNLIMITED,
    };
  }

  /** A distributed gateway; resolves with its base URL once `/readyz` answers. */
  async gateway(
    name = 'gateway',
    nodeFlags: string[] = [],
  ): Promise<{ url: string; proc: BenchProcess }> {
    const [port] = await freePorts(1);
    const proc = spawnNode(name, 'server/main.ts', {
      product: true,
      env: { ...this.commonEnv, HOST: '127.0.0.1', PORT: String(port) },
      nodeFlags: [
        ...profileFlags('gateway'),
        ...extraFlags('BENCH_GATEWAY_NODE_FLAGS'),
        ...nodeFlags,
      ],
    });
    this.processes.push(proc);
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`${name} to be ready`, () => isReady(url), [proc]);
    return { url, proc };
  }

  /** The embedded server (`npm start`) with PGlite in a temporary data directory. */
  async embedded(name = 'embedded'): Promise<{ url: string; proc: BenchProcess }> {
    const [port] = await freePorts(1);
    this.#dataDir = mkdtempSync(join(tmpdir(), 'agentgate-bench-'));
    const proc = spawnNode(name, 'server/embedded.ts', {
      product: true,
      env: {
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: this.#dataDir,
        AGENTGATE_BOOTSTRAP_TOKEN: BENCH_TOKEN,
        ...UNLIMITED,
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
      },
    });
    this.processes.push(proc);
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`${name} to be ready`, () => isReady(url), [proc]);
    return { url, proc };
  }

  /** A distributed worker; resolves once it holds a connection on the run queue. */
  async worker(concurrency: number, name = 'worker', nodeFlags: string[] = []) {
    const before = await this.workerCount();
    const proc = spawnNode(name, 'worker/main.ts', {
      product: true,
      env: { ...this.commonEnv, WORKER_CONCURRENCY: String(concurrency) },
      nodeFlags: [
        ...profileFlags('worker'),
        ...extraFlags('BENCH_WORKER_NODE_FLAGS'),
        ...nodeFlags,
      ],
    });
    this.processes.push(proc);
    await waitFor(`${name} to take jobs`, async () => (await this.workerCount()) > before, [proc]);
    return proc;
  }

  /** A bench helper process (relay, BullMQ echo worker) with this deployment's settings. */
  helper(name: string, entry: string, env: Record<string, string> = {}): BenchProcess {
    const proc = spawnNode(name, entry, { env: { ...this.commonEnv, ...env } });
    this.processes.push(proc);
    return proc;
  }

  async workerCount(): Promise<number> {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: true });
    redis.on('error', () => {});
    const queue = new Queue(DEFAULT_QUEUE_NAME, { connection: redis, prefix: this.redisPrefix });
    queue.on('error', () => {});
    try {
      return await queue.getWorkersCount();
    } finally {
      await queue.close();
      redis.disconnect();
    }
  }

  async stopProcess(proc: BenchProcess): Promise<void> {
    await proc.stop();
    const index = this.processes.indexOf(proc);
    if (index >= 0) this.processes.splice(index, 1);
  }

  /** Stops every process, drops the schema, deletes the prefix's keys and the data dir. */
  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
    this.processes.length = 0;
    await Promise.allSettled([
      dropSchema(this.databaseSchema),
      deleteKeys(this.redisPrefix),
      (async () => {
        if (this.#dataDir) rmSync(this.#dataDir, { recursive: true, force: true });
      })(),
    ]);
  }
}

async function isReady(url: string): Promise<boolean> {
  const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
  await response.body?.cancel();
  return response.status === 200;
}

export async function withPg<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function dropSchema(schema: string): Promise<void> {
  await withPg((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}

/** Deletes every key under `${prefix}:` with SCAN (never KEYS). */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
