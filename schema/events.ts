import type { WorkflowEvent as WorkflowEventShape } from '../shared/domain/events.ts';
import { TOOL_CALL_STATUSES, type ToolCallStatus } from '../shared/domain/types.ts';
import { BadUserInputError } from '../shared/errors.ts';
import { builder } from './builder.ts';
import { Message } from './message.ts';
import { RunStatusEnum } from './run.ts';
import { RunErrorRef, Usage } from './usage.ts';

type EventOf<T extends WorkflowEventShape['type']> = Extract<WorkflowEventShape, { type: T }>;

export const WorkflowEvent = builder.interfaceRef<WorkflowEventShape>('WorkflowEvent').implement({
  description: 'Something that happened in a workflow, in cursor order.',
  resolveType: (event) => event.type,
  fields: (t) => ({
    id: t.exposeID('id', {
      description:
        'Opaque cursor. Strictly increasing within a workflow; pass it as `after` to resume.',
    }),
    workflowId: t.exposeID('workflowId', { description: 'The workflow it belongs to.' }),
    runId: t.exposeID('runId', { nullable: true, description: 'The run it belongs to, if any.' }),
    at: t.field({ type: 'DateTime', description: 'When it happened.', resolve: (e) => e.at }),
  }),
});

const ToolCallStatusEnum = builder.enumType('ToolCallStatus', {
  description: 'Where a tool call is.',
  values: Object.fromEntries(TOOL_CALL_STATUSES.map((s) => [s, { value: s }])) as Record<
    ToolCallStatus,
    { value: ToolCallStatus }
  >,
});

function eventType<T extends WorkflowEventShape['type']>(name: T, description: string) {
  return builder.objectRef<EventOf<T>>(name).implement({
    description,
    interfaces: [WorkflowEvent],
    isTypeOf: (value) => (value as WorkflowEventShape).type === name,
  });
}

builder.objectFields(eventType('RunStatusEvent', 'A run changed status.'), (t) => ({
  status: t.field({
    type: RunStatusEnum,
    description: 'The new status.',
    resolve: (e) => e.status,
  }),
  error: t.field({
    type: RunErrorRef,
    nullable: true,
    description: 'Why it failed, for FAILED and TIMED_OUT.',
    resolve: (e) => e.error,
  }),
}));

builder.objectFields(
  eventType('MessageDeltaEvent', 'A piece of a message being written.'),
  (t) => ({
    messageId: t.exposeID('messageId', { description: 'The message it belongs to.' }),
    delta: t.exposeString('delta', {
      description: 'Text to append; a message’s deltas concatenate to its content.',
    }),
  }),
);

builder.objectFields(eventType('MessageEvent', 'A complete message, stored.'), (t) => ({
  message: t.field({ type: Message, description: 'The message.', resolve: (e) => e.message }),
}));

builder.objectFields(eventType('ToolCallEvent', 'A tool call started or ended.'), (t) => ({
  toolCallId: t.exposeID('toolCallId', { description: 'Unique per call.' }),
  name: t.exposeString('name', { description: 'The tool’s name.' }),
  status: t.field({
    type: ToolCallStatusEnum,
    description: 'Where it is.',
    resolve: (e) => e.status,
  }),
  arguments: t.field({
    type: 'JSON',
    nullable: true,
    description: 'The arguments the model passed.',
    resolve: (e) => e.arguments ?? null,
  }),
  result: t.field({
    type: 'JSON',
    nullable: true,
    description: 'What the tool returned (size-capped), once it has.',
    resolve: (e) => e.result ?? null,
  }),
}));

builder.objectFields(eventType('UsageEvent', 'Tokens used so far by the run.'), (t) => ({
  usage: t.field({
    type: Usage,
    description: 'Cumulative usage of the run.',
    resolve: (e) => e.usage,
  }),
}));

builder.objectFields(eventType('LogEvent', 'A notable thing, such as a retry.'), (t) => ({
  event: t.exposeString('event', { description: 'What happened, e.g. "retry".' }),
  detail: t.field({
    type: 'JSON',
    nullable: true,
    description: 'Details.',
    resolve: (e) => e.detail ?? null,
  }),
}));

const AFTER_ID_DESCRIPTION =
  "The same as `after`, typed `ID` like the events' `id` field, for variables declared `ID` (`$after: ID`). Give `after` or `afterId`, not two different ids.";

/**
 * The cursor to resume after. `after` is a `String` (API.md); `afterId` takes the same id as an
 * `ID`, because GraphQL refuses a variable declared `ID` in a `String` position and clients that
 * declare the type of the events' `id` field (codegen users) would otherwise fail validation.
 */
function resumeCursor(after: string | null | undefined, afterId: string | null | undefined) {
  if (after != null && afterId != null && after !== afterId) {
    throw new BadUserInputError(
      `after (${JSON.stringify(after)}) and afterId (${JSON.stringify(afterId)}) name different events; give one of them.`,
    );
  }
  return after ?? afterId;
}

builder.subscriptionFields((t) => ({
  workflowEvents: t.field({
    type: WorkflowEvent,
    description: 'Every event of the workflow after `after`; live only when `after` is absent.',
    args: {
      workflowId: t.arg.id({ required: true, description: 'The workflow to watch.' }),
      after: t.arg.string({ description: 'Resume after this event id.' }),
      afterId: t.arg.id({ description: AFTER_ID_DESCRIPTION }),
    },
    subscribe: (_, { workflowId, after, afterId }, ctx) =>
      ctx.services.events.workflowEvents(ctx.viewer, workflowId, resumeCursor(after, afterId)),
    resolve: (event) => event,
  }),
  runEvents: t.field({
    type: WorkflowEvent,
    description:
      "The run's events from its first one (or after `after`); completes after the run's terminal RunStatusEvent.",
    args: {
      runId: t.arg.id({ required: true, description: 'The run to watch.' }),
      after: t.arg.string({ description: 'Resume after this event id.' }),
      afterId: t.arg.id({ description: AFTER_ID_DESCRIPTION }),
    },
    subscribe: (_, { runId, after, afterId }, ctx) =>
      ctx.services.events.runEvents(ctx.viewer, runId, resumeCursor(after, afterId)),
    resolve: (event) => event,
  }),
}));
