import type { ApiToken } from '../domain/api-tokens.ts';
import type {
  Agent,
  McpServer,
  McpTransport,
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
  /** API tokens; the one store not scoped by tenant (a token is what names the tenant). */
  readonly tokens: TokenStore;
  /** MCP servers agents may use for tools. */
  readonly mcpServers: McpServerStore;
  /** Encrypted secrets (values sealed by the caller). */
  readonly secrets: SecretStore;
  /** Model providers of tenants (bring your own key). */
  readonly providers: ProviderStore;
  /** Skills agents and workflows add to the system prompt. */
  readonly skills: SkillStore;
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
  /** Default none. */
  mcpServerIds?: string[];
  /** Default none. */
  mcpServerTags?: string[];
  /** Default none. */
  skillIds?: string[];
  /** Default none. */
  skillTags?: string[];
  /** Default null (the deployment's budget). */
  contextBudget?: number | null;
}

export interface AgentPatch {
  name?: string;
  systemPrompt?: string;
  model?: string;
  description?: string | null;
  mcpServerIds?: string[];
  mcpServerTags?: string[];
  skillIds?: string[];
  skillTags?: string[];
  contextBudget?: number | null;
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

export interface NewMcpServer {
  tenantId: string;
  name: string;
  transport: McpTransport;
  command: string | null;
  args: string[];
  env: Record<string, string>;
  url: string | null;
  headers: Record<string, string>;
  allowedTools: string[];
  tags: string[];
}

export type McpServerPatch = Partial<Omit<NewMcpServer, 'tenantId'>>;

export interface McpServerStore {
  create(input: NewMcpServer): Promise<McpServer>;
  getMany(tenantId: string, ids: readonly string[]): Promise<(McpServer | null)[]>;
  /** Newest first. `after` is a server id. */
  list(tenantId: string, page: PageArgs): Promise<Page<McpServer>>;
  /** The tenant's servers carrying at least one of `tags`, oldest first (empty tags: none). */
  listByTags(tenantId: string, tags: readonly string[]): Promise<McpServer[]>;
  /** Applies the fields present in `patch`; null when the server does not exist. */
  update(tenantId: string, id: string, patch: McpServerPatch): Promise<McpServer | null>;
  /** True when the server existed and is now gone. */
  delete(tenantId: string, id: string): Promise<boolean>;
}

export interface NewSkill {
  tenantId: string;
  name: string;
  description: string | null;
  instructions: string;
  tags: string[];
}

export type SkillPatch = Partial<Omit<NewSkill, 'tenantId'>>;

export interface SkillStore {
  create(input: NewSkill): Promise<Skill>;
  getMany(tenantId: string, ids: readonly string[]): Promise<(Skill | null)[]>;
  /** Newest first. `after` is a skill id. */
  list(tenantId: string, page: PageArgs): Promise<Page<Skill>>;
  /** The tenant's skills carrying at least one of `tags`, oldest first (empty tags: none). */
  listByTags(tenantId: string, tags: readonly string[]): Promise<Skill[]>;
  /** Applies the fields present in `patch`; null when the skill does not exist. */
  update(tenantId: string, id: string, patch: SkillPatch): Promise<Skill | null>;
  /**
   * Deletes the skill and removes its id from the tenant's agents (`skillIds`) and workflows
   * (`skillIds`), so no selection names a skill that is gone. True when the skill existed.
   */
  delete(tenantId: string, id: string): Promise<boolean>;
}

export interface NewWorkflow {
  tenantId: string;
  agentId: string;
  title: string | null;
  model: string | null;
  maxTurns: number;
  /** The workflow's own queue-wait limit in ms (absent or null: the deployment's). */
  queueTimeoutMs?: number | null;
  /** The workflow's own execution limit in ms (absent or null: the deployment's). */
  runTimeoutMs?: number | null;
  /** Skills of the workflow by id (default none). */
  skillIds?: string[];
}

export interface WorkflowStore {
  create(input: NewWorkflow): Promise<Workflow>;
  getMany(tenantId: string, ids: readonly string[]): Promise<(Workflow | null)[]>;
  /** Newest first. `after` is a workflow id. */
  list(tenantId: string, page: PageArgs): Promise<Page<Workflow>>;
  /** How many workflows use the agent (to refuse deleting an agent still in use). */
  countByAgent(tenantId: string, agentId: string): Promise<number>;
  /** Replaces the workflow's skill ids; null when the workflow does not exist. */
  setSkillIds(tenantId: string, id: string, skillIds: readonly string[]): Promise<Workflow | null>;
  /** Deletes the workflow with its runs and messages in one atomic step. */
  delete(tenantId: string, id: string): Promise<boolean>;
}

export interface NewRun {
  tenantId: string;
  workflowId: string;
  prompt: string;
  idempotencyKey: string | null;
  eventsAfter: string | null;
  /** The run ends TIMED_OUT when it has not started this many ms after it was created (absent or null: never). */
  queueTimeoutMs?: number | null;
  /** The run ends TIMED_OUT when it has not ended this many ms after it started (absent or null: never). */
  runTimeoutMs?: number | null;
}

/**
 * What `create` does when the workflow already has an active (QUEUED or RUNNING) run:
 * `ENQUEUE` adds the run behind it; `REJECT` creates nothing and answers BUSY; `INTERRUPT` cancels
 * the workflow's QUEUED runs in the same atomic step and adds the run (a RUNNING run is left to
 * its worker: the caller asks it to stop, and the new run starts once it has ended).
 */
export type IfBusyPolicy = 'ENQUEUE' | 'REJECT' | 'INTERRUPT';

export interface CreateRunOptions {
  /** A run with the same tenant and idempotency key created within this many ms is returned instead. */
  idempotencyWindowMs: number;
  /** Default `ENQUEUE`. */
  ifBusy?: IfBusyPolicy;
}

export type CreateRunResult =
  | {
      run: Run;
      created: true;
      /** INTERRUPT: the QUEUED runs of the workflow this create moved to CANCELLED (else empty). */
      cancelled: Run[];
      /** INTERRUPT: the workflow's RUNNING run, which the caller must stop (else null). */
      running: Run | null;
    }
  | {
      /**
       * `IDEMPOTENT`: `run` is the run that already holds the idempotency key (whatever its input).
       * `BUSY` (REJECT only): `run` is the workflow's active run; nothing was created.
       */
      run: Run;
      created: false;
      reason: 'IDEMPOTENT' | 'BUSY';
    };

/** Whether `transition` applies only to one attempt of the run (see `Run.attempt`). */
export interface TransitionGuard {
  /** Apply only while the run's `attempt` is this one: a superseded worker changes nothing. */
  attempt?: number;
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

export interface StartRunOptions {
  /**
   * A QUEUED run whose queue deadline (`timeoutAt`) is at or before this instant is not started
   * (`NOT_QUEUED`): the caller times it out instead. Absent: the deadline is not looked at.
   */
  overdueAt?: Date;
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
   * Creates a QUEUED run, atomically with respect to every other `create` of the same workflow in
   * any process: the idempotency key is looked up first, then the busy check and the insert
   * happen as one step (so two REJECT prompts racing on an idle workflow create exactly one run).
   * With an idempotency key, a run of the same tenant and key created within
   * `idempotencyWindowMs` is returned instead (reason IDEMPOTENT), whatever `ifBusy` says; an older
   * one loses its key. Runs of a workflow get ids in the order they were created, so "oldest
   * QUEUED first" is creation order. With `queueTimeoutMs`, `timeoutAt` is set to the creation
   * time plus it.
   */
  create(input: NewRun, options: CreateRunOptions): Promise<CreateRunResult>;
  getMany(tenantId: string, ids: readonly string[]): Promise<(Run | null)[]>;
  /** Newest first. `after` is a run id. */
  listByWorkflow(tenantId: string, workflowId: string, page: PageArgs): Promise<Page<Run>>;
  /** Per workflow: its RUNNING run, else its oldest QUEUED run, else null. */
  activeByWorkflow(tenantId: string, workflowIds: readonly string[]): Promise<(Run | null)[]>;
  /** Per workflow: the sum of its runs' usage. */
  usageByWorkflow(tenantId: string, workflowIds: readonly string[]): Promise<Usage[]>;
  /**
   * Atomically moves QUEUED → RUNNING if and only if no other run of the workflow is RUNNING and
   * no older run of it is QUEUED. At most one run per workflow is ever RUNNING, also under
   * concurrent callers in different processes. Sets `attempt` to 1, `startedAt` to the time of
   * the move — taken after the busy check, so it is never earlier than the `finishedAt` of the
   * run before it — and `timeoutAt` to `startedAt + runTimeoutMs` (null without a limit).
   */
  start(tenantId: string, id: string, options?: StartRunOptions): Promise<StartRunResult>;
  /**
   * A worker takes over a RUNNING run (its previous worker died, failed or handed it back):
   * increments `attempt` atomically and returns the run, or null when it is not RUNNING. Of two
   * concurrent takeovers each gets its own attempt number; the older one is fenced off.
   */
  resume(tenantId: string, id: string): Promise<Run | null>;
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
    guard?: TransitionGuard,
  ): Promise<Run | null>;
  /**
   * Active runs of every tenant whose `timeoutAt` is at or before `now`, earliest deadline first,
   * at most `limit`. Not scoped by tenant: the run sweeper ends them on behalf of the system.
   */
  listOverdue(now: Date, limit: number): Promise<Run[]>;
  /**
   * Runs of every tenant in `statuses` created at or before `createdBefore`, oldest first, at most
   * `limit`. Not scoped by tenant: the run sweeper offers QUEUED runs to the queue again.
   */
  listActive(
    statuses: readonly ('QUEUED' | 'RUNNING')[],
    createdBefore: Date,
    limit: number,
  ): Promise<Run[]>;
  /**
   * Announcing a run's end: a `transition` to a terminal status leaves the run unannounced until
   * `markAnnounced` records that its terminal event was published. A process that dies between
   * the two leaves the run for `listUnannounced`, and the sweeper publishes the event (once: the
   * bus drops a repeat).
   */
  markAnnounced(tenantId: string, id: string): Promise<void>;
  /**
   * Terminal runs of every tenant whose end was not announced, finished at or before
   * `finishedBefore`, oldest first, at most `limit`. Not scoped by tenant (the run sweeper).
   */
  listUnannounced(finishedBefore: Date, limit: number): Promise<Run[]>;
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

export interface NewApiToken {
  tenantId: string;
  name: string;
  /** SHA-256 of the token, hex (`hashToken`). */
  hash: string;
  /** The token's first characters, not secret (`tokenPrefix`). */
  prefix: string;
}

export interface CreateTokenResult {
  token: ApiToken;
  /** False when a token with the same hash was already stored; it is returned unchanged. */
  created: boolean;
}

/**
 * API tokens, stored by hash only. Not scoped by tenant: the gateway looks a token up by its
 * hash to learn the tenant, and operators list and revoke tokens across tenants.
 */
export interface TokenStore {
  /**
   * Stores a token. Idempotent by hash, so a bootstrap token can be inserted from every process
   * on every start: an existing token (revoked or not) is returned as stored.
   */
  create(input: NewApiToken): Promise<CreateTokenResult>;
  /** The token with this hash, revoked or not; null when there is none. */
  findByHash(hash: string): Promise<ApiToken | null>;
  /** Oldest first; only the tenant's when `tenantId` is given. Revoked tokens included. */
  list(filter?: { tenantId?: string }): Promise<ApiToken[]>;
  /**
   * Revokes a token; it stays listed. Revoking again keeps the first `revokedAt`.
   * Null when there is no token with this id.
   */
  revoke(id: string, at: Date): Promise<ApiToken | null>;
  /** Records a use at `at`; never moves `lastUsedAt` backwards. Callers throttle it. */
  touch(id: string, at: Date): Promise<void>;
  /** How many tokens are not revoked. */
  countActive(): Promise<number>;
}

export interface NewSecret {
  tenantId: string;
  name: string;
  description: string | null;
  maskedSuffix: string | null;
  sealed: Secret['sealed'];
}

/** Fields of a secret that may change; absent ones stay. A new value comes sealed with its suffix. */
export interface SecretPatch {
  description?: string | null;
  value?: { sealed: Secret['sealed']; maskedSuffix: string | null };
}

export interface SecretStore {
  /** Stores a secret; null (nothing stored) when the tenant already has one of that name. */
  create(input: NewSecret): Promise<Secret | null>;
  getMany(tenantId: string, ids: readonly string[]): Promise<(Secret | null)[]>;
  /** One entry per name, in the order asked, null where the tenant has none of that name. */
  getByNames(tenantId: string, names: readonly string[]): Promise<(Secret | null)[]>;
  /** Newest first. `after` is a secret id. */
  list(tenantId: string, page: PageArgs): Promise<Page<Secret>>;
  /** Applies the fields present in `patch`; null when the secret does not exist. */
  update(tenantId: string, id: string, patch: SecretPatch): Promise<Secret | null>;
  /** True when the secret existed and is now gone. */
  delete(tenantId: string, id: string): Promise<boolean>;
  /**
   * Secrets of every tenant NOT sealed with `keyId`, in id order after `after` (an id), at most
   * `limit`. Not scoped by tenant: key rotation re-seals them on behalf of the system.
   */
  listSealedWithout(keyId: string, after: string | null, limit: number): Promise<Secret[]>;
  /**
   * Compare-and-set for rotation: replaces the sealed value only while it still has the IV
   * `previousIv` (no one changed the value meanwhile). True when it was replaced.
   */
  reseal(
    tenantId: string,
    id: string,
    previousIv: string,
    sealed: Secret['sealed'],
  ): Promise<boolean>;
}

export interface NewProvider {
  tenantId: string;
  name: string;
  type: Provider['type'];
  baseURL: string | null;
  apiKeySecret: string | null;
  headers: Record<string, string>;
}

export type ProviderPatch = Partial<Omit<NewProvider, 'tenantId' | 'name'>>;

export interface ProviderStore {
  /** Stores a provider; null (nothing stored) when the tenant already has one of that name. */
  create(input: NewProvider): Promise<Provider | null>;
  getMany(tenantId: string, ids: readonly string[]): Promise<(Provider | null)[]>;
  /** The tenant's provider of this name, or null. */
  getByName(tenantId: string, name: string): Promise<Provider | null>;
  /** Newest first. `after` is a provider id. */
  list(tenantId: string, page: PageArgs): Promise<Page<Provider>>;
  /** Applies the fields present in `patch`; null when the provider does not exist. */
  update(tenantId: string, id: string, patch: ProviderPatch): Promise<Provider | null>;
  /** True when the provider existed and is now gone. */
  delete(tenantId: string, id: string): Promise<boolean>;
}

/**
 * The store refused a value as invalid data — PostgreSQL's data exceptions (SQLSTATE class 22,
 * e.g. a NUL character in text) and program limits (class 54, e.g. a value too long). Retrying
 * the same write cannot succeed, so callers end what they were doing instead of retrying. The
 * message names the SQLSTATE but never repeats the driver's text, which may quote the value.
 */
export class StoreDataError extends Error {
  constructor(
    /** The SQLSTATE the database answered, e.g. `22021`. */
    readonly sqlState: string,
    options?: { cause?: unknown },
  ) {
    super(`The store refused a value as invalid data (SQLSTATE ${sqlState}).`, options);
    this.name = 'StoreDataError';
  }
}
