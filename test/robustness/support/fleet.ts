import { randomBytes } from 'node:crypto';
import { generateToken } from '../../../shared/domain/api-tokens.ts';
import {
  DEFAULT_TEST_DATABASE_URL,
  DEFAULT_TEST_REDIS_URL,
  deleteKeys,
  dropSchema,
  freePorts,
  type GatewayProcess,
  isReady,
  type ManagedProcess,
  startProcess,
  waitForWorkers,
  waitUntil,
} from '../../e2e/support/processes.ts';

/**
 * A distributed deployment whose processes come and go during a test: gateways and workers are
 * started one by one (each call resolves once it is ready), killed or stopped, and started again,
 * all against one Redis key prefix and one PostgreSQL schema that `stop()` removes.
 *
 * The reliability knobs default to values that make crash detection and sweeps take about a
 * second instead of half a minute; a test overrides them with `env`.
 */

/** Timings for tests: a dead worker's run is taken over within about 2.5 s. */
export const FAST_RELIABILITY_ENV: Readonly<Record<string, string>> = {
  QUEUE_LOCK_DURATION_MS: '2000',
  QUEUE_STALLED_INTERVAL_MS: '500',
  RUN_SWEEP_INTERVAL_MS: '500',
  RUN_REQUEUE_AFTER_MS: '3000',
  WORKER_DRAIN_MS: '1000',
  SHUTDOWN_TIMEOUT_MS: '8000',
  CANCEL_GRACE_MS: '2000',
  MODEL_RETRY_BASE_MS: '50',
};

const START_TIMEOUT_MS = 45_000;

export interface FleetOptions {
  /** Default: env TEST_REDIS_URL, else redis://127.0.0.1:6379. */
  redisUrl?: string;
  /** Default: env TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test. */
  databaseUrl?: string;
  /** Environment of every process, over the defaults and FAST_RELIABILITY_ENV. */
  env?: Record<string, string>;
}

export interface Fleet {
  /** The API token every gateway accepts (provisioned with AGENTGATE_BOOTSTRAP_TOKEN). */
  readonly token: string;
  readonly redisUrl: string;
  readonly redisPrefix: string;
  /** Every gateway started so far, dead ones included, in start order. */
  readonly gateways: GatewayProcess[];
  /** Every worker started so far, dead ones included, in start order. */
  readonly workers: ManagedProcess[];
  /** Starts a gateway (on `port`, else a free one) and resolves once `/readyz` answers 200. */
  startGateway(options?: { port?: number; env?: Record<string, string> }): Promise<GatewayProcess>;
  /** Starts a worker and resolves once it takes jobs. */
  startWorker(options?: { env?: Record<string, string> }): Promise<ManagedProcess>;
  /** The processes still running. */
  running(): ManagedProcess[];
  /** Every process's output, one labelled section each. */
  logs(): string;
  /** Stops every process, then drops the schema and deletes the Redis keys. */
  stop(): Promise<void>;
}

export function createFleet(options: FleetOptions = {}): Fleet {
  const redisUrl = options.redisUrl ?? process.env.TEST_REDIS_URL ?? DEFAULT_TEST_REDIS_URL;
  const databaseUrl =
    options.databaseUrl ?? process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
  const suffix = randomBytes(5).toString('hex');
  const redisPrefix = `test-rb-${suffix}`;
  const databaseSchema = `rb_${suffix}`;
  const token = generateToken();
  const common: Record<string, string> = {
    REDIS_URL: redisUrl,
    REDIS_PREFIX: redisPrefix,
    DATABASE_URL: databaseUrl,
    DATABASE_SCHEMA: databaseSchema,
    AGENTGATE_BOOTSTRAP_TOKEN: token,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    ...FAST_RELIABILITY_ENV,
    ...options.env,
  };
  const gateways: GatewayProcess[] = [];
  const workers: ManagedProcess[] = [];
  const all = () => [...gateways, ...workers];
  let stopping: Promise<void> | undefined;

  return {
    token,
    redisUrl,
    redisPrefix,
    gateways,
    workers,

    async startGateway({ port, env } = {}) {
      const chosen = port ?? (await freePorts(1))[0]!;
      const name = `gateway ${String.fromCharCode(65 + gateways.length)}`;
      const gateway: GatewayProcess = {
        ...startProcess(name, 'server/main.ts', { ...common, ...env, PORT: String(chosen) }),
        url: `http://127.0.0.1:${chosen}`,
      };
      gateways.push(gateway);
      await waitUntil(
        `${name} to be ready`,
        () => isReady(gateway.url),
        [gateway],
        Date.now() + START_TIMEOUT_MS,
      );
      return gateway;
    },

    async startWorker({ env } = {}) {
      const worker = startProcess(`worker ${workers.length + 1}`, 'worker/main.ts', {
        ...common,
        WORKER_CONCURRENCY: '1',
        ...env,
      });
      workers.push(worker);
      const alive = workers.filter((w) => w.isRunning()).length;
      await waitForWorkers(redisUrl, redisPrefix, alive, [worker], Date.now() + START_TIMEOUT_MS);
      return worker;
    },

    running: () => all().filter((p) => p.isRunning()),

    logs: () =>
      all()
        .map(
          (p) => `----- ${p.name} (${p.isRunning() ? 'running' : 'exited'}) -----\n${p.output()}`,
        )
        .join('\n'),

    stop() {
      stopping ??= (async () => {
        await Promise.all(all().map((p) => p.stop()));
        await Promise.allSettled([
          dropSchema(databaseUrl, databaseSchema),
          deleteKeys(redisUrl, redisPrefix),
        ]);
      })();
      return stopping;
    },
  };
}
