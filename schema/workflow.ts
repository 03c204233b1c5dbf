import type { Workflow as WorkflowShape } from '../shared/domain/types.ts';
import { NotFoundError } from '../shared/errors.ts';
import { Agent } from './agent.ts';
import { builder } from './builder.ts';
import { connectionArgs, defineConnection, toConnection, toPageArgs } from './connection.ts';
import type { GraphQLContext } from './context.ts';
import { MessageConnection } from './message.ts';
import { Run, RunConnection } from './run.ts';
import { Skill } from './skill.ts';
import { Usage } from './usage.ts';

export const Workflow = builder.objectRef<WorkflowShape>('Workflow');

/** A workflow keeps its agent: deleteAgent refuses while workflows use it. */
async function agentOf(workflow: WorkflowShape, _args: unknown, ctx: GraphQLContext) {
  const agent = await ctx.loaders.agent.load(workflow.agentId);
  if (!agent) throw new NotFoundError('Agent', workflow.agentId);
  return agent;
}

Workflow.implement({
  description: 'A conversation with an agent. Each prompt sent to it becomes a run.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Unique id.' }),
    title: t.exposeString('title', { nullable: true, description: 'Display title.' }),
    agent: t.field({ type: Agent, description: 'The agent it talks to.', resolve: agentOf }),
    model: t.string({
      description: 'The model its runs use: its own, else its agent’s.',
      resolve: async (w, args, ctx) => w.model ?? (await agentOf(w, args, ctx)).model,
    }),
    maxTurns: t.exposeInt('maxTurns', {
      description:
        'Most model steps that call tools one run may take; then the model answers once without tools and the run ends MAX_TURNS_REACHED.',
    }),
    queueTimeoutMs: t.exposeInt('queueTimeoutMs', {
      nullable: true,
      description:
        'Its own queue-wait limit in ms: a run not started this long after it was sent ends TIMED_OUT. It only lowers the deployment’s limit; null: the deployment’s.',
    }),
    runTimeoutMs: t.exposeInt('runTimeoutMs', {
      nullable: true,
      description:
        'Its own execution limit in ms: a run not ended this long after it started ends TIMED_OUT. It only lowers the deployment’s limit; null: the deployment’s.',
    }),
    skillIds: t.exposeIDList('skillIds', {
      description: 'Skills this workflow adds to its agent’s, by id.',
    }),
    skills: t.field({
      type: [Skill],
      description:
        'Every skill its runs add to the system prompt, in that order (by name, then id): the agent’s by id and by tag, and the workflow’s own, each once.',
      resolve: async (w, args, ctx) => {
        const agent = await agentOf(w, args, ctx);
        return ctx.services.skills.resolve(ctx.viewer, {
          ids: [...agent.skillIds, ...w.skillIds],
          tags: agent.skillTags,
        });
      },
    }),
    activeRun: t.field({
      type: Run,
      nullable: true,
      description: 'The RUNNING run, else the oldest QUEUED one, else null.',
      resolve: (w, _, ctx) => ctx.loaders.activeRun.load(w.id),
    }),
    runs: t.field({
      type: RunConnection,
      description: 'Its runs, newest first.',
      args: connectionArgs,
      resolve: async (w, args, ctx) =>
        toConnection(
          await ctx.services.runs.listByWorkflow(ctx.viewer, w.id, toPageArgs(args)),
          (r) => r.id,
        ),
    }),
    messages: t.field({
      type: MessageConnection,
      description: 'The conversation, oldest first.',
      args: connectionArgs,
      resolve: async (w, args, ctx) =>
        toConnection(
          await ctx.services.workflows.messages(ctx.viewer, w.id, toPageArgs(args)),
          (m) => String(m.index),
        ),
    }),
    usage: t.field({
      type: Usage,
      description: 'Tokens used by all its runs.',
      resolve: (w, _, ctx) => ctx.loaders.workflowUsage.load(w.id),
    }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When it was created.',
      resolve: (w) => w.createdAt,
    }),
  }),
});

const WorkflowConnection = defineConnection('Workflow', Workflow);

const CreateWorkflowInput = builder.inputType('CreateWorkflowInput', {
  description: 'A new workflow.',
  fields: (t) => ({
    agentId: t.id({ required: true, description: 'The agent to talk to.' }),
    title: t.string({ description: 'Display title.' }),
    model: t.string({ description: 'provider:model overriding the agent’s model.' }),
    maxTurns: t.int({
      description: 'Most tool-calling model steps one run may take (default from config).',
    }),
    queueTimeoutMs: t.int({
      description:
        'Queue-wait limit of its runs in ms (100 to 604800000); lowers the deployment’s, a higher value has no effect.',
    }),
    runTimeoutMs: t.int({
      description:
        'Execution limit of its runs in ms (100 to 604800000); lowers the deployment’s, a higher value has no effect.',
    }),
    skillIds: t.idList({
      description:
        'Skills this workflow adds to its agent’s, by id (default none); an unknown id is NOT_FOUND.',
    }),
  }),
});

builder.queryFields((t) => ({
  workflow: t.field({
    type: Workflow,
    nullable: true,
    description: 'One workflow, or null if there is none with this id.',
    args: { id: t.arg.id({ required: true, description: 'The workflow id.' }) },
    resolve: (_, { id }, ctx) => ctx.loaders.workflow.load(id),
  }),
  workflows: t.field({
    type: WorkflowConnection,
    description: 'Workflows, newest first.',
    args: connectionArgs,
    resolve: async (_, args, ctx) => {
      const page = await ctx.services.workflows.list(ctx.viewer, toPageArgs(args));
      for (const w of page.items) ctx.loaders.workflow.prime(w.id, w);
      return toConnection(page, (w) => w.id);
    },
  }),
}));

builder.mutationFields((t) => ({
  createWorkflow: t.field({
    type: Workflow,
    description: 'Opens a workflow with an agent.',
    args: {
      input: t.arg({ type: CreateWorkflowInput, required: true, description: 'The workflow.' }),
    },
    resolve: (_, { input }, ctx) => ctx.services.workflows.create(ctx.viewer, input),
  }),
  setWorkflowSkills: t.field({
    type: Workflow,
    description:
      'Replaces the skills a workflow adds to its agent’s; runs that start afterwards use them. An unknown id is NOT_FOUND.',
    args: {
      workflowId: t.arg.id({ required: true, description: 'The workflow id.' }),
      skillIds: t.arg.idList({
        required: true,
        description: 'Its skills from now on, by id (empty: none of its own).',
      }),
    },
    resolve: (_, { workflowId, skillIds }, ctx) =>
      ctx.services.workflows.setSkills(ctx.viewer, workflowId, skillIds),
  }),
  deleteWorkflow: t.field({
    type: 'ID',
    description: 'Deletes a workflow with its runs and messages. CONFLICT while a run is active.',
    args: { id: t.arg.id({ required: true, description: 'The workflow id.' }) },
    resolve: (_, { id }, ctx) => ctx.services.workflows.delete(ctx.viewer, id),
  }),
}));
