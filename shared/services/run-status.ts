import type { WorkflowEvent } from '../domain/events.ts';
import type { Run } from '../domain/types.ts';
import type { EventBus } from '../ports/event-bus.ts';

/**
 * Announces a run's status. Callers persist the status first (a CAS in the run store) and publish
 * only when their CAS won, which is what makes the terminal event exactly-once.
 */
export function publishRunStatus(bus: EventBus, run: Run): Promise<WorkflowEvent> {
  return bus.publish({
    type: 'RunStatusEvent',
    tenantId: run.tenantId,
    workflowId: run.workflowId,
    runId: run.id,
    at: new Date().toISOString(),
    status: run.status,
    error: run.error,
  });
}
