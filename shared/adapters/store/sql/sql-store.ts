import type { Store } from '../../../ports/store.ts';
import { migrate } from './schema.ts';
import { createSqlAgentStore } from './sql-agent-store.ts';
import { assertIdentifier, type SqlDriver, withDataErrors } from './sql-driver.ts';
import { createSqlMcpServerStore } from './sql-mcp-server-store.ts';
import { createSqlMessageStore } from './sql-message-store.ts';
import { createSqlProviderStore } from './sql-provider-store.ts';
import { createSqlRunStore } from './sql-run-store.ts';
import { createSqlSecretStore } from './sql-secret-store.ts';
import { createSqlSkillStore } from './sql-skill-store.ts';
import { createSqlTokenStore } from './sql-token-store.ts';
import { createSqlWorkflowStore } from './sql-workflow-store.ts';

export interface SqlStoreOptions {
  /**
   * Schema that `init()` creates when missing. The driver must already point every connection's
   * `search_path` at it; the store's SQL names no schema. Default: none (the driver's default).
   */
  schema?: string | undefined;
}

/**
 * The SQL store over any PostgreSQL driver: one implementation for a server (`pg`) and for the
 * embedded PGlite, so both modes run the same SQL.
 */
export function createSqlStore(database: SqlDriver, options: SqlStoreOptions = {}): Store {
  const driver = withDataErrors(database);
  const schema =
    options.schema === undefined ? undefined : assertIdentifier(options.schema, 'Schema name');
  return {
    agents: createSqlAgentStore(driver),
    workflows: createSqlWorkflowStore(driver),
    runs: createSqlRunStore(driver),
    messages: createSqlMessageStore(driver),
    tokens: createSqlTokenStore(driver),
    mcpServers: createSqlMcpServerStore(driver),
    secrets: createSqlSecretStore(driver),
    providers: createSqlProviderStore(driver),
    skills: createSqlSkillStore(driver),
    init: () => migrate(driver, schema),
    async ping() {
      await driver.query('SELECT 1');
    },
    close: () => driver.close(),
  };
}
