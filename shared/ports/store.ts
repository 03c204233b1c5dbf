import type {
  Agent,
  Message,
  MessageRole,
  Run,
  RunError,
  RunStatus,
  Usage,
  Workflow,
} from '../domain/types.ts';
import type { Page, PageArgs } from './pagination.ts';

/**
 * The store: durable state. Adapters do I/O only; services authorise and orchestrate.
 * Every method is scoped by tenant: a record of another tenant behaves exactly like a missing one.
 * `getMany` returns one entry per requested id, in the order asked (null where missing), so it
 * backs a DataLoader directly.
 */
export interface Store {
  readonly agents: AgentStore;
  readonly workflows: WorkflowStore;
  readonly runs: RunStore;
  readonly messages: MessageStore;
  /** Creates tables/collections and indexes. Idempotent; safe to run from every process on start. */
  init(): Promise<void>;
  /** Resolves when the backing database answers; used by `/readyz`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface NewAgent {
  tenantId: string;
  name: string;
  systemPrompt: string;
  model: string;
  description: string | null;
}

export interface AgentPatch {
  name?: string;
  systemPrompt?: string;
  model?: string;
  description?: string | null;
}

export interface AgentStore {
  create(input: NewAgent): Promise<Agent>;
  getMany(tenantId: string, ids: readonly string[]): Promise<(Agent | null)[]>;
  /** Newest first. `after` is an agent id. */
  list(tenantId: string, page: PageArgs): Promise<Page<Agent>>;
  /** Applies the fields present in `patch`; null when the agent does not exist. */
  update(tenantId: string, id: string, patch: AgentPatch): Promise<Agent | null>;
  /** True when the agent existed and is now gone. */
  delete(tenantId: string, id: string): Promise<boolean>;
}

export interface NewWorkflow {
  tenantId: string;
  agentId: string;
  title: string | null;
  model: string | null;
  maxTurns: number;
}

export interface WorkflowStore {
  create(input: NewWorkflow): Promise<Workflow>;
  getMany(tenantId: string, ids: readonly string[]): Promise<(Workflow | null)[]>;
  /** Newest first. `after` is a workflow id. */
  list(tenantId: string, page: PageArgs): Promise<Page<Workflow>>;
  /** How many workflows use the agent (to refuse deleting an agent still in use). */
  countByAgent(tenantId: string, agentId: string): Promise<number>;
  /** Deletes the workflow with its runs and messages in one atomic step. */
  delete(tenantId: string, id: string): Promise<boolean>;
}

export interface NewRun {
  tenantId: string;
  workflowId: string;
  prompt: string;
  idempotencyKey: string | null;
  eventsAfter: string | null;
}

export interface CreateRunResult {
  run: Run;
  /** False when a run with the same idempotency key already existed and is returned instead. */
  created: boolean;
}

/** Fields set together with a status change. Absent fields are left as they are. */
export interface RunPatch {
  status: RunStatus;
  output?: string | null;
  error?: RunError | null;
  usage?: Usage;
  startedAt?: Date | null;
  finishedAt?: Date | null;
}

export type StartRunResult =
  | { ok: true; run: Run }
  /**
   * `NOT_QUEUED`: the run is not QUEUED (cancelled, finished, missing, or already started).
   * `BUSY`: another run of the workflow is RUNNING, or an older run of it is still QUEUED —
   * runs of one workflow start one at a time, oldest first.
   */
  | { ok: false; reason: 'NOT_QUEUED' | 'BUSY' };

export interface RunStore {
  /**
   * Creates a QUEUED run. With an idempotency key, a run of the same tenant and key created within
   * `idempotencyWindowMs` is returned instead (created: false); an older one loses its key.
   */
  create(input: NewRun, options: { idempotencyWindowMs: number }): Promise<CreateRunResult>;
  getMany(tenantId: string, ids: readonly string[]): Promise<(Run | null)[]>;
  /** Newest first. `after` is a run id. */
  listByWorkflow(tenantId: string, workflowId: string, page: PageArgs): Promise<Page<Run>>;
  /** Per workflow: its RUNNING run, else its oldest QUEUED run, else null. */
  activeByWorkflow(tenantId: string, workflowIds: readonly string[]): Promise<(Run | null)[]>;
  /** Per workflow: the sum of its runs' usage. */
  usageByWorkflow(tenantId: string, workflowIds: readonly string[]): Promise<Usage[]>;
  /**
   * Atomically moves QUEUED → RUNNING (setting startedAt) if and only if no other run of the
   * workflow is RUNNING and no older run of it is QUEUED. At most one run per workflow is ever
   * RUNNING, also under concurrent callers in different processes.
   */
  start(tenantId: string, id: string, startedAt: Date): Promise<StartRunResult>;
  /**
   * Compare-and-set: applies `patch` only if the run's current status is one of `from`. Returns the
   * updated run, or null when the status did not match (or the run does not exist). This is what
   * makes a run terminal exactly once.
   */
  transition(
    tenantId: string,
    id: string,
    from: readonly RunStatus[],
    patch: RunPatch,
  ): Promise<Run | null>;
}

export interface NewMessage {
  /** Chosen by the caller, so deltas can name the message before it is stored. */
  id: string;
  tenantId: string;
  workflowId: string;
  runId: string | null;
  role: MessageRole;
  content: string;
}

export interface MessageStore {
  /**
   * Stores the messages in order, giving them consecutive indexes after the workflow's last one.
   * Idempotent by id: a message whose id is already stored is returned as stored, not duplicated.
   */
  append(messages: readonly NewMessage[]): Promise<Message[]>;
  /** Oldest first (by index). `after` is a message index in decimal. */
  list(tenantId: string, workflowId: string, page: PageArgs): Promise<Page<Message>>;
  /** The whole conversation, oldest first. */
  history(tenantId: string, workflowId: string): Promise<Message[]>;
}
