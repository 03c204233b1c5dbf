import type { Agent as AgentShape } from '../shared/domain/types.ts';
import { CONTEXT_BUDGET_LIMITS } from '../shared/services/agents.ts';
import { builder } from './builder.ts';
import { connectionArgs, defineConnection, toConnection, toPageArgs } from './connection.ts';
import { Skill } from './skill.ts';

export const Agent = builder.objectRef<AgentShape>('Agent').implement({
  description: 'An agent: a system prompt and a model, used by workflows.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Unique id.' }),
    name: t.exposeString('name', { description: 'Display name.' }),
    systemPrompt: t.exposeString('systemPrompt', {
      description: 'Instructions given to the model.',
    }),
    model: t.exposeString('model', {
      description: '`provider:model`, e.g. openai:gpt-4.1, anthropic:claude-sonnet-4-5, demo:echo.',
    }),
    description: t.exposeString('description', { nullable: true, description: 'Free text.' }),
    mcpServerIds: t.exposeIDList('mcpServerIds', {
      description: 'MCP servers whose tools the agent may call, by id.',
    }),
    mcpServerTags: t.exposeStringList('mcpServerTags', {
      description:
        'MCP servers whose tools the agent may call, by tag: every server with one of these tags (together with `mcpServerIds`, each server once).',
    }),
    skillIds: t.exposeIDList('skillIds', {
      description: 'Skills added to the system prompt of its runs, by id.',
    }),
    skillTags: t.exposeStringList('skillTags', {
      description:
        'Skills added to the system prompt of its runs, by tag: every skill with one of these tags (together with `skillIds`, each skill once).',
    }),
    skills: t.field({
      type: [Skill],
      description:
        'The skills `skillIds` and `skillTags` resolve to now, each once, in system-prompt order (by name, then id). Workflows may add more (`Workflow.skills`).',
      resolve: (a, _, ctx) =>
        ctx.services.skills.resolve(ctx.viewer, { ids: a.skillIds, tags: a.skillTags }),
    }),
    contextBudget: t.exposeInt('contextBudget', {
      nullable: true,
      description:
        'Most estimated tokens (characters / 4) of system prompt and messages one model call may send; older tool results, then older turns, are left out to fit. Null: the deployment’s `CONTEXT_BUDGET_TOKENS`.',
    }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When it was created.',
      resolve: (a) => a.createdAt,
    }),
    updatedAt: t.field({
      type: 'DateTime',
      description: 'When it last changed.',
      resolve: (a) => a.updatedAt,
    }),
  }),
});

const AgentConnection = defineConnection('Agent', Agent);

const CreateAgentInput = builder.inputType('CreateAgentInput', {
  description: 'A new agent.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Display name (1–200 characters).' }),
    systemPrompt: t.string({ required: true, description: 'Instructions given to the model.' }),
    model: t.string({
      required: true,
      description: 'provider:model, e.g. openai:gpt-4.1, anthropic:claude-sonnet-4-5, demo:echo',
    }),
    description: t.string({ description: 'Free text (up to 2,000 characters).' }),
    mcpServerIds: t.idList({ description: 'MCP servers the agent uses, by id (default none).' }),
    mcpServerTags: t.stringList({
      description: 'MCP servers the agent uses, by tag (default none).',
    }),
    skillIds: t.idList({
      description: 'Skills the agent uses, by id (default none); an unknown id is NOT_FOUND.',
    }),
    skillTags: t.stringList({ description: 'Skills the agent uses, by tag (default none).' }),
    contextBudget: t.int({
      description: `Context budget in estimated tokens (${CONTEXT_BUDGET_LIMITS.min} to ${CONTEXT_BUDGET_LIMITS.max}); absent: the deployment's.`,
    }),
  }),
});

const UpdateAgentInput = builder.inputType('UpdateAgentInput', {
  description: 'Changes to an agent; absent fields stay as they are.',
  fields: (t) => ({
    name: t.string({ description: 'Display name (1–200 characters).' }),
    systemPrompt: t.string({ description: 'Instructions given to the model.' }),
    model: t.string({ description: 'provider:model.' }),
    description: t.string({ description: 'Free text; null clears it.' }),
    mcpServerIds: t.idList({ description: 'Replaces the MCP servers picked by id.' }),
    mcpServerTags: t.stringList({ description: 'Replaces the MCP server tags.' }),
    skillIds: t.idList({ description: 'Replaces the skills picked by id.' }),
    skillTags: t.stringList({ description: 'Replaces the skill tags.' }),
    contextBudget: t.int({
      description: 'Context budget in estimated tokens; null: the deployment’s from then on.',
    }),
  }),
});

builder.queryFields((t) => ({
  agent: t.field({
    type: Agent,
    nullable: true,
    description: 'One agent, or null if there is none with this id.',
    args: { id: t.arg.id({ required: true, description: 'The agent id.' }) },
    resolve: (_, { id }, ctx) => ctx.loaders.agent.load(id),
  }),
  agents: t.field({
    type: AgentConnection,
    description: 'Agents, newest first.',
    args: connectionArgs,
    resolve: async (_, args, ctx) =>
      toConnection(await ctx.services.agents.list(ctx.viewer, toPageArgs(args)), (a) => a.id),
  }),
}));

builder.mutationFields((t) => ({
  createAgent: t.field({
    type: Agent,
    description: 'Creates an agent. An unknown model provider is BAD_USER_INPUT.',
    args: { input: t.arg({ type: CreateAgentInput, required: true, description: 'The agent.' }) },
    resolve: (_, { input }, ctx) => ctx.services.agents.create(ctx.viewer, input),
  }),
  updateAgent: t.field({
    type: Agent,
    description: 'Changes an agent. Workflows without a model of their own follow its model.',
    args: {
      id: t.arg.id({ required: true, description: 'The agent id.' }),
      input: t.arg({ type: UpdateAgentInput, required: true, description: 'The changes.' }),
    },
    resolve: (_, { id, input }, ctx) => ctx.services.agents.update(ctx.viewer, id, input),
  }),
  deleteAgent: t.field({
    type: 'ID',
    description: 'Deletes an agent and returns its id. CONFLICT while workflows use it.',
    args: { id: t.arg.id({ required: true, description: 'The agent id.' }) },
    resolve: (_, { id }, ctx) => ctx.services.agents.delete(ctx.viewer, id),
  }),
}));
