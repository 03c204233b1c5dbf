import type {
  Agent,
  McpServer,
  McpTransport,
  Message,
  MessageRole,
  Provider,
  Run,
  RunStatus,
  Secret,
  Skill,
  Usage,
  Workflow,
} from '../../../domain/types.ts';

/**
 * Row shapes as the drivers return them, and their mapping to domain records. `pg` returns
 * int8 aggregates as strings and PGlite as numbers, so numbers go through `Number()`; timestamps
 * arrive as Date from both, but are normalised anyway.
 */

type Timestamp = Date | string;

export interface AgentRow {
  tenant_id: string;
  id: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  name: string;
  system_prompt: string;
  model: string;
  description: string | null;
  mcp_server_ids: string[] | null;
  mcp_server_tags: string[] | null;
  skill_ids: string[] | null;
  skill_tags: string[] | null;
  context_budget: number | null;
}

export interface SkillRow {
  tenant_id: string;
  id: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  name: string;
  description: string | null;
  instructions: string;
  tags: string[];
}

export function toSkill(row: SkillRow): Skill {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    description: row.description,
    instructions: row.instructions,
    tags: row.tags,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

export interface McpServerRow {
  tenant_id: string;
  id: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  name: string;
  transport: McpTransport;
  command: string | null;
  args: string[];
  env: Record<string, string>;
  url: string | null;
  headers: Record<string, string>;
  allowed_tools: string[];
  tags: string[];
}

export function toMcpServer(row: McpServerRow): McpServer {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    transport: row.transport,
    command: row.command,
    args: row.args,
    env: row.env,
    url: row.url,
    headers: row.headers,
    allowedTools: row.allowed_tools,
    tags: row.tags,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

export interface WorkflowRow {
  tenant_id: string;
  id: string;
  created_at: Timestamp;
  max_turns: number;
  agent_id: string;
  title: string | null;
  model: string | null;
  queue_timeout_ms: number | null;
  run_timeout_ms: number | null;
  skill_ids: string[] | null;
}

export interface RunRow {
  tenant_id: string;
  id: string;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  input_tokens: number | string;
  output_tokens: number | string;
  total_tokens: number | string;
  workflow_id: string;
  status: RunStatus;
  prompt: string;
  output: string | null;
  error_code: string | null;
  error_message: string | null;
  idempotency_key: string | null;
  events_after: string | null;
  attempt: number | string;
  timeout_at: Timestamp | null;
  run_timeout_ms: number | null;
}

export interface MessageRow {
  id: string;
  created_at: Timestamp;
  idx: number;
  tenant_id: string;
  workflow_id: string;
  run_id: string | null;
  role: MessageRole;
  content: string;
}

export interface UsageRow {
  workflow_id: string;
  input_tokens: number | string;
  output_tokens: number | string;
  total_tokens: number | string;
}

function toDate(value: Timestamp): Date {
  return value instanceof Date ? value : new Date(value);
}

function toDateOrNull(value: Timestamp | null): Date | null {
  return value === null ? null : toDate(value);
}

export function toAgent(row: AgentRow): Agent {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    systemPrompt: row.system_prompt,
    model: row.model,
    description: row.description,
    mcpServerIds: row.mcp_server_ids ?? [],
    mcpServerTags: row.mcp_server_tags ?? [],
    skillIds: row.skill_ids ?? [],
    skillTags: row.skill_tags ?? [],
    contextBudget: row.context_budget === null ? null : Number(row.context_budget),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

export function toWorkflow(row: WorkflowRow): Workflow {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    agentId: row.agent_id,
    title: row.title,
    model: row.model,
    maxTurns: Number(row.max_turns),
    queueTimeoutMs: row.queue_timeout_ms === null ? null : Number(row.queue_timeout_ms),
    runTimeoutMs: row.run_timeout_ms === null ? null : Number(row.run_timeout_ms),
    skillIds: row.skill_ids ?? [],
    createdAt: toDate(row.created_at),
  };
}

export function toUsage(
  row: Pick<UsageRow, 'input_tokens' | 'output_tokens' | 'total_tokens'>,
): Usage {
  return {
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    totalTokens: Number(row.total_tokens),
  };
}

export function toRun(row: RunRow): Run {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    workflowId: row.workflow_id,
    status: row.status,
    prompt: row.prompt,
    output: row.output,
    // Both columns are written together, so one being null means there is no error.
    error:
      row.error_code === null || row.error_message === null
        ? null
        : { code: row.error_code, message: row.error_message },
    usage: toUsage(row),
    idempotencyKey: row.idempotency_key,
    eventsAfter: row.events_after,
    attempt: Number(row.attempt),
    timeoutAt: toDateOrNull(row.timeout_at),
    runTimeoutMs: row.run_timeout_ms === null ? null : Number(row.run_timeout_ms),
    createdAt: toDate(row.created_at),
    startedAt: toDateOrNull(row.started_at),
    finishedAt: toDateOrNull(row.finished_at),
  };
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    workflowId: row.workflow_id,
    runId: row.run_id,
    index: Number(row.idx),
    role: row.role,
    content: row.content,
    createdAt: toDate(row.created_at),
  };
}

export interface SecretRow {
  tenant_id: string;
  id: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  name: string;
  description: string | null;
  masked_suffix: string | null;
  key_id: string;
  iv: string;
  auth_tag: string;
  ciphertext: string;
}

export function toSecret(row: SecretRow): Secret {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    description: row.description,
    maskedSuffix: row.masked_suffix,
    sealed: { keyId: row.key_id, iv: row.iv, authTag: row.auth_tag, ciphertext: row.ciphertext },
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

export interface ProviderRow {
  tenant_id: string;
  id: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  name: string;
  type: Provider['type'];
  base_url: string | null;
  api_key_secret: string | null;
  headers: Record<string, string>;
}

export function toProvider(row: ProviderRow): Provider {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    type: row.type,
    baseURL: row.base_url,
    apiKeySecret: row.api_key_secret,
    headers: row.headers,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}
