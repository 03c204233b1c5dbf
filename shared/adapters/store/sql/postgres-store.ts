import pg from 'pg';
import type { Store } from '../../../ports/store.ts';
import { assertIdentifier, type SqlDriver, type SqlExecutor } from './sql-driver.ts';
import { createSqlStore } from './sql-store.ts';

/** Default number of pooled connections per process. */
export const DEFAULT_POOL_SIZE = 10;

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  connectionString: string;
  /**
   * Schema holding the tables; created by `init()` when missing, and every pooled connection
   * uses it as its `search_path`. Letters, digits and `_` only. Default: the server's default.
   */
  schema?: string;
  /** Maximum pooled connections, at least 1. Default: {@link DEFAULT_POOL_SIZE}. */
  poolSize?: number;
  /**
   * Called when an idle pooled connection fails (the server restarted, the network dropped);
   * the pool replaces it. Default: writes the error to stderr.
   */
  onError?: (error: Error) => void;
}

/** A `pg` pool as a {@link SqlDriver}. */
export function createPgDriver(pool: pg.Pool): SqlDriver {
  return {
    async query<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      const result = await pool.query(text, params as unknown[]);
      return result.rows as T[];
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          async query<R>(text: string, params: readonly unknown[] = []): Promise<R[]> {
            return (await client.query(text, params as unknown[])).rows as R[];
          },
        });
        await client.query('COMMIT');
        client.release();
        return result;
      } catch (error) {
        // A connection whose ROLLBACK fails is in an unknown state: destroy it, keep the cause.
        await client.query('ROLLBACK').then(
          () => client.release(),
          (rollbackError: Error) => client.release(rollbackError),
        );
        throw error;
      }
    },
    close: () => pool.end(),
  };
}

/** The store on a PostgreSQL server through a `pg` connection pool (distributed mode). */
export function createPostgresStore(options: PostgresStoreOptions): Store {
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new Error(`poolSize must be a positive integer, got ${poolSize}.`);
  }
  const schema =
    options.schema === undefined ? undefined : assertIdentifier(options.schema, 'Schema name');
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: poolSize,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  const onError =
    options.onError ??
    ((error: Error) => console.error('PostgreSQL pool connection failed:', error));
  pool.on('error', onError);
  return createSqlStore(createPgDriver(pool), { schema });
}
