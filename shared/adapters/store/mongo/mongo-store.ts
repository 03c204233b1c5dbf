import { MongoClient } from 'mongodb';
import type { Store } from '../../../ports/store.ts';
import { collectionsOf } from './documents.ts';
import { ensureIndexes } from './indexes.ts';
import { createMongoAgentStore } from './mongo-agent-store.ts';
import { createMongoMcpServerStore } from './mongo-mcp-server-store.ts';
import { createMongoMessageStore } from './mongo-message-store.ts';
import { createMongoProviderStore } from './mongo-provider-store.ts';
import { createMongoRunStore } from './mongo-run-store.ts';
import { createMongoSecretStore } from './mongo-secret-store.ts';
import { createMongoSkillStore } from './mongo-skill-store.ts';
import { createMongoTokenStore } from './mongo-token-store.ts';
import { createMongoWorkflowStore } from './mongo-workflow-store.ts';

/** Database used when neither `dbName` nor the URI names one. */
export const DEFAULT_MONGO_DB_NAME = 'agentgate';

export interface MongoStoreOptions {
  /** `mongodb://` or `mongodb+srv://` connection string. */
  uri: string;
  /** Database holding the collections. Default: the one named in `uri`, else {@link DEFAULT_MONGO_DB_NAME}. */
  dbName?: string;
}

/** The database path of a MongoDB URI (`mongodb://host/db?opts`), if it names one. */
function dbNameInUri(uri: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]+)/.exec(uri);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

/**
 * The store on MongoDB through the official driver (distributed mode). It needs no replica set:
 * every multi-step write is ordered and idempotent instead of transactional (see each store).
 * The client connects on first use.
 */
export function createMongoStore(options: MongoStoreOptions): Store {
  const client = new MongoClient(options.uri);
  const db = client.db(options.dbName ?? dbNameInUri(options.uri) ?? DEFAULT_MONGO_DB_NAME);
  const collections = collectionsOf(db);
  return {
    agents: createMongoAgentStore(collections),
    mcpServers: createMongoMcpServerStore(collections),
    secrets: createMongoSecretStore(collections),
    providers: createMongoProviderStore(collections),
    skills: createMongoSkillStore(collections),
    workflows: createMongoWorkflowStore(collections),
    runs: createMongoRunStore(collections),
    messages: createMongoMessageStore(collections),
    tokens: createMongoTokenStore(collections),
    init: () => ensureIndexes(collections),
    async ping() {
      await db.command({ ping: 1 });
    },
    close: () => client.close(),
  };
}
