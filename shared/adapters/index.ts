import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { JobQueue } from '../ports/job-queue.ts';
import type { Store } from '../ports/store.ts';
import { checkDependencies } from '../readiness.ts';
import { createFileEventJournal } from './events/event-journal.ts';
import { createInProcessEventBus } from './events/in-process-event-bus.ts';
import { createRedisEventBus } from './events/redis-event-bus.ts';
import { createBullmqJobQueue } from './queue/bullmq-job-queue.ts';
import { createInProcessJobQueue } from './queue/in-process-job-queue.ts';
import type { QueueCounts } from './queue/job-queue-common.ts';
import { createMongoStore } from './store/mongo/mongo-store.ts';
import { createPgliteStore } from './store/sql/pglite-store.ts';
import { createPostgresStore } from './store/sql/postgres-store.ts';

export interface Adapters {
  store: Store;
  bus: EventBus;
  queue: JobQueue;
  /** Numbers read at scrape time for metrics. */
  stats: {
    /** Jobs by unfinished state, the whole deployment's (the queue is shared). */
    queue(): Promise<QueueCounts>;
    /** Live subscriptions attached to this process's event bus. */
    bus(): { subscribers: number };
  };
  /**
   * Resolves when the store, the queue and the event bus all answer.
   * @throws NotReadyError with the state of each (`store`, `queue`, `events`).
   */
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
  const bus = config.redis
    ? createRedisEventBus({
        redis: config.redis.url,
        prefix: config.redis.prefix,
        retentionSeconds: config.events.retentionSeconds,
        maxBufferedBytes: config.output.maxBufferedBytes,
        logger: logger.child({ component: 'event-bus' }),
      })
    : createInProcessEventBus({
        retentionSeconds: config.events.retentionSeconds,
        maxBufferedBytes: config.output.maxBufferedBytes,
        // Beside the embedded store: a restart replays what the runs before it streamed.
        journal:
          config.store.kind === 'pglite'
            ? createFileEventJournal(join(config.store.dataDir, 'events'))
            : undefined,
      });
  const queue = config.redis
    ? createBullmqJobQueue({
        connection: config.redis.url,
        prefix: config.redis.prefix,
        logger: logger.child({ component: 'job-queue' }),
        // README "Reliability": a run survives RUN_MAX_ATTEMPTS - 1 crashed workers (stalls) and
        // as many failed attempts; a dead worker's run is taken over within lock + interval.
        attempts: config.runs.maxAttempts,
        maxStalledCount: config.runs.maxAttempts - 1,
        lockDurationMs: config.queue.lockDurationMs,
        stalledIntervalMs: config.queue.stalledIntervalMs,
      })
    : createInProcessJobQueue({
        logger: logger.child({ component: 'job-queue' }),
        attempts: config.runs.maxAttempts,
      });

  return {
    store,
    bus,
    queue,
    stats: {
      queue: () => queue.counts(),
      bus: () => ({ subscribers: bus.stats().subscribers }),
    },
    ready: () =>
      checkDependencies({
        store: () => store.ping(),
        queue: () => queue.ping(),
        events: () => bus.ping(),
      }),
    async close() {
      await queue.close();
      await bus.close();
      await store.close();
    },
  };
}

/** The store configuration names, not yet initialised (the token CLI needs only the store). */
export function createStore(config: Config, logger: Logger): Store {
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
      // Private: the database holds prompts and answers (the store makes its files private too).
      mkdirSync(config.store.dataDir, { recursive: true, mode: 0o700 });
      return createPgliteStore({ dataDir: config.store.dataDir });
  }
}
