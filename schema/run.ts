import { RUN_STATUSES, type Run as RunShape, type RunStatus } from '../shared/domain/types.ts';
import { NotFoundError } from '../shared/errors.ts';
import { builder } from './builder.ts';
import { defineConnection } from './connection.ts';
import { RunErrorRef, Usage } from './usage.ts';
import { Workflow } from './workflow.ts';

export const RunStatusEnum = builder.enumType('RunStatus', {
  description: 'Where a run is in its life. Every status but QUEUED and RUNNING is terminal.',
  values: Object.fromEntries(RUN_STATUSES.map((s) => [s, { value: s }])) as Record<
    RunStatus,
    { value: RunStatus }
  >,
});

const IfBusy = builder.enumType('IfBusy', {
  description: 'What sendPrompt does when the workflow already has an active run.',
  values: {
    ENQUEUE: { value: 'ENQUEUE', description: 'Run after the active runs, in order.' },
    REJECT: { value: 'REJECT', description: 'Fail with CONFLICT.' },
    INTERRUPT: { value: 'INTERRUPT', description: 'Cancel the active runs, then run this one.' },
  } as const,
});

export const Run = builder.objectRef<RunShape>('Run');

Run.implement({
  description: 'One prompt being answered: queued, running, then ended exactly once.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Unique id.' }),
    workflow: t.field({
      type: Workflow,
      description: 'The workflow it belongs to.',
      resolve: async (run, _, ctx) => {
        const workflow = await ctx.loaders.workflow.load(run.workflowId);
        if (!workflow) throw new NotFoundError('Workflow', run.workflowId);
        return workflow;
      },
    }),
    status: t.field({
      type: RunStatusEnum,
      description: 'Current status.',
      resolve: (r) => r.status,
    }),
    prompt: t.exposeString('prompt', { description: 'The prompt that started it.' }),
    output: t.exposeString('output', {
      nullable: true,
      description: 'Final assistant text once the run has ended.',
    }),
    error: t.field({
      type: RunErrorRef,
      nullable: true,
      description: 'Why it failed, when it did.',
      resolve: (r) => r.error,
    }),
    usage: t.field({ type: Usage, description: 'Tokens it used.', resolve: (r) => r.usage }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When it was queued.',
      resolve: (r) => r.createdAt,
    }),
    startedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When a worker started it.',
      resolve: (r) => r.startedAt,
    }),
    finishedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it ended.',
      resolve: (r) => r.finishedAt,
    }),
  }),
});

export const RunConnection = defineConnection('Run', Run);

const SendPromptInput = builder.inputType('SendPromptInput', {
  description: 'A prompt for a workflow.',
  fields: (t) => ({
    workflowId: t.id({ required: true, description: 'The workflow to prompt.' }),
    prompt: t.string({
      required: true,
      description: 'The user’s message (non-empty, size-limited).',
    }),
    idempotencyKey: t.string({
      description:
        'Same key and same input within 24 h returns the same Run instead of starting another.',
    }),
    ifBusy: t.field({
      type: IfBusy,
      defaultValue: 'ENQUEUE',
      description: 'What to do when the workflow already has an active run.',
    }),
  }),
});

builder.queryFields((t) => ({
  run: t.field({
    type: Run,
    nullable: true,
    description: 'One run, or null if there is none with this id.',
    args: { id: t.arg.id({ required: true, description: 'The run id.' }) },
    resolve: (_, { id }, ctx) => ctx.loaders.run.load(id),
  }),
}));

builder.mutationFields((t) => ({
  sendPrompt: t.field({
    type: Run,
    description: 'Queues a run for the prompt and returns at once; watch it with runEvents.',
    args: { input: t.arg({ type: SendPromptInput, required: true, description: 'The prompt.' }) },
    resolve: (_, { input }, ctx) => ctx.services.runs.send(ctx.viewer, input),
  }),
  cancelRun: t.field({
    type: Run,
    description:
      'Cancels a queued or running run. Cancelling twice is harmless; an ended run is returned unchanged.',
    args: { id: t.arg.id({ required: true, description: 'The run id.' }) },
    resolve: (_, { id }, ctx) => ctx.services.runs.cancel(ctx.viewer, id),
  }),
}));
