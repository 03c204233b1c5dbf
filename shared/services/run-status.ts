import type { WorkflowEvent } from '../domain/events.ts';
import { isTerminal, type Run } from '../domain/types.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { Store } from '../ports/store.ts';

/**
 * Announces a run's status. Callers persist the status first (a CAS in the run store) and publish
 * only when their CAS won, which is what makes the terminal event exactly-once. The event is
 * published once per run and status (`PublishOptions.once`), so a process that repeats the
 * announcement — because the first announcer may have died before it — adds nothing twice.
 */
export function publishRunStatus(bus: EventBus, run: Run): Promise<WorkflowEvent> {
  return bus.publish(
    {
      type: 'RunStatusEvent',
      tenantId: run.tenantId,
      workflowId: run.workflowId,
      runId: run.id,
      at: new Date().toISOString(),
      status: run.status,
      error: run.error,
    },
    { once: `run-status:${run.id}:${run.status}` },
  );
}

/**
 * Announces a status the caller just persisted and, for a terminal one, records in the store that
 * it was announced. Should the caller die in between, the run sweeper finds the run unannounced
 * and announces it (`RunStore.listUnannounced`): the terminal event is never lost, never doubled.
 */
export async function announceRunStatus(
  deps: { store: Store; bus: EventBus },
  run: Run,
): Promise<WorkflowEvent> {
  const event = await publishRunStatus(deps.bus, run);
  if (isTerminal(run.status)) await deps.store.runs.markAnnounced(run.tenantId, run.id);
  return event;
}
