import { PGlite } from '@electric-sql/pglite';
import type { Store } from '../../../ports/store.ts';
import { lockDataDir } from './data-dir-lock.ts';
import type { SqlDriver, SqlExecutor } from './sql-driver.ts';
import { createSqlStore } from './sql-store.ts';

export interface PgliteStoreOptions {
  /**
   * Directory holding the database files, created when missing. Default: in memory. Locked for
   * this process while the store is open ({@link lockDataDir}).
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
  const unlock = options.dataDir ? lockDataDir(options.dataDir) : () => {};
  const db = new PGlite(options.dataDir);
  const driver = createPgliteDriver(db);
  return createSqlStore({
    ...driver,
    async close() {
      try {
        await driver.close();
      } finally {
        unlock();
      }
    },
  });
}
