import type { WorkflowEvent } from '../domain/events.ts';
import { isTerminal } from '../domain/types.ts';
import { NotFoundError } from '../errors.ts';
import { filterSubscription, fromArray } from './iterators.ts';
import type { ServiceDeps, Viewer } from './types.ts';

/** Events read per page when replaying a finished run from the log. */
const REPLAY_PAGE = 500;

export type EventService = ReturnType<typeof createEventService>;

const isTerminalStatus = (event: WorkflowEvent) =>
  event.type === 'RunStatusEvent' && isTerminal(event.status);

/**
 * Event streams for subscriptions. Authorisation happens here, before any iterator exists
 * (STYLE.md rule 11): an id the viewer cannot see fails with NOT_FOUND.
 */
export function createEventService({ store, bus }: Pick<ServiceDeps, 'store' | 'bus'>) {
  return {
    /** Every event of the workflow after `after`; live only when `after` is absent. */
    async workflowEvents(
      viewer: Viewer,
      workflowId: string,
      after: string | null | undefined,
    ): Promise<AsyncIterableIterator<WorkflowEvent>> {
      const [workflow] = await store.workflows.getMany(viewer.tenantId, [workflowId]);
      if (!workflow) throw new NotFoundError('Workflow', workflowId);
      const subscription = await bus.subscribe(workflow.id, {
        position: after ? { kind: 'after', cursor: after } : { kind: 'live' },
      });
      return filterSubscription(subscription, { keep: (e) => e.tenantId === viewer.tenantId });
    },

    /**
     * The run's events from its first one (or after `after`), completing after its terminal
     * status event. A run that has already ended is replayed from the log and completes even when
     * the log no longer holds its terminal event.
     */
    async runEvents(
      viewer: Viewer,
      runId: string,
      after: string | null | undefined,
    ): Promise<AsyncIterableIterator<WorkflowEvent>> {
      const [run] = await store.runs.getMany(viewer.tenantId, [runId]);
      if (!run) throw new NotFoundError('Run', runId);
      const cursor = after ?? run.eventsAfter;
      const ofRun = (e: WorkflowEvent) => e.runId === run.id && e.tenantId === viewer.tenantId;

      if (isTerminal(run.status)) {
        const events: WorkflowEvent[] = [];
        let from = cursor;
        for (;;) {
          const page = await bus.read(run.workflowId, from, REPLAY_PAGE);
          for (const event of page) {
            if (!ofRun(event)) continue;
            events.push(event);
            if (isTerminalStatus(event)) return fromArray(events);
          }
          if (page.length < REPLAY_PAGE) return fromArray(events);
          from = page[page.length - 1]!.id;
        }
      }
      const subscription = await bus.subscribe(run.workflowId, {
        position: { kind: 'after', cursor },
      });
      return filterSubscription(subscription, { keep: ofRun, last: isTerminalStatus });
    },
  };
}
