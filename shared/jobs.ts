import { z } from 'zod';

/**
 * The job catalog: each job is defined once here — name, payload schema, retry defaults — and the
 * gateway enqueues through it while the worker implements it.
 */
export interface JobDefinition<T> {
  name: string;
  payload: z.ZodType<T>;
  /** Attempts in total, the first included. */
  attempts: number;
  /** Exponential backoff base delay between attempts. */
  backoffMs: number;
}

export function defineJob<T>(definition: JobDefinition<T>): JobDefinition<T> {
  if (definition.attempts < 1) throw new Error(`job ${definition.name}: attempts must be >= 1`);
  if (definition.backoffMs < 0) throw new Error(`job ${definition.name}: backoffMs must be >= 0`);
  return definition;
}

export const runAgentJob = defineJob({
  name: 'run-agent',
  payload: z.object({
    tenantId: z.string().min(1),
    workflowId: z.string().min(1),
    runId: z.string().min(1),
    agentId: z.string().min(1).optional(),
  }),
  attempts: 3,
  backoffMs: 1_000,
});
