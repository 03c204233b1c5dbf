import { type Agent, MAX_MODEL_CHARS } from '../domain/types.ts';
import { BadUserInputError, ConflictError, NotFoundError } from '../errors.ts';
import type { Page, PageArgs } from '../ports/pagination.ts';
import type { AgentPatch } from '../ports/store.ts';
import { checkSkillIds, SKILL_LIMITS, skillTags } from './skills.ts';
import type { ServiceDeps, Viewer } from './types.ts';
import { intInRange, limitedText, optionalText, requiredText } from './validation.ts';

export const AGENT_LIMITS = { name: 200, systemPrompt: 200_000, description: 2_000 } as const;

/** Bounds of an agent's own context budget, in estimated tokens. */
export const CONTEXT_BUDGET_LIMITS = { min: 100, max: 10_000_000 } as const;

function contextBudget(value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  return intInRange('contextBudget', value, CONTEXT_BUDGET_LIMITS.min, CONTEXT_BUDGET_LIMITS.max);
}

export interface CreateAgentInput {
  name: string;
  systemPrompt: string;
  model: string;
  description?: string | null;
  mcpServerIds?: readonly string[] | null;
  mcpServerTags?: readonly string[] | null;
  skillIds?: readonly string[] | null;
  skillTags?: readonly string[] | null;
  contextBudget?: number | null;
}

export interface UpdateAgentInput {
  name?: string | null;
  systemPrompt?: string | null;
  model?: string | null;
  description?: string | null;
  mcpServerIds?: readonly string[] | null;
  mcpServerTags?: readonly string[] | null;
  skillIds?: readonly string[] | null;
  skillTags?: readonly string[] | null;
  /** Null clears it (the deployment's budget); absent leaves it. */
  contextBudget?: number | null;
}

/** Most MCP server ids, and tags, one agent may name. */
export const MAX_AGENT_MCP_REFERENCES = 50;

export type AgentService = ReturnType<typeof createAgentService>;

/** Agents: validation and authorisation around the agent store. */
export function createAgentService({ store, models }: Pick<ServiceDeps, 'store' | 'models'>) {
  /** Distinct ids, each naming one of the tenant's MCP servers (else BAD_USER_INPUT). */
  async function serverIds(viewer: Viewer, ids: readonly string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    if (unique.length > MAX_AGENT_MCP_REFERENCES) {
      throw new BadUserInputError(`An agent names at most ${MAX_AGENT_MCP_REFERENCES} servers.`, {
        field: 'mcpServerIds',
      });
    }
    const found = await store.mcpServers.getMany(viewer.tenantId, unique);
    // Like any other id the viewer cannot see: NOT_FOUND (another tenant's looks missing).
    const missing = unique.find((_, index) => !found[index]);
    if (missing !== undefined) throw new NotFoundError('McpServer', missing);
    return unique;
  }

  function serverTags(tags: readonly string[]): string[] {
    const unique = [...new Set(tags.map((tag) => tag.trim()).filter((tag) => tag.length > 0))];
    if (unique.length > MAX_AGENT_MCP_REFERENCES || unique.some((tag) => tag.length > 200)) {
      throw new BadUserInputError(
        `An agent names at most ${MAX_AGENT_MCP_REFERENCES} tags of up to 200 characters.`,
        { field: 'mcpServerTags' },
      );
    }
    return unique;
  }

  return {
    async create(viewer: Viewer, input: CreateAgentInput): Promise<Agent> {
      // Bounded before anything looks it up: a model string reaches the store, logs and metrics.
      const model = requiredText('model', input.model, MAX_MODEL_CHARS);
      const agent = {
        tenantId: viewer.tenantId,
        name: requiredText('name', input.name, AGENT_LIMITS.name),
        systemPrompt: limitedText('systemPrompt', input.systemPrompt, AGENT_LIMITS.systemPrompt),
        model,
        description: optionalText('description', input.description, AGENT_LIMITS.description),
        mcpServerIds: await serverIds(viewer, input.mcpServerIds ?? []),
        mcpServerTags: serverTags(input.mcpServerTags ?? []),
        skillIds: await checkSkillIds(store, viewer, input.skillIds ?? []),
        skillTags: skillTags('skillTags', input.skillTags ?? [], SKILL_LIMITS.references),
        contextBudget: contextBudget(input.contextBudget),
      };
      await models.validate(viewer.tenantId, model);
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
        patch.model = requiredText('model', input.model, MAX_MODEL_CHARS);
        await models.validate(viewer.tenantId, patch.model);
      }
      if (input.description !== undefined) {
        patch.description = optionalText(
          'description',
          input.description,
          AGENT_LIMITS.description,
        );
      }
      if (input.mcpServerIds != null)
        patch.mcpServerIds = await serverIds(viewer, input.mcpServerIds);
      if (input.mcpServerTags != null) patch.mcpServerTags = serverTags(input.mcpServerTags);
      if (input.skillIds != null)
        patch.skillIds = await checkSkillIds(store, viewer, input.skillIds);
      if (input.skillTags != null) {
        patch.skillTags = skillTags('skillTags', input.skillTags, SKILL_LIMITS.references);
      }
      if (input.contextBudget !== undefined) {
        patch.contextBudget = contextBudget(input.contextBudget);
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
