/**
 * The few things the SQL store needs from a PostgreSQL client. Both drivers (`pg` against a
 * server, PGlite embedded) run the same SQL text through it, so there is one code path.
 */
export interface SqlExecutor {
  /** Runs one statement with `$1`-style parameters and returns its rows. */
  query<T>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface SqlDriver extends SqlExecutor {
  /**
   * Runs `fn` inside BEGIN/COMMIT on one connection; rolls back and rethrows when `fn` throws.
   * Isolation is PostgreSQL's default, READ COMMITTED: every statement sees what was committed
   * before it started, so row locks (`FOR UPDATE`) are what serialise writers.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

import { StoreDataError } from '../../../ports/store.ts';

/** SQLSTATE of a unique violation. */
const UNIQUE_VIOLATION = '23505';

/**
 * True when `error` is a unique violation, optionally of the named constraint or index.
 * Both `pg` and PGlite raise errors carrying `code` and `constraint`.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint: violated } = error as { code?: unknown; constraint?: unknown };
  return code === UNIQUE_VIOLATION && (constraint === undefined || violated === constraint);
}

/**
 * SQLSTATE classes of errors caused by the data of a statement, not by the database's state:
 * 22 data exception (e.g. `22021` a NUL character in text, `22P05` `\u0000` in jsonb), 54
 * program limit exceeded (e.g. a value too long to index).
 */
const DATA_ERROR_CLASSES = new Set(['22', '54']);

/** The SQLSTATE of a data error (both drivers' errors carry `code`), or undefined. */
function dataErrorState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code } = error as { code?: unknown };
  return typeof code === 'string' && code.length === 5 && DATA_ERROR_CLASSES.has(code.slice(0, 2))
    ? code
    : undefined;
}

/** Rethrows a data error as `StoreDataError`; anything else as it is. */
function rethrow(error: unknown): never {
  const state = dataErrorState(error);
  throw state === undefined ? error : new StoreDataError(state, { cause: error });
}

function guardExecutor(executor: SqlExecutor): SqlExecutor {
  return {
    query: <T>(text: string, params?: readonly unknown[]) =>
      executor.query<T>(text, params).catch(rethrow),
  };
}

/**
 * The driver with the database's data errors turned into `StoreDataError`, so callers can tell
 * "this value can never be stored" from a failure that a retry may cure.
 */
export function withDataErrors(driver: SqlDriver): SqlDriver {
  return {
    ...guardExecutor(driver),
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>) =>
      driver.transaction((tx) => fn(guardExecutor(tx))).catch(rethrow),
    close: () => driver.close(),
  };
}

/** A bare SQL identifier we can safely interpolate: letters, digits and `_`, not a digit first. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Validates a schema name at construction, so it can be quoted into DDL and `search_path`. */
export function assertIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new Error(
      `${what} ${JSON.stringify(name)} is not a plain SQL identifier; use letters, digits and _ (max 63).`,
    );
  }
  return name;
}
