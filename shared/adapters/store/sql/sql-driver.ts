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
