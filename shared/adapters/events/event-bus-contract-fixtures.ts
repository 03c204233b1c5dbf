import { randomUUID } from 'node:crypto';
import type { NewWorkflowEvent, WorkflowEvent } from '../../domain/events.ts';
import type { EventSubscription } from '../../ports/event-bus.ts';

/** Test events and subscription readers shared by the event bus contract and adapter tests. */

type NewLogEvent = Extract<NewWorkflowEvent, { type: 'LogEvent' }>;

export const TENANT_ID = 'tenant-contract';

export function newWorkflowId(): string {
  return `wf-${randomUUID()}`;
}

/** A small event whose `detail.n` tells events apart. */
export function logEvent(workflowId: string, n: number): NewLogEvent {
  return {
    type: 'LogEvent',
    tenantId: TENANT_ID,
    workflowId,
    runId: 'run-1',
    at: new Date(Date.UTC(2025, 0, 1, 0, 0, 0, n % 1000)).toISOString(),
    event: 'step',
    detail: { n },
  };
}

/** A delta event of `chars` characters; `n` tells events apart. */
export function bigEvent(workflowId: string, n: number, chars: number): NewWorkflowEvent {
  return {
    type: 'MessageDeltaEvent',
    tenantId: TENANT_ID,
    workflowId,
    runId: 'run-1',
    at: new Date(Date.UTC(2025, 0, 1)).toISOString(),
    messageId: `m-${n}`,
    delta: String(n % 10).repeat(chars),
  };
}

/** The event a test publishes last, so readers know when to stop. */
export function endMarker(workflowId: string): NewLogEvent {
  return { ...logEvent(workflowId, 0), event: 'end' };
}

export function isEndMarker(event: WorkflowEvent): boolean {
  return event.type === 'LogEvent' && event.event === 'end';
}

/** One event of every type, with JSON values that serialisers like to mangle. */
export function awkwardEvents(workflowId: string): NewWorkflowEvent[] {
  const text = 'héllo wörld 🌍 — "quoted" \\ back\\slash\nsecond line\ttab\u2028\u0000end';
  const base = { tenantId: TENANT_ID, workflowId, at: '2025-01-01T00:00:00.000Z' };
  return [
    {
      ...base,
      runId: 'run-1',
      type: 'ToolCallEvent',
      toolCallId: 'call-1',
      name: 'search',
      status: 'SUCCEEDED',
      arguments: { list: [], map: {}, nested: [[], {}, [{}]], text, zero: 0, pi: 3.5, no: false },
      result: [],
    },
    { ...base, runId: null, type: 'LogEvent', event: 'empty-object', detail: {} },
    { ...base, runId: null, type: 'LogEvent', event: 'empty-array', detail: [] },
    { ...base, runId: null, type: 'LogEvent', event: 'no-detail' },
    { ...base, runId: 'run-1', type: 'MessageDeltaEvent', messageId: 'm-1', delta: text },
    {
      ...base,
      runId: 'run-1',
      type: 'MessageEvent',
      message: {
        id: 'm-1',
        workflowId,
        runId: 'run-1',
        index: 0,
        role: 'ASSISTANT',
        content: text,
        createdAt: '2025-01-01T00:00:00.000Z',
      },
    },
    {
      ...base,
      runId: 'run-1',
      type: 'RunStatusEvent',
      status: 'FAILED',
      error: { code: 'TOOL', message: text },
    },
    {
      ...base,
      runId: 'run-1',
      type: 'UsageEvent',
      usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
    },
  ];
}

/** Reads a subscription one event at a time through a single iterator. */
export interface SubscriptionReader {
  /** The next event; fails when the iteration ends instead. */
  next(): Promise<WorkflowEvent>;
  /** The next `count` events. */
  take(count: number): Promise<WorkflowEvent[]>;
  /** Every event up to and including the first that matches. */
  until(matches: (event: WorkflowEvent) => boolean): Promise<WorkflowEvent[]>;
  /** The raw result of the iterator's next(): for asserting that iteration ended or threw. */
  result(): Promise<IteratorResult<WorkflowEvent>>;
}

export function reader(subscription: EventSubscription): SubscriptionReader {
  const iterator = subscription[Symbol.asyncIterator]();
  const self: SubscriptionReader = {
    async next() {
      const result = await iterator.next();
      if (result.done) throw new Error('The subscription ended while an event was expected.');
      return result.value;
    },
    async take(count) {
      const events: WorkflowEvent[] = [];
      while (events.length < count) events.push(await self.next());
      return events;
    },
    async until(matches) {
      const events: WorkflowEvent[] = [];
      for (;;) {
        const event = await self.next();
        events.push(event);
        if (matches(event)) return events;
      }
    },
    result: () => iterator.next(),
  };
  return self;
}

export const ids = (events: readonly { id: string }[]): string[] => events.map((event) => event.id);
