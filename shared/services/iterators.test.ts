import { describe, expect, it } from 'vitest';
import { logEvent, newWorkflowId } from '../adapters/events/event-bus-contract-fixtures.ts';
import { createInProcessEventBus } from '../adapters/events/in-process-event-bus.ts';
import type { WorkflowEvent } from '../domain/events.ts';
import { type Drainable, isDrainable } from '../ports/event-bus.ts';
import { filterSubscription } from './iterators.ts';

describe('filterSubscription over a drainable subscription', () => {
  it('drains kept events synchronously and ends through next() after the last one', async () => {
    const bus = createInProcessEventBus();
    const workflowId = newWorkflowId();
    const subscription = await bus.subscribe(workflowId, { position: { kind: 'live' } });
    const filtered = filterSubscription(subscription, {
      keep: (e) => e.type === 'LogEvent' && (e.detail as { n: number }).n % 2 === 0,
      last: (e) => e.type === 'LogEvent' && (e.detail as { n: number }).n === 4,
    });
    expect(isDrainable(filtered)).toBe(true);
    const drain = filtered as unknown as Drainable<WorkflowEvent>;
    expect(drain.tryNext()).toBe('empty');
    for (let n = 0; n <= 6; n++) await bus.publish(logEvent(workflowId, n));

    const seen: number[] = [];
    let step = drain.tryNext();
    while (typeof step === 'object' && !step.done) {
      seen.push((step.value as { detail: { n: number } }).detail.n);
      step = drain.tryNext();
    }
    // 1 and 3 were filtered out; 4 is the last one: only next() hands it over, then ends.
    expect(seen).toEqual([0, 2]);
    expect(step).toBe('async');
    const last = await filtered.next();
    expect((last.value as { detail: { n: number } }).detail.n).toBe(4);
    expect(await filtered.next()).toEqual({ done: true, value: undefined });
    expect(bus.stats().subscribers).toBe(0);
    await bus.close();
  });
});
