import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePorts } from '../../e2e/support/processes.ts';

/**
 * A `redis-server` of the test's own on a free port, without persistence, that the test may
 * kill and start again (the shared Redis on 6379 is never touched). A restart loses every key,
 * as a crashed Redis without persistence does.
 */
export interface RedisServer {
  readonly url: string;
  /** SIGKILL, as a crash; resolves once it exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port; resolves once it answers PING. */
  start(): Promise<void>;
  /** Stops it for good. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;

export async function startRedisServer(): Promise<RedisServer> {
  const [port] = await freePorts(1);
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  async function start(): Promise<void> {
    const spawned = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    child = spawned;
    exited = new Promise((resolve) => spawned.once('exit', () => resolve()));
    const probe = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => 50,
    });
    probe.on('error', () => {});
    const deadline = Date.now() + READY_TIMEOUT_MS;
    try {
      for (;;) {
        try {
          if (probe.status === 'wait') await probe.connect();
          if ((await probe.ping()) === 'PONG') return;
        } catch {
          // Not listening yet.
        }
        if (Date.now() > deadline) throw new Error(`redis-server on ${url} did not start`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      probe.disconnect();
    }
  }

  async function kill(): Promise<void> {
    child?.kill('SIGKILL');
    await exited;
  }

  await start();
  return { url, start, kill, stop: kill };
}
