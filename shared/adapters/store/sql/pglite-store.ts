import { PGlite } from '@electric-sql/pglite';
import type { Store } from '../../../ports/store.ts';
import { makePrivate } from '../../../private-dir.ts';
import { lockDataDir } from './data-dir-lock.ts';
import type { SqlDriver, SqlExecutor } from './sql-driver.ts';
import { createSqlStore } from './sql-store.ts';

export interface PgliteStoreOptions {
  /**
   * Directory holding the database files, created when missing; it and everything in it are
   * made private to this user (0700 / 0600) when the store opens and once it has started, and it
   * is locked for this process while the store is open ({@link lockDataDir}). Default: in memory.
   */
  dataDir?: string;
}

/** A PGlite instance as a {@link SqlDriver}. */
export function createPgliteDriver(db: PGlite): SqlDriver {
  return {
    async query<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      return (await db.query<T>(text, params as unknown[])).rows;
    },
    // PGlite has a single connection: a transaction holds it exclusively until it ends, so
    // concurrent callers are serialised rather than interleaved.
    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      return db.transaction((tx) =>
        fn({
          async query<R>(text: string, params: readonly unknown[] = []): Promise<R[]> {
            return (await tx.query<R>(text, params as unknown[])).rows;
          },
        }),
      );
    },
    close: () => db.close(),
  };
}

/**
 * The store on PGlite, PostgreSQL compiled to WASM, inside this process (embedded mode). Runs
 * exactly the SQL of the server store. The database starts lazily on first use.
 */
export function createPgliteStore(options: PgliteStoreOptions = {}): Store {
  const { dataDir } = options;
  if (!dataDir) return createSqlStore(createPgliteDriver(new PGlite()));
  // Before PGlite opens it: a second process must not, and an existing directory written by an
  // older version, or by another umask, stops being readable by others now.
  const unlock = lockDataDir(dataDir);
  makePrivate(dataDir);
  const db = new PGlite(dataDir);
  const driver = createPgliteDriver(db);
  const store = createSqlStore({
    ...driver,
    async close() {
      try {
        await driver.close();
      } finally {
        unlock();
      }
    },
  });
  return {
    ...store,
    async init() {
      await store.init();
      // PGlite lays out a new cluster's files with mode 0666 and rewrites its relcache files
      // 0644 when it starts; its later files are 0600.
      makePrivate(dataDir);
    },
  };
}
