import { afterEach, describe, expect, it } from 'vitest';
import { SlowConsumerError } from '../../ports/event-bus.ts';
import { compareCursors } from './cursor.ts';
import { describeEventBusContract } from './event-bus.contract.ts';
import { ids, logEvent, newWorkflowId, reader } from './event-bus-contract-fixtures.ts';
import {
  createInProcessEventBus,
  type InProcessEventBus,
  type InProcessEventBusOptions,
} from './in-process-event-bus.ts';

describeEventBusContract('in-process', async (options) => {
  // A small page makes replays cross page boundaries.
  const bus = createInProcessEventBus({
    maxBufferedEvents: options?.maxBufferedEvents,
    maxBufferedBytes: options?.maxBufferedBytes,
    replayPageSize: 7,
  });
  return { bus, peer: async () => bus, cleanup: () => bus.close() };
});

/** A clock the test moves by hand. */
function fakeClock(start = 1_700_000_000_000) {
  let time = start;
  return {
    now: () => time,
    advance(ms: number) {
      time += ms;
    },
    set(ms: number) {
      time = ms;
    },
  };
}

describe('createInProcessEventBus', () => {
  const buses: InProcessEventBus[] = [];
  function open(options: InProcessEventBusOptions = {}): InProcessEventBus {
    const bus = createInProcessEventBus(options);
    buses.push(bus);
    return bus;
  }
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });

  it('keeps a workflow log for retentionSeconds after its last event, then replays nothing', async () => {
    const clock = fakeClock();
    const bus = open({ retentionSeconds: 60, now: clock.now });
    const workflowId = newWorkflowId();
    const first = await bus.publish(logEvent(workflowId, 0));
    clock.advance(50_000);
    const second = await bus.publish(logEvent(workflowId, 1));
    clock.advance(59_999);
    expect(ids(await bus.read(workflowId, null, 10))).toEqual([first.id, second.id]);
    clock.advance(1);
    expect(await bus.read(workflowId, null, 10)).toEqual([]);
    expect(await bus.lastCursor(workflowId)).toBeNull();
    const subscription = reader(
      await bus.subscribe(workflowId, { position: { kind: 'after', cursor: null } }),
    );
    const fresh = await bus.publish(logEvent(workflowId, 2));
    expect((await subscription.next()).id).toBe(fresh.id);
  });

  it('prunes the expired logs of other workflows when publishing', async () => {
    const clock = fakeClock();
    const bus = open({ retentionSeconds: 1, now: clock.now });
    for (let n = 0; n < 5; n++) await bus.publish(logEvent(newWorkflowId(), n));
    expect(bus.stats().workflows).toBe(5);
    clock.advance(1_000);
    await bus.publish(logEvent(newWorkflowId(), 5));
    expect(bus.stats().workflows).toBe(1);
  });

  it('keeps at most maxEventsPerWorkflow events, dropping the oldest', async () => {
    const bus = open({ maxEventsPerWorkflow: 10 });
    const workflowId = newWorkflowId();
    const published = [];
    for (let n = 0; n < 35; n++) published.push(await bus.publish(logEvent(workflowId, n)));
    expect(ids(await bus.read(workflowId, null, 100))).toEqual(ids(published.slice(-10)));
    expect(ids(await bus.read(workflowId, published[0]!.id, 3))).toEqual(
      ids(published.slice(25, 28)),
    );
  });

  it('issues increasing cursors when the clock stalls or steps back', async () => {
    const clock = fakeClock();
    const bus = open({ now: clock.now });
    const workflowId = newWorkflowId();
    const cursors: string[] = [];
    for (const step of [0, 0, -5_000, 1, 10_000, -1]) {
      clock.advance(step);
      cursors.push((await bus.publish(logEvent(workflowId, cursors.length))).id);
    }
    for (let n = 1; n < cursors.length; n++) {
      expect(compareCursors(cursors[n - 1]!, cursors[n]!)).toBeLessThan(0);
    }
  });

  it('never blocks a publisher on a subscriber that does not read', async () => {
    const bus = open({ maxBufferedEvents: 100 });
    const workflowId = newWorkflowId();
    const idle = reader(await bus.subscribe(workflowId, { position: { kind: 'live' } }));
    for (let n = 0; n < 150; n++) await bus.publish(logEvent(workflowId, n));
    await expect(idle.result()).rejects.toBeInstanceOf(SlowConsumerError);
  });

  it('releases every subscription that ends, however it ends', async () => {
    const bus = open({ maxBufferedEvents: 2 });
    const workflowId = newWorkflowId();
    const controller = new AbortController();
    const aborted = await bus.subscribe(workflowId, {
      position: { kind: 'live' },
      signal: controller.signal,
    });
    const closed = await bus.subscribe(workflowId, { position: { kind: 'live' } });
    const broken = await bus.subscribe(workflowId, { position: { kind: 'after', cursor: null } });
    const slow = await bus.subscribe(workflowId, { position: { kind: 'live' } });
    expect(bus.stats().subscribers).toBe(4);
    controller.abort();
    await closed.close();
    await bus.publish(logEvent(workflowId, 0));
    for await (const _ of broken) break;
    for (let n = 1; n < 4; n++) await bus.publish(logEvent(workflowId, n));
    expect(bus.stats().subscribers).toBe(0);
    await expect(reader(slow).result()).rejects.toBeInstanceOf(SlowConsumerError);
    expect((await reader(aborted).result()).done).toBe(true);
  });

  it('rejects impossible options when it is created', () => {
    for (const bad of [
      { retentionSeconds: 0 },
      { maxEventsPerWorkflow: 0 },
      { maxBufferedEvents: -1 },
      { replayPageSize: 0.5 },
    ]) {
      expect(() => createInProcessEventBus(bad)).toThrow(RangeError);
    }
  });

  it("hands out event objects of its own, never the log's, so what consumers attach to one goes with them", async () => {
    const bus = open();
    const workflowId = newWorkflowId();
    const live = reader(await bus.subscribe(workflowId, { position: { kind: 'live' } }));
    await bus.publish(logEvent(workflowId, 1));
    const fromLive = await live.next();
    const replayed = async () =>
      reader(await bus.subscribe(workflowId, { position: { kind: 'after', cursor: null } })).next();
    const [first, second] = [await replayed(), await replayed()];
    expect(first).toEqual(fromLive);
    expect(first).not.toBe(fromLive);
    expect(second).not.toBe(first);
  });
});
