import type { SqlDriver } from './sql-driver.ts';

/**
 * Tables and indexes of the SQL store. Every table carries `tenant_id` and every query filters by
 * it. Ids are ULIDs, so `ORDER BY id` is creation order and keyset pages need no timestamp index.
 */

/** Arbitrary constant naming the advisory lock that serialises `init()` across processes. */
const INIT_LOCK_KEY = 727_465_001;

/** Names of the constraints whose violations the store turns into results. */
export const CONSTRAINTS = {
  oneRunningRun: 'runs_one_running',
  idempotencyKey: 'runs_idempotency_key',
  tokenHash: 'api_tokens_by_hash',
  secretName: 'secrets_by_name',
  providerName: 'providers_by_name',
} as const;

const TABLES: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS agents (
    tenant_id text NOT NULL,
    id text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    name text NOT NULL,
    system_prompt text NOT NULL,
    model text NOT NULL,
    description text,
    PRIMARY KEY (tenant_id, id)
  )`,
  // message_count is the last message index handed out; append bumps it under the row lock.
  `CREATE TABLE IF NOT EXISTS workflows (
    tenant_id text NOT NULL,
    id text NOT NULL,
    created_at timestamptz NOT NULL,
    max_turns integer NOT NULL,
    message_count integer NOT NULL DEFAULT 0,
    agent_id text NOT NULL,
    title text,
    model text,
    PRIMARY KEY (tenant_id, id)
  )`,
  'CREATE INDEX IF NOT EXISTS workflows_by_agent ON workflows (tenant_id, agent_id)',
  // Added after the first release: ADD COLUMN IF NOT EXISTS upgrades an older database in place.
  'ALTER TABLE workflows ADD COLUMN IF NOT EXISTS queue_timeout_ms integer',
  'ALTER TABLE workflows ADD COLUMN IF NOT EXISTS run_timeout_ms integer',
  // The id of the workflow's newest run, so that a run is numbered and inserted in one statement
  // (sql-run-store.ts). Workflows from before it have NULL until their next run sets it.
  'ALTER TABLE workflows ADD COLUMN IF NOT EXISTS last_run_id text',
  "ALTER TABLE workflows ALTER COLUMN last_run_id SET DEFAULT ''",
  // MCP tools (issue 5): the agent's servers by id and by tag, and the servers themselves.
  "ALTER TABLE agents ADD COLUMN IF NOT EXISTS mcp_server_ids text[] NOT NULL DEFAULT '{}'",
  "ALTER TABLE agents ADD COLUMN IF NOT EXISTS mcp_server_tags text[] NOT NULL DEFAULT '{}'",
  `CREATE TABLE IF NOT EXISTS mcp_servers (
    tenant_id text NOT NULL,
    id text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    name text NOT NULL,
    transport text NOT NULL,
    command text,
    args jsonb NOT NULL,
    env jsonb NOT NULL,
    url text,
    headers jsonb NOT NULL,
    allowed_tools text[] NOT NULL,
    tags text[] NOT NULL,
    PRIMARY KEY (tenant_id, id)
  )`,
  // Skills (issue 5): the agent's skills by id and tag, the workflow's by id, and the skills.
  "ALTER TABLE agents ADD COLUMN IF NOT EXISTS skill_ids text[] NOT NULL DEFAULT '{}'",
  "ALTER TABLE agents ADD COLUMN IF NOT EXISTS skill_tags text[] NOT NULL DEFAULT '{}'",
  "ALTER TABLE workflows ADD COLUMN IF NOT EXISTS skill_ids text[] NOT NULL DEFAULT '{}'",
  `CREATE TABLE IF NOT EXISTS skills (
    tenant_id text NOT NULL,
    id text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    name text NOT NULL,
    description text,
    instructions text NOT NULL,
    tags text[] NOT NULL,
    PRIMARY KEY (tenant_id, id)
  )`,
  // Context window (issue 5): the agent's own token budget; null: the deployment's.
  'ALTER TABLE agents ADD COLUMN IF NOT EXISTS context_budget integer',
  `CREATE TABLE IF NOT EXISTS runs (
    tenant_id text NOT NULL,
    id text NOT NULL,
    created_at timestamptz NOT NULL,
    started_at timestamptz,
    finished_at timestamptz,
    input_tokens integer NOT NULL DEFAULT 0,
    output_tokens integer NOT NULL DEFAULT 0,
    total_tokens integer NOT NULL DEFAULT 0,
    workflow_id text NOT NULL,
    status text NOT NULL,
    prompt text NOT NULL,
    output text,
    error_code text,
    error_message text,
    idempotency_key text,
    events_after text,
    PRIMARY KEY (tenant_id, id)
  )`,
  'CREATE INDEX IF NOT EXISTS runs_by_workflow ON runs (workflow_id, id)',
  // Reliability columns (see Run.attempt / timeoutAt / runTimeoutMs), added in place as above.
  'ALTER TABLE runs ADD COLUMN IF NOT EXISTS attempt integer NOT NULL DEFAULT 0',
  'ALTER TABLE runs ADD COLUMN IF NOT EXISTS timeout_at timestamptz',
  'ALTER TABLE runs ADD COLUMN IF NOT EXISTS run_timeout_ms integer',
  // False from a run's end until its terminal event is published (older rows count as announced).
  'ALTER TABLE runs ADD COLUMN IF NOT EXISTS announced boolean NOT NULL DEFAULT true',
  'CREATE INDEX IF NOT EXISTS runs_unannounced ON runs (finished_at) WHERE NOT announced',
  // The run sweeper's queries: only active runs are indexed, so the indexes stay small.
  `CREATE INDEX IF NOT EXISTS runs_overdue ON runs (timeout_at)
    WHERE status IN ('QUEUED', 'RUNNING') AND timeout_at IS NOT NULL`,
  `CREATE INDEX IF NOT EXISTS runs_active_by_age ON runs (created_at)
    WHERE status IN ('QUEUED', 'RUNNING')`,
  // The database, not the caller, guarantees at most one RUNNING run per workflow: concurrent
  // starts from any number of processes race on this index and all but one fail.
  `CREATE UNIQUE INDEX IF NOT EXISTS ${CONSTRAINTS.oneRunningRun}
    ON runs (workflow_id) WHERE status = 'RUNNING'`,
  `CREATE UNIQUE INDEX IF NOT EXISTS ${CONSTRAINTS.idempotencyKey}
    ON runs (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
  // Messages are rows of their own with only two indexes (id, and position in the workflow), so
  // a stored message costs little more than its content.
  // Fixed-width columns first: no alignment padding between them and the text columns, which
  // fits seven 1 KB messages in an 8 KB page instead of six (BENCHMARKS.md, storage).
  `CREATE TABLE IF NOT EXISTS messages (
    created_at timestamptz NOT NULL,
    idx integer NOT NULL,
    id text PRIMARY KEY,
    tenant_id text NOT NULL,
    workflow_id text NOT NULL,
    run_id text,
    role text NOT NULL,
    content text NOT NULL
  )`,
  'CREATE UNIQUE INDEX IF NOT EXISTS messages_by_workflow ON messages (workflow_id, idx)',
  // API tokens by hash only (the secret is never stored); revoked ones stay for the record.
  `CREATE TABLE IF NOT EXISTS api_tokens (
    id text PRIMARY KEY,
    tenant_id text NOT NULL,
    name text NOT NULL,
    token_hash text NOT NULL,
    prefix text NOT NULL,
    created_at timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at timestamptz
  )`,
  `CREATE UNIQUE INDEX IF NOT EXISTS ${CONSTRAINTS.tokenHash} ON api_tokens (token_hash)`,
  'CREATE INDEX IF NOT EXISTS api_tokens_by_tenant ON api_tokens (tenant_id, id)',
  // Secrets (issue 5): the value only sealed (AES-256-GCM), with the id of the key that sealed it.
  `CREATE TABLE IF NOT EXISTS secrets (
    tenant_id text NOT NULL,
    id text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    name text NOT NULL,
    description text,
    masked_suffix text,
    key_id text NOT NULL,
    iv text NOT NULL,
    auth_tag text NOT NULL,
    ciphertext text NOT NULL,
    PRIMARY KEY (tenant_id, id)
  )`,
  `CREATE UNIQUE INDEX IF NOT EXISTS ${CONSTRAINTS.secretName} ON secrets (tenant_id, name)`,
  // Model providers of tenants (bring your own key).
  `CREATE TABLE IF NOT EXISTS providers (
    tenant_id text NOT NULL,
    id text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    name text NOT NULL,
    type text NOT NULL,
    base_url text,
    api_key_secret text,
    headers jsonb NOT NULL,
    PRIMARY KEY (tenant_id, id)
  )`,
  `CREATE UNIQUE INDEX IF NOT EXISTS ${CONSTRAINTS.providerName} ON providers (tenant_id, name)`,
];

/**
 * Creates the schema (when named), tables and indexes. Idempotent, and safe when several
 * processes run it at once: `CREATE ... IF NOT EXISTS` alone can still race on the catalog, so
 * the statements run under a transaction-scoped advisory lock.
 */
export async function migrate(driver: SqlDriver, schema: string | undefined): Promise<void> {
  await driver.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [INIT_LOCK_KEY]);
    if (schema !== undefined) await tx.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    for (const statement of TABLES) await tx.query(statement);
  });
}
