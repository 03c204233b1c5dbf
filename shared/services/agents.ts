import type { Agent } from '../domain/types.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Page, PageArgs } from '../ports/pagination.ts';
import type { AgentPatch } from '../ports/store.ts';
import type { ServiceDeps, Viewer } from './types.ts';
import { limitedText, optionalText, requiredText } from './validation.ts';

export const AGENT_LIMITS = { name: 200, systemPrompt: 200_000, description: 2_000 } as const;

export interface CreateAgentInput {
  name: string;
  systemPrompt: string;
  model: string;
  description?: string | null;
}

export interface UpdateAgentInput {
  name?: string | null;
  systemPrompt?: string | null;
  model?: string | null;
  description?: string | null;
}

export type AgentService = ReturnType<typeof createAgentService>;

/** Agents: validation and authorisation around the agent store. */
export function createAgentService({ store, models }: Pick<ServiceDeps, 'store' | 'models'>) {
  return {
    async create(viewer: Viewer, input: CreateAgentInput): Promise<Agent> {
      const model = input.model.trim();
      const agent = {
        tenantId: viewer.tenantId,
        name: requiredText('name', input.name, AGENT_LIMITS.name),
        systemPrompt: limitedText('systemPrompt', input.systemPrompt, AGENT_LIMITS.systemPrompt),
        model,
        description: optionalText('description', input.description, AGENT_LIMITS.description),
      };
      models.validate(model);
      return store.agents.create(agent);
    },

    async update(viewer: Viewer, id: string, input: UpdateAgentInput): Promise<Agent> {
      const patch: AgentPatch = {};
      if (input.name != null) patch.name = requiredText('name', input.name, AGENT_LIMITS.name);
      if (input.systemPrompt != null) {
        patch.systemPrompt = limitedText(
          'systemPrompt',
          input.systemPrompt,
          AGENT_LIMITS.systemPrompt,
        );
      }
      if (input.model != null) {
        patch.model = input.model.trim();
        models.validate(patch.model);
      }
      if (input.description !== undefined) {
        patch.description = optionalText(
          'description',
          input.description,
          AGENT_LIMITS.description,
        );
      }
      const updated = await store.agents.update(viewer.tenantId, id, patch);
      if (!updated) throw new NotFoundError('Agent', id);
      return updated;
    },

    /** Refuses while workflows still use the agent, so no workflow loses its agent. */
    async delete(viewer: Viewer, id: string): Promise<string> {
      const [agent] = await store.agents.getMany(viewer.tenantId, [id]);
      if (!agent) throw new NotFoundError('Agent', id);
      const inUse = await store.workflows.countByAgent(viewer.tenantId, id);
      if (inUse > 0) {
        throw new ConflictError(
          `Agent ${JSON.stringify(id)} is used by ${inUse} workflow(s); delete them first.`,
          { workflows: inUse },
        );
      }
      if (!(await store.agents.delete(viewer.tenantId, id))) throw new NotFoundError('Agent', id);
      return id;
    },

    list(viewer: Viewer, page: PageArgs): Promise<Page<Agent>> {
      return store.agents.list(viewer.tenantId, page);
    },
  };
}
