import { type Collection, type Db, MongoServerError } from 'mongodb';
import type {
  Agent,
  McpServer,
  Message,
  MessageRole,
  Provider,
  Run,
  RunError,
  RunStatus,
  Secret,
  Skill,
  Usage,
  Workflow,
} from '../../../domain/types.ts';

/**
 * Documents as stored in MongoDB: the record's id is `_id` (a ULID, so sorting on `_id` is
 * creation order) and every document carries `tenantId`.
 */

export interface AgentDoc {
  _id: string;
  tenantId: string;
  name: string;
  systemPrompt: string;
  model: string;
  description: string | null;
  /** Absent on agents stored before MCP tools. */
  mcpServerIds?: string[];
  mcpServerTags?: string[];
  /** Absent on agents stored before skills and context budgets. */
  skillIds?: string[];
  skillTags?: string[];
  contextBudget?: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A skill (`Skill` with `_id`). */
export interface SkillDoc extends Omit<Skill, 'id'> {
  _id: string;
}

export function toSkill({ _id, ...doc }: SkillDoc): Skill {
  return { id: _id, ...doc };
}

/** An MCP server (`McpServer` with `_id`). */
export interface McpServerDoc extends Omit<McpServer, 'id'> {
  _id: string;
}

export function toMcpServer({ _id, ...doc }: McpServerDoc): McpServer {
  return { id: _id, ...doc };
}

/** A secret (`Secret` with `_id`); the value only sealed. */
export interface SecretDoc extends Omit<Secret, 'id'> {
  _id: string;
}

export function toSecret({ _id, ...doc }: SecretDoc): Secret {
  return { id: _id, ...doc };
}

/** A tenant's model provider (`Provider` with `_id`). */
export interface ProviderDoc extends Omit<Provider, 'id'> {
  _id: string;
}

export function toProvider({ _id, ...doc }: ProviderDoc): Provider {
  return { id: _id, ...doc };
}

export interface WorkflowDoc {
  _id: string;
  tenantId: string;
  agentId: string;
  title: string | null;
  model: string | null;
  maxTurns: number;
  /** Absent in documents written before per-workflow timeouts existed (read as null). */
  queueTimeoutMs?: number | null;
  runTimeoutMs?: number | null;
  /** Absent in documents written before skills (read as none). */
  skillIds?: string[];
  /**
   * The lease that serialises run creation for this workflow across processes (no transactions
   * on a standalone server): held by one `runs.create` at a time, expiring by itself if its
   * holder dies.
   */
  createLock?: { token: string; until: Date } | null;
  createdAt: Date;
}

export interface RunDoc {
  _id: string;
  tenantId: string;
  workflowId: string;
  status: RunStatus;
  prompt: string;
  output: string | null;
  error: RunError | null;
  usage: Usage;
  /** Null once the key is older than the idempotency window (or when none was given). */
  idempotencyKey: string | null;
  eventsAfter: string | null;
  /** Absent in documents written before these fields existed (read as 0 / null). */
  attempt?: number;
  timeoutAt?: Date | null;
  runTimeoutMs?: number | null;
  /** False from the run's end until its terminal event is published; absent counts as true. */
  announced?: boolean;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface MessageDoc {
  _id: string;
  tenantId: string;
  workflowId: string;
  runId: string | null;
  index: number;
  role: MessageRole;
  content: string;
  createdAt: Date;
}

/** An API token, stored by hash only. */
export interface ApiTokenDoc {
  _id: string;
  tenantId: string;
  name: string;
  tokenHash: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The store's collections, typed. */
export interface Collections {
  agents: Collection<AgentDoc>;
  workflows: Collection<WorkflowDoc>;
  runs: Collection<RunDoc>;
  messages: Collection<MessageDoc>;
  tokens: Collection<ApiTokenDoc>;
  mcpServers: Collection<McpServerDoc>;
  secrets: Collection<SecretDoc>;
  providers: Collection<ProviderDoc>;
  skills: Collection<SkillDoc>;
}

export function collectionsOf(db: Db): Collections {
  return {
    agents: db.collection<AgentDoc>('agents'),
    workflows: db.collection<WorkflowDoc>('workflows'),
    runs: db.collection<RunDoc>('runs'),
    messages: db.collection<MessageDoc>('messages'),
    tokens: db.collection<ApiTokenDoc>('api_tokens'),
    mcpServers: db.collection<McpServerDoc>('mcp_servers'),
    secrets: db.collection<SecretDoc>('secrets'),
    providers: db.collection<ProviderDoc>('providers'),
    skills: db.collection<SkillDoc>('skills'),
  };
}

/** True for MongoDB's duplicate key error (E11000), from single and bulk writes alike. */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

export function toAgent({ _id, ...doc }: AgentDoc): Agent {
  return {
    id: _id,
    tenantId: doc.tenantId,
    name: doc.name,
    systemPrompt: doc.systemPrompt,
    model: doc.model,
    description: doc.description,
    mcpServerIds: doc.mcpServerIds ?? [],
    mcpServerTags: doc.mcpServerTags ?? [],
    skillIds: doc.skillIds ?? [],
    skillTags: doc.skillTags ?? [],
    contextBudget: doc.contextBudget ?? null,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

export function toWorkflow({ _id, ...doc }: WorkflowDoc): Workflow {
  return {
    id: _id,
    tenantId: doc.tenantId,
    agentId: doc.agentId,
    title: doc.title,
    model: doc.model,
    maxTurns: doc.maxTurns,
    queueTimeoutMs: doc.queueTimeoutMs ?? null,
    runTimeoutMs: doc.runTimeoutMs ?? null,
    skillIds: doc.skillIds ?? [],
    createdAt: doc.createdAt,
  };
}

export function toRun({ _id, ...doc }: RunDoc): Run {
  return {
    id: _id,
    tenantId: doc.tenantId,
    workflowId: doc.workflowId,
    status: doc.status,
    prompt: doc.prompt,
    output: doc.output,
    error: doc.error ? { code: doc.error.code, message: doc.error.message } : null,
    usage: {
      inputTokens: doc.usage.inputTokens,
      outputTokens: doc.usage.outputTokens,
      totalTokens: doc.usage.totalTokens,
    },
    idempotencyKey: doc.idempotencyKey,
    eventsAfter: doc.eventsAfter,
    attempt: doc.attempt ?? 0,
    timeoutAt: doc.timeoutAt ?? null,
    runTimeoutMs: doc.runTimeoutMs ?? null,
    createdAt: doc.createdAt,
    startedAt: doc.startedAt,
    finishedAt: doc.finishedAt,
  };
}

export function toMessage({ _id, ...doc }: MessageDoc): Message {
  return {
    id: _id,
    tenantId: doc.tenantId,
    workflowId: doc.workflowId,
    runId: doc.runId,
    index: doc.index,
    role: doc.role,
    content: doc.content,
    createdAt: doc.createdAt,
  };
}
