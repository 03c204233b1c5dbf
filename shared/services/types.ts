import type { Logger } from '../logger.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { JobQueue } from '../ports/job-queue.ts';
import type { Store } from '../ports/store.ts';
import type { SecretCipher } from '../secrets/secret-cipher.ts';
import type { McpProbe } from './mcp-servers.ts';

/** Who is asking. Every service call is scoped to the viewer's tenant. */
export interface Viewer {
  tenantId: string;
  /** The API token the request authenticated with; absent for the local tenant and internal calls. */
  tokenId?: string;
}

/** Checks a `provider:model` string against the tenant's provider records and the deployment's. */
export interface ModelValidator {
  /** Rejects with `BadUserInputError` for a malformed string or an unknown provider or model. */
  validate(tenantId: string, model: string): Promise<void>;
}

export interface ServiceLimits {
  /** Longest accepted prompt, in characters. */
  maxPromptChars: number;
  /** `maxTurns` of a workflow created without one. */
  defaultMaxTurns: number;
  /** How long `cancelRun` waits for the worker's terminal event before ending the run itself. */
  cancelGraceMs: number;
  /** Queue-wait limit of a run in ms (`RUN_QUEUE_TIMEOUT_MS`); workflows may lower it. Absent: none. */
  queueTimeoutMs?: number;
  /** Execution limit of a run in ms (`RUN_TIMEOUT_MS`); workflows may lower it. Absent: none. */
  runTimeoutMs?: number;
}

export interface ServiceDeps {
  store: Store;
  bus: EventBus;
  queue: JobQueue;
  models: ModelValidator;
  limits: ServiceLimits;
  logger: Logger;
  /** Connects to MCP servers for `testMcpServer`; absent: the test reports it cannot connect. */
  mcpProbe?: McpProbe;
  /** Whether stdio MCP servers may be stored now (workers check again at every spawn). Default: no. */
  mcpStdioAllowed?: () => Promise<boolean>;
  /** Seals secret values (SECRETS_KEYS); absent or null: secrets cannot be stored (FORBIDDEN). */
  secretCipher?: SecretCipher | null;
}
