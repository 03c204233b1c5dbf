import { z } from 'zod';
import { MESSAGE_ROLES, RUN_STATUSES, TOOL_CALL_STATUSES } from './types.ts';

/**
 * Workflow events as they travel through the event bus and the replay log. The schema validates
 * whatever is read back from Redis (a trust boundary); in-process code trusts the types.
 */
const usageSchema = z.object({
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  totalTokens: z.number().int(),
});

const runErrorSchema = z.object({ code: z.string(), message: z.string() });

/** A message as carried inside a `MessageEvent` (dates as ISO strings). */
export const eventMessageSchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  runId: z.string().nullable(),
  index: z.number().int(),
  role: z.enum(MESSAGE_ROLES),
  content: z.string(),
  createdAt: z.string(),
});
export type EventMessage = z.infer<typeof eventMessageSchema>;

const base = {
  tenantId: z.string(),
  workflowId: z.string(),
  runId: z.string().nullable(),
  /** ISO-8601 time the event was produced. */
  at: z.string(),
};

export const newEventSchema = z.discriminatedUnion('type', [
  z.object({
    ...base,
    type: z.literal('RunStatusEvent'),
    status: z.enum(RUN_STATUSES),
    error: runErrorSchema.nullable(),
  }),
  z.object({
    ...base,
    type: z.literal('MessageDeltaEvent'),
    messageId: z.string(),
    delta: z.string(),
  }),
  z.object({ ...base, type: z.literal('MessageEvent'), message: eventMessageSchema }),
  z.object({
    ...base,
    type: z.literal('ToolCallEvent'),
    toolCallId: z.string(),
    name: z.string(),
    status: z.enum(TOOL_CALL_STATUSES),
    arguments: z.unknown().optional(),
    result: z.unknown().optional(),
  }),
  z.object({ ...base, type: z.literal('UsageEvent'), usage: usageSchema }),
  z.object({
    ...base,
    type: z.literal('LogEvent'),
    event: z.string(),
    detail: z.unknown().optional(),
  }),
]);

/** An event before the bus has given it a cursor. */
export type NewWorkflowEvent = z.infer<typeof newEventSchema>;

/** An event with its cursor: opaque, strictly increasing within its workflow. */
export type WorkflowEvent = NewWorkflowEvent & { id: string };

export type WorkflowEventType = WorkflowEvent['type'];

/** An event's own fields, without the envelope (tenant, workflow, run, time). */
export type EventBody = NewWorkflowEvent extends infer E
  ? E extends NewWorkflowEvent
    ? Omit<E, 'tenantId' | 'workflowId' | 'runId' | 'at'>
    : never
  : never;
