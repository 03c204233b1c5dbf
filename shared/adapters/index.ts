import { mkdirSync } from 'node:fs';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { JobQueue } from '../ports/job-queue.ts';
import type { Store } from '../ports/store.ts';
import { createInProcessEventBus } from './events/in-process-event-bus.ts';
import { createRedisEventBus } from './events/redis-event-bus.ts';
import { createBullmqJobQueue } from './queue/bullmq-job-queue.ts';
import { createInProcessJobQueue } from './queue/in-process-job-queue.ts';
import { createMongoStore } from './store/mongo/mongo-store.ts';
import { createPgliteStore } from './store/sql/pglite-store.ts';
import { createPostgresStore } from './store/sql/postgres-store.ts';

export interface Adapters {
  store: Store;
  bus: EventBus;
  queue: JobQueue;
  /** Resolves when the store, the queue and the event bus all answer. */
  ready(): Promise<void>;
  /** Closes queue, bus and store, in reverse order of creation. */
  close(): Promise<void>;
}

/**
 * The composition root's one choice of technology: which adapter backs each port follows from
 * configuration alone. The store's tables and indexes are created before this resolves.
 */
export async function createAdapters(config: Config, logger: Logger): Promise<Adapters> {
  const store = createStore(config, logger);
  await store.init();
  const bus: EventBus = config.redis
    ? createRedisEventBus({
        redis: config.redis.url,
        prefix: config.redis.prefix,
        retentionSeconds: config.events.retentionSeconds,
        logger: logger.child({ component: 'event-bus' }),
      })
    : createInProcessEventBus({ retentionSeconds: config.events.retentionSeconds });
  const queue: JobQueue = config.redis
    ? createBullmqJobQueue({
        connection: config.redis.url,
        prefix: config.redis.prefix,
        logger: logger.child({ component: 'job-queue' }),
      })
    : createInProcessJobQueue({ logger: logger.child({ component: 'job-queue' }) });

  return {
    store,
    bus,
    queue,
    async ready() {
      await withTimeout(Promise.all([store.ping(), bus.ping(), queue.ping()]), 2_000);
    },
    async close() {
      await queue.close();
      await bus.close();
      await store.close();
    },
  };
}

function createStore(config: Config, logger: Logger): Store {
  const onError = (error: Error) => logger.error({ err: error }, 'store connection error');
  switch (config.store.kind) {
    case 'postgres':
      return createPostgresStore({
        connectionString: config.store.url,
        schema: config.store.schema,
        onError,
      });
    case 'mongo':
      return createMongoStore({ uri: config.store.uri });
    case 'pglite':
      mkdirSync(config.store.dataDir, { recursive: true });
      return createPgliteStore({ dataDir: config.store.dataDir });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
