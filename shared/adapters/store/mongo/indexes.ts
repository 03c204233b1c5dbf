import type { Collections } from './documents.ts';

/**
 * Creates every index the store relies on. `createIndexes` with an identical spec is a no-op, so
 * this is idempotent and safe from every process at once.
 */
export async function ensureIndexes({
  agents,
  workflows,
  runs,
  messages,
  tokens,
  mcpServers,
  secrets,
  providers,
  skills,
}: Collections) {
  await Promise.all([
    // Names are unique per tenant: a duplicate create fails on the index (E11000).
    secrets.createIndexes([
      { key: { tenantId: 1, name: 1 }, name: 'secrets_by_name', unique: true },
      { key: { tenantId: 1, _id: 1 }, name: 'secrets_by_tenant' },
      { key: { 'sealed.keyId': 1, _id: 1 }, name: 'secrets_by_key' },
    ]),
    providers.createIndexes([
      { key: { tenantId: 1, name: 1 }, name: 'providers_by_name', unique: true },
      { key: { tenantId: 1, _id: 1 }, name: 'providers_by_tenant' },
    ]),
    mcpServers.createIndexes([
      { key: { tenantId: 1, _id: 1 }, name: 'mcp_servers_by_tenant' },
      { key: { tenantId: 1, tags: 1 }, name: 'mcp_servers_by_tag' },
    ]),
    skills.createIndexes([
      { key: { tenantId: 1, _id: 1 }, name: 'skills_by_tenant' },
      { key: { tenantId: 1, tags: 1 }, name: 'skills_by_tag' },
    ]),
    agents.createIndexes([{ key: { tenantId: 1, _id: 1 }, name: 'agents_by_tenant' }]),
    workflows.createIndexes([
      { key: { tenantId: 1, _id: 1 }, name: 'workflows_by_tenant' },
      { key: { tenantId: 1, agentId: 1 }, name: 'workflows_by_agent' },
    ]),
    runs.createIndexes([
      { key: { workflowId: 1, _id: 1 }, name: 'runs_by_workflow' },
      // The database, not the caller, guarantees at most one RUNNING run per workflow: racing
      // starts in any number of processes collide on this index and all but one fail.
      {
        key: { workflowId: 1 },
        name: 'runs_one_running',
        unique: true,
        partialFilterExpression: { status: 'RUNNING' },
      },
      // The run sweeper's queries (by status first: it only ever asks for active runs).
      { key: { status: 1, timeoutAt: 1 }, name: 'runs_overdue' },
      { key: { status: 1, createdAt: 1 }, name: 'runs_active_by_age' },
      { key: { announced: 1, finishedAt: 1 }, name: 'runs_unannounced' },
      // Only string keys are indexed: runs without a key, or whose key expired, hold null.
      {
        key: { tenantId: 1, idempotencyKey: 1 },
        name: 'runs_idempotency_key',
        unique: true,
        partialFilterExpression: { idempotencyKey: { $type: 'string' } },
      },
    ]),
    messages.createIndexes([
      { key: { workflowId: 1, index: 1 }, name: 'messages_by_workflow', unique: true },
    ]),
    tokens.createIndexes([
      { key: { tokenHash: 1 }, name: 'api_tokens_by_hash', unique: true },
      { key: { tenantId: 1, _id: 1 }, name: 'api_tokens_by_tenant' },
    ]),
  ]);
}
