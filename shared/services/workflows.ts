import { MAX_MODEL_CHARS, type Message, type Workflow } from '../domain/types.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Page, PageArgs } from '../ports/pagination.ts';
import { checkSkillIds } from './skills.ts';
import type { ServiceDeps, Viewer } from './types.ts';
import { intInRange, optionalText } from './validation.ts';

export const WORKFLOW_LIMITS = {
  title: 500,
  maxTurns: 1_000,
  /** Bounds of a workflow’s own timeouts in ms (100 ms … 7 days; an SQL integer and a GraphQL Int). */
  timeoutMs: { min: 100, max: 7 * 86_400_000 },
} as const;

export interface CreateWorkflowInput {
  agentId: string;
  title?: string | null;
  model?: string | null;
  maxTurns?: number | null;
  /** Lowers the deployment's queue-wait limit for this workflow's runs (ms). */
  queueTimeoutMs?: number | null;
  /** Lowers the deployment's execution limit for this workflow's runs (ms). */
  runTimeoutMs?: number | null;
  /** Skills this workflow adds to its agent's, by id. */
  skillIds?: readonly string[] | null;
}

function optionalTimeout(field: string, value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const { min, max } = WORKFLOW_LIMITS.timeoutMs;
  return intInRange(field, value, min, max);
}

export type WorkflowService = ReturnType<typeof createWorkflowService>;

/** Workflows (conversations): validation and authorisation around the workflow store. */
export function createWorkflowService({
  store,
  bus,
  models,
  limits,
}: Pick<ServiceDeps, 'store' | 'bus' | 'models' | 'limits'>) {
  return {
    async create(viewer: Viewer, input: CreateWorkflowInput): Promise<Workflow> {
      const title = optionalText('title', input.title, WORKFLOW_LIMITS.title);
      const maxTurns = intInRange(
        'maxTurns',
        input.maxTurns ?? limits.defaultMaxTurns,
        1,
        WORKFLOW_LIMITS.maxTurns,
      );
      const queueTimeoutMs = optionalTimeout('queueTimeoutMs', input.queueTimeoutMs);
      const runTimeoutMs = optionalTimeout('runTimeoutMs', input.runTimeoutMs);
      // Bounded before anything looks it up: a model string reaches the store, logs and metrics.
      const model = optionalText('model', input.model, MAX_MODEL_CHARS) || null;
      if (model) await models.validate(viewer.tenantId, model);
      const [agent] = await store.agents.getMany(viewer.tenantId, [input.agentId]);
      if (!agent) throw new NotFoundError('Agent', input.agentId);
      const skillIds = await checkSkillIds(store, viewer, input.skillIds ?? []);
      return store.workflows.create({
        tenantId: viewer.tenantId,
        agentId: agent.id,
        title,
        model,
        maxTurns,
        queueTimeoutMs,
        runTimeoutMs,
        skillIds,
      });
    },

    /** Replaces the workflow's own skills; runs that start afterwards use them. */
    async setSkills(viewer: Viewer, id: string, skillIds: readonly string[]): Promise<Workflow> {
      const [workflow] = await store.workflows.getMany(viewer.tenantId, [id]);
      if (!workflow) throw new NotFoundError('Workflow', id);
      const checked = await checkSkillIds(store, viewer, skillIds);
      const updated = await store.workflows.setSkillIds(viewer.tenantId, id, checked);
      if (!updated) throw new NotFoundError('Workflow', id);
      return updated;
    },

    /** Refuses while a run is queued or running; otherwise removes runs, messages and events. */
    async delete(viewer: Viewer, id: string): Promise<string> {
      const [workflow] = await store.workflows.getMany(viewer.tenantId, [id]);
      if (!workflow) throw new NotFoundError('Workflow', id);
      const [active] = await store.runs.activeByWorkflow(viewer.tenantId, [id]);
      if (active) {
        throw new ConflictError(
          `Workflow ${JSON.stringify(id)} has an active run (${active.id}); cancel it first.`,
          { runId: active.id },
        );
      }
      if (!(await store.workflows.delete(viewer.tenantId, id)))
        throw new NotFoundError('Workflow', id);
      await bus.forget(id);
      return id;
    },

    list(viewer: Viewer, page: PageArgs): Promise<Page<Workflow>> {
      return store.workflows.list(viewer.tenantId, page);
    },

    /** The conversation of a workflow the caller has already loaded, oldest first. */
    messages(viewer: Viewer, workflowId: string, page: PageArgs): Promise<Page<Message>> {
      return store.messages.list(viewer.tenantId, workflowId, page);
    },
  };
}
