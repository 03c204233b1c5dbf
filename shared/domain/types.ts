/**
 * Domain records. Every record carries the tenant it belongs to; stores always scope reads and
 * writes by tenant, so another tenant's record is indistinguishable from a missing one.
 */

/** The tenant used until API tokens exist (issue: tenants). */
export const DEFAULT_TENANT_ID = 'default';

export const RUN_STATUSES = [
  'QUEUED',
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'MAX_TURNS_REACHED',
  'TIMED_OUT',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const MESSAGE_ROLES = ['SYSTEM', 'USER', 'ASSISTANT', 'TOOL'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

export const TOOL_CALL_STATUSES = ['STARTED', 'SUCCEEDED', 'FAILED'] as const;
export type ToolCallStatus = (typeof TOOL_CALL_STATUSES)[number];

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

/**
 * Longest model string (`provider:model`) accepted anywhere, in characters: real model ids are far
 * shorter, and a model string ends up in messages, logs and metrics.
 */
export const MAX_MODEL_CHARS = 200;

export const ZERO_USAGE: Usage = Object.freeze({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });

export interface RunError {
  /** Stable SCREAMING_SNAKE code, e.g. `PROVIDER_RATE_LIMITED`. */
  code: string;
  message: string;
}

export interface Agent {
  id: string;
  tenantId: string;
  name: string;
  systemPrompt: string;
  /** `provider:model`, e.g. `openai:gpt-4.1` or `demo:echo`. */
  model: string;
  description: string | null;
  /** MCP servers whose tools the agent may call, by id … */
  mcpServerIds: string[];
  /** … and by tag: every server carrying one of these tags (the union, each server once). */
  mcpServerTags: string[];
  /** Skills added to the agent's system prompt, by id … */
  skillIds: string[];
  /** … and by tag: every skill carrying one of these tags (the union, each skill once). */
  skillTags: string[];
  /**
   * Most estimated tokens (system prompt and messages) one model call may send; older context is
   * compacted to fit. Null: the deployment's `CONTEXT_BUDGET_TOKENS`.
   */
  contextBudget: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Workflow {
  id: string;
  tenantId: string;
  agentId: string;
  title: string | null;
  /** Model override; `null` means "use the agent's model". */
  model: string | null;
  maxTurns: number;
  /**
   * This workflow's own queue-wait limit in ms, which can only lower the deployment's
   * (`RUN_QUEUE_TIMEOUT_MS`); null: the deployment's.
   */
  queueTimeoutMs: number | null;
  /**
   * This workflow's own execution limit in ms, which can only lower the deployment's
   * (`RUN_TIMEOUT_MS`); null: the deployment's.
   */
  runTimeoutMs: number | null;
  /** Skills this workflow adds to its agent's (by id; deleted skills are removed from the list). */
  skillIds: string[];
  createdAt: Date;
}

export interface Run {
  id: string;
  tenantId: string;
  workflowId: string;
  status: RunStatus;
  prompt: string;
  output: string | null;
  error: RunError | null;
  usage: Usage;
  idempotencyKey: string | null;
  /**
   * The workflow's last event cursor when the run was created (null when the log was empty).
   * Every event of this run comes after it, so `runEvents` replays from here.
   */
  eventsAfter: string | null;
  /**
   * Executions of the run begun so far: 0 while QUEUED, 1 once a worker started it, one more each
   * time a worker takes it over (after a crash, a failed attempt or a hand-back on shutdown). It
   * fences stale workers: only the current attempt may record progress or end the run.
   */
  attempt: number;
  /**
   * When the run ends TIMED_OUT if it is still active: while QUEUED, its queue-wait deadline;
   * once RUNNING, its execution deadline. Null: no limit.
   */
  timeoutAt: Date | null;
  /** The execution limit in ms the run gets once it starts; null: none. */
  runTimeoutMs: number | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface Message {
  id: string;
  tenantId: string;
  workflowId: string;
  runId: string | null;
  /** Position in the workflow's conversation, 1-based, strictly increasing. */
  index: number;
  role: MessageRole;
  content: string;
  createdAt: Date;
}

export const TERMINAL_STATUSES: ReadonlySet<RunStatus> = new Set([
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'MAX_TURNS_REACHED',
  'TIMED_OUT',
]);

export const ACTIVE_STATUSES: readonly RunStatus[] = ['QUEUED', 'RUNNING'];

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/**
 * The run state machine: which statuses a run may move to from each status.
 * Terminal statuses have no successors, so a run ends exactly once.
 */
export const RUN_TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  QUEUED: ['RUNNING', 'CANCELLED', 'TIMED_OUT', 'FAILED'],
  RUNNING: ['SUCCEEDED', 'FAILED', 'CANCELLED', 'MAX_TURNS_REACHED', 'TIMED_OUT', 'QUEUED'],
  SUCCEEDED: [],
  FAILED: [],
  CANCELLED: [],
  MAX_TURNS_REACHED: [],
  TIMED_OUT: [],
};

/** Statuses from which `to` may be entered. */
export function sourcesOf(to: RunStatus): RunStatus[] {
  return (Object.keys(RUN_TRANSITIONS) as RunStatus[]).filter((from) =>
    RUN_TRANSITIONS[from].includes(to),
  );
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
}

/** How a worker reaches an MCP server. */
export const MCP_TRANSPORTS = ['stdio', 'http', 'sse'] as const;
export type McpTransport = (typeof MCP_TRANSPORTS)[number];

/**
 * An MCP server agents may use for tools. `stdio`: the worker spawns `command` with `args` and
 * `env`; `http` (streamable HTTP) and `sse`: it connects to `url` with `headers`.
 * `env` and `headers` are stored as plain values (secret references arrive with secrets).
 */
export interface McpServer {
  id: string;
  tenantId: string;
  name: string;
  transport: McpTransport;
  command: string | null;
  args: string[];
  env: Record<string, string>;
  url: string | null;
  headers: Record<string, string>;
  /** Tool names agents may call; empty means every tool the server lists. */
  allowedTools: string[];
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * A skill: named instructions that agents (by id or tag) and workflows (by id) add to the system
 * prompt of their runs.
 */
export interface Skill {
  id: string;
  tenantId: string;
  name: string;
  /** One line on what the skill is for; shown with it in the system prompt. */
  description: string | null;
  /** The text injected into the system prompt. */
  instructions: string;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * A secret: a named value of a tenant, stored encrypted (AES-256-GCM, see shared/secrets). The
 * value itself never leaves the store except to be opened where it is used; the API shows
 * `maskedSuffix` at most.
 */
export interface Secret {
  id: string;
  tenantId: string;
  /** Unique per tenant, immutable (it is bound into the ciphertext); `{{secret:NAME}}` names it. */
  name: string;
  description: string | null;
  /** The value's last 4 characters when it has at least 12; null otherwise. */
  maskedSuffix: string | null;
  /** Which key sealed the value, with the IV, tag and ciphertext (base64). */
  sealed: {
    keyId: string;
    iv: string;
    authTag: string;
    ciphertext: string;
  };
  createdAt: Date;
  updatedAt: Date;
}

/** The wire formats a provider record can speak (as the deployment's providers). */
export const PROVIDER_TYPES = ['openai', 'anthropic', 'openai-compatible'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/**
 * A model provider of a tenant (bring your own key). Model strings `name:model` resolve to the
 * tenant's provider of that name first, then to the deployment's.
 */
export interface Provider {
  id: string;
  tenantId: string;
  /** Unique per tenant, immutable; the prefix of model strings. */
  name: string;
  type: ProviderType;
  /** API root including the version segment; null: the vendor's (required for openai-compatible). */
  baseURL: string | null;
  /** The name of the secret holding the API key; null: no key. */
  apiKeySecret: string | null;
  /** Extra request headers; values may hold `{{secret:NAME}}` references. */
  headers: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
}
