import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WorkflowEvent } from '../../domain/events.ts';
import { BadUserInputError } from '../../errors.ts';
import {
  type Drainable,
  type EventBus,
  isDrainable,
  SlowConsumerError,
} from '../../ports/event-bus.ts';
import { compareCursors } from './cursor.ts';
import {
  awkwardEvents,
  bigEvent,
  endMarker,
  ids,
  isEndMarker,
  logEvent,
  newWorkflowId,
  reader,
} from './event-bus-contract-fixtures.ts';

export interface EventBusContractOptions {
  /** The bus's per-subscriber limit; the adapter's default when absent. */
  maxBufferedEvents?: number;
  /** The bus's per-subscriber limit in bytes of events; the adapter's default when absent. */
  maxBufferedBytes?: number;
}

export interface EventBusContractSubject {
  bus: EventBus;
  /** Another gateway's bus on the same backing service (the same bus when there is only one). */
  peer(): Promise<EventBus>;
  /** Closes the bus and every peer and deletes whatever the backing service holds. */
  cleanup(): Promise<void>;
}

const LIVE = { position: { kind: 'live' } } as const;
const resumeAfter = (cursor: string | null) => ({ position: { kind: 'after', cursor } }) as const;

/** The behaviour every EventBus adapter guarantees (ports/event-bus.ts, API.md "Events"). */
export function describeEventBusContract(
  name: string,
  setup: (options?: EventBusContractOptions) => Promise<EventBusContractSubject>,
): void {
  describe(`EventBus contract: ${name}`, () => {
    const subjects: EventBusContractSubject[] = [];
    async function open(options?: EventBusContractOptions): Promise<EventBusContractSubject> {
      const subject = await setup(options);
      subjects.push(subject);
      return subject;
    }
    afterEach(async () => {
      await Promise.all(subjects.splice(0).map((subject) => subject.cleanup()));
    });

    async function publishAll(bus: EventBus, workflowId: string, from: number, count: number) {
      const published: WorkflowEvent[] = [];
      for (let n = from; n < from + count; n++) {
        published.push(await bus.publish(logEvent(workflowId, n)));
      }
      return published;
    }

    it('returns the published event with a cursor, and cursors strictly increase', async () => {
      const { bus } = await open();
      const workflowId = newWorkflowId();
      const published = await publishAll(bus, workflowId, 0, 20);
      published.forEach((event, n) => {
        expect(event).toEqual({ ...logEvent(workflowId, n), id: expect.any(String) });
        if (n > 0) expect(compareCursors(published[n - 1]!.id, event.id)).toBeLessThan(0);
      });
      expect(ids(await bus.read(workflowId, null, 100))).toEqual(ids(published));
    });

    it('publishes an event with a once key only once, also when several publishers race, and returns the first cursor', async () => {
      const { bus } = await open();
      const workflowId = newWorkflowId();
      const live = reader(await bus.subscribe(workflowId, LIVE));
      const first = await bus.publish(logEvent(workflowId, 1), { once: 'run-1:SUCCEEDED' });

      const again = await Promise.all(
        Array.from({ length: 5 }, () =>
          bus.publish(logEvent(workflowId, 1), { once: 'run-1:SUCCEEDED' }),
        ),
      );
      const other = await bus.publish(logEvent(workflowId, 2), { once: 'run-1:FAILED' });
      await bus.publish(endMarker(workflowId));

      expect(again.map((event) => event.id)).toEqual(Array(5).fill(first.id));
      expect(ids(await bus.read(workflowId, null, 100))).toHaveLength(3);
      const seen = await live.until(isEndMarker);
      expect(ids(seen)).toEqual([first.id, other.id, seen.at(-1)!.id]);
      expect(ids(await bus.read(newWorkflowId(), null, 100))).toEqual([]);
    });

    it('orders events published concurrently by their cursors, in the log and live alike', async () => {
      const { bus } = await open();
      const workflowId = newWorkflowId();
      const live = reader(await bus.subscribe(workflowId, LIVE));
      const published = await Promise.all(
        Array.from({ length: 50 }, (_, n) => bus.publish(logEvent(workflowId, n))),
      );
      const byCursor = ids(published).sort(compareCursors);
      expect(new Set(byCursor).size).toBe(50);
      expect(ids(await bus.read(workflowId, null, 100))).toEqual(byCursor);
      expect(ids(await live.take(50))).toEqual(byCursor);
    });

    it('delivers to a live subscriber only the events published after it attached', async () => {
      const { bus } = await open();
      const workflowId = newWorkflowId();
      await bus.publish(logEvent(workflowId, 0));
      const first = reader(await bus.subscribe(workflowId, LIVE));
      const [one] = await publishAll(bus, workflowId, 1, 1);
      // A second subscriber joins a workflow that already has a live listener.
      const second = reader(await bus.subscribe(workflowId, LIVE));
      const [two, three] = await publishAll(bus, workflowId, 2, 2);
      expect(ids(await first.take(3))).toEqual(ids([one!, two!, three!]));
      expect(ids(await second.take(2))).toEqual(ids([two!, three!]));
    });

    it('replays every retained event for after: null, then continues live', async () => {
      const { bus } = await open();
      const workflowId = newWorkflowId();
      const earlier = await publishAll(bus, workflowId, 0, 3);
      const subscription = reader(await bus.subscribe(workflowId, resumeAfter(null)));
      const later = await publishAll(bus, workflowId, 3, 2);
      expect(ids(await subscription.take(5))).toEqual(ids([...earlier, ...later]));
    });

    it('replays exactly the events after a cursor, then continues live', async () => {
      const { bus } = await open();
      const workflowId = newWorkflowId();
      const earlier = await publishAll(bus, workflowId, 0, 5);
      const subscription = reader(await bus.subscribe(workflowId, resumeAfter(earlier[1]!.id)));
      const later = await publishAll(bus, workflowId, 5, 2);
      expect(ids(await subscription.take(5))).toEqual(ids([...earlier.slice(2), ...later]));
    });

    it('delivers only newer events when resuming from the newest cursor', async () => {
      const { bus } = await open();
      const workflowId = newWorkflowId();
      const [newest] = (await publishAll(bus, workflowId, 0, 3)).slice(-1);
      const subscription = reader(await bus.subscribe(workflowId, resumeAfter(newest!.id)));
      const [next] = await publishAll(bus, workflowId, 3, 1);
      expect((await subscription.next()).id).toBe(next!.id);
    });

    it('gives every subscriber that resumes mid-stream, while 1,000 events are published, each later event once and in order', async () => {
      const { bus, peer } = await open();
      const otherGateway = await peer();
      const workflowId = newWorkflowId();
      const total = 1_000;
      const published: WorkflowEvent[] = [];
      const resumed: Promise<{ from: number; events: WorkflowEvent[] }>[] = [];
      for (let n = 0; n < total; n++) {
        published.push(await otherGateway.publish(logEvent(workflowId, n)));
        if (n % 100 === 37) {
          // Not awaited: the subscriber attaches and replays while publishing goes on.
          const from = n;
          resumed.push(
            (async () => {
              const cursor = published[from]!.id;
              const subscription = reader(await bus.subscribe(workflowId, resumeAfter(cursor)));
              return { from, events: await subscription.until(isEndMarker) };
            })(),
          );
        }
      }
      // Each subscriber reads until this marker, so a gap or a duplicate shows in its list.
      const marker = await otherGateway.publish(endMarker(workflowId));
      const log = await bus.read(workflowId, null, total + 10);
      expect(ids(log)).toEqual(ids([...published, marker]));
      const results = await Promise.all(resumed);
      expect(results).toHaveLength(10);
      for (const { from, events } of results) expect(ids(events)).toEqual(ids(log.slice(from + 1)));
    });

    it('keeps the events of different workflows apart', async () => {
      const { bus } = await open();
      const [a, b] = [newWorkflowId(), newWorkflowId()];
      const subscription = reader(await bus.subscribe(a, resumeAfter(null)));
      await bus.publish(logEvent(b, 0));
      const [fromA] = await publishAll(bus, a, 1, 1);
      await bus.publish(logEvent(b, 2));
      expect((await subscription.next()).id).toBe(fromA!.id);
      expect((await bus.read(b, null, 10)).map((event) => event.workflowId)).toEqual([b, b]);
      expect(ids(await bus.read(a, null, 10))).toEqual([fromA!.id]);
    });

    it('reads the log in pages, oldest first, and names the newest cursor', async () => {
      const { bus } = await open();
      const workflowId = newWorkflowId();
      const published = await publishAll(bus, workflowId, 0, 5);
      expect(ids(await bus.read(workflowId, null, 2))).toEqual(ids(published.slice(0, 2)));
      expect(ids(await bus.read(workflowId, published[1]!.id, 2))).toEqual(
        ids(published.slice(2, 4)),
      );
      expect(ids(await bus.read(workflowId, published[3]!.id, 10))).toEqual([published[4]!.id]);
      expect(await bus.read(workflowId, published[4]!.id, 10)).toEqual([]);
      expect(await bus.read(workflowId, null, 0)).toEqual([]);
      expect(await bus.lastCursor(workflowId)).toBe(published[4]!.id);
    });

    it('has no cursor and no events for a workflow that never published', async () => {
      const { bus } = await open();
      const workflowId = newWorkflowId();
      expect(await bus.lastCursor(workflowId)).toBeNull();
      expect(await bus.read(workflowId, null, 10)).toEqual([]);
    });

    it('drops the replay log of a forgotten workflow', async () => {
      const { bus } = await open();
      const workflowId = newWorkflowId();
      await publishAll(bus, workflowId, 0, 3);
      await bus.forget(workflowId);
      expect(await bus.read(workflowId, null, 10)).toEqual([]);
      expect(await bus.lastCursor(workflowId)).toBeNull();
      const subscription = reader(await bus.subscribe(workflowId, resumeAfter(null)));
      const [fresh] = await publishAll(bus, workflowId, 3, 1);
      expect((await subscription.next()).id).toBe(fresh!.id);
    });

    it.each([
      '',
      'latest',
      '12',
      '1-2-3',
      '-1-0',
      ' 1-0',
      '1-0\n',
      '1.5-0',
      '99999999999999999999999-0',
    ])('rejects the malformed cursor %j with BadUserInputError', async (cursor) => {
      const { bus } = await open();
      const workflowId = newWorkflowId();
      await expect(bus.subscribe(workflowId, resumeAfter(cursor))).rejects.toBeInstanceOf(
        BadUserInputError,
      );
      await expect(bus.read(workflowId, cursor, 10)).rejects.toBeInstanceOf(BadUserInputError);
    });

    it('ends the iteration when the signal aborts, also while a next() is waiting', async () => {
      const { bus } = await open();
      const workflowId = newWorkflowId();
      const controller = new AbortController();
      const subscription = reader(
        await bus.subscribe(workflowId, { ...LIVE, signal: controller.signal }),
      );
      const waiting = subscription.result();
      controller.abort();
      expect((await waiting).done).toBe(true);
      await bus.publish(logEvent(workflowId, 0));
      expect((await subscription.result()).done).toBe(true);
      const aborted = await bus.subscribe(workflowId, {
        ...resumeAfter(null),
        signal: controller.signal,
      });
      expect((await reader(aborted).result()).done).toBe(true);
    });

    it('ends the iteration on close(), on break, and when the bus closes', async () => {
      const { bus } = await open();
      const workflowId = newWorkflowId();
      const closed = await bus.subscribe(workflowId, LIVE);
      const waiting = reader(closed).result();
      await closed.close();
      expect((await waiting).done).toBe(true);

      const broken = await bus.subscribe(workflowId, resumeAfter(null));
      await publishAll(bus, workflowId, 0, 3);
      const seen: WorkflowEvent[] = [];
      for await (const event of broken) {
        seen.push(event);
        if (seen.length === 2) break;
      }
      expect(seen).toHaveLength(2);
      expect((await reader(broken).result()).done).toBe(true);

      const attached = reader(await bus.subscribe(workflowId, LIVE));
      const pending = attached.result();
      await bus.close();
      expect((await pending).done).toBe(true);
    });

    it('cuts off a subscriber that stops reading once more than maxBufferedEvents wait, and it resumes from its last cursor', async () => {
      const { bus } = await open({ maxBufferedEvents: 5 });
      const workflowId = newWorkflowId();
      const slow = reader(await bus.subscribe(workflowId, LIVE));
      const fast = reader(await bus.subscribe(workflowId, LIVE));
      const published: WorkflowEvent[] = [];
      for (let n = 0; n < 8; n++) {
        published.push(await bus.publish(logEvent(workflowId, n)));
        // The fast reader has this event, so the slow one has been handed it too.
        expect((await fast.next()).id).toBe(published[n]!.id);
        if (n < 2) expect((await slow.next()).id).toBe(published[n]!.id);
      }
      const error = await slow.result().catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(SlowConsumerError);
      expect((error as SlowConsumerError).limit).toBe(5);
      expect((await slow.result()).done).toBe(true);

      const resumed = reader(await bus.subscribe(workflowId, resumeAfter(published[1]!.id)));
      expect(ids(await resumed.take(6))).toEqual(ids(published.slice(2)));
    });

    it('cuts off a subscriber that stops reading once more than maxBufferedBytes of events wait, telling it at once, and it resumes from its last cursor', async () => {
      const { bus } = await open({ maxBufferedBytes: 10_000 });
      const workflowId = newWorkflowId();
      const subscription = await bus.subscribe(workflowId, LIVE);
      const stream = subscription as unknown as Drainable<WorkflowEvent>;
      const told: unknown[] = [];
      stream.onReadable((failure) => told.push(failure));
      const slow = reader(subscription);
      const fast = reader(await bus.subscribe(workflowId, LIVE));
      const published: WorkflowEvent[] = [];
      for (let n = 0; n < 6; n++) {
        published.push(await bus.publish(bigEvent(workflowId, n, 3_000)));
        expect((await fast.next()).id).toBe(published[n]!.id);
      }
      // Told while not reading, without having to call next() first.
      const failure = told.find((reason) => reason !== undefined);
      expect(failure).toBeInstanceOf(SlowConsumerError);
      expect(failure).toMatchObject({ limit: 10_000, unit: 'bytes', code: 'SLOW_CONSUMER' });
      await expect(slow.result()).rejects.toBe(failure);

      const resumed = reader(await bus.subscribe(workflowId, resumeAfter(null)));
      expect(ids(await resumed.take(6))).toEqual(ids(published));
    });

    it('hands one event larger than maxBufferedBytes to a subscriber that keeps up', async () => {
      const { bus, peer } = await open({ maxBufferedBytes: 10_000 });
      const otherGateway = await peer();
      const workflowId = newWorkflowId();
      const live = reader(await otherGateway.subscribe(workflowId, LIVE));
      const huge = await bus.publish(bigEvent(workflowId, 1, 50_000));
      expect(await live.next()).toEqual(huge);
      const replay = reader(await otherGateway.subscribe(workflowId, resumeAfter(null)));
      expect(await replay.next()).toEqual(huge);
    });

    it('replays events bigger in sum than maxBufferedBytes page by page, each once, in order', async () => {
      const { bus } = await open({ maxBufferedBytes: 10_000 });
      const workflowId = newWorkflowId();
      const published: WorkflowEvent[] = [];
      for (let n = 0; n < 12; n++)
        published.push(await bus.publish(bigEvent(workflowId, n, 4_000)));
      const replay = reader(await bus.subscribe(workflowId, resumeAfter(null)));
      expect(await replay.take(12)).toEqual(published);
    });

    it('does not count a long replay against maxBufferedEvents', async () => {
      const { bus } = await open({ maxBufferedEvents: 5 });
      const workflowId = newWorkflowId();
      const published = await publishAll(bus, workflowId, 0, 40);
      const subscription = reader(await bus.subscribe(workflowId, resumeAfter(null)));
      expect(ids(await subscription.take(40))).toEqual(ids(published));
    });

    it('round-trips every event type intact: empty arrays and objects, unicode, newlines', async () => {
      const { bus, peer } = await open();
      const otherGateway = await peer();
      const workflowId = newWorkflowId();
      const originals = awkwardEvents(workflowId);
      const live = reader(await otherGateway.subscribe(workflowId, LIVE));
      const published: WorkflowEvent[] = [];
      for (const original of originals) published.push(await bus.publish(original));
      const expected = originals.map((original, n) => ({ ...original, id: published[n]!.id }));
      expect(published).toEqual(expected);
      expect(await live.take(originals.length)).toEqual(expected);
      expect(await otherGateway.read(workflowId, null, 100)).toEqual(expected);
      const replay = reader(await otherGateway.subscribe(workflowId, resumeAfter(null)));
      expect(await replay.take(originals.length)).toEqual(expected);
    });

    it('answers ping while open', async () => {
      const { bus } = await open();
      await expect(bus.ping()).resolves.toBeUndefined();
    });

    it('hands buffered events over synchronously when asked, telling the consumer when more arrive', async () => {
      const { bus } = await open();
      const workflowId = newWorkflowId();
      const before = await publishAll(bus, workflowId, 0, 3);
      const subscription = await bus.subscribe(workflowId, resumeAfter(null));
      expect(isDrainable(subscription)).toBe(true);
      const stream = subscription as unknown as Drainable<WorkflowEvent> & typeof subscription;
      let signals = 0;
      stream.onReadable(() => {
        signals += 1;
      });
      // Replay is read a page at a time through next(): tryNext says so.
      expect(stream.tryNext()).toBe('async');
      const drained: WorkflowEvent[] = [];
      const first = await stream[Symbol.asyncIterator]().next();
      drained.push(first.value as WorkflowEvent);
      for (let step = stream.tryNext(); typeof step === 'object'; step = stream.tryNext()) {
        if (!step.done) drained.push(step.value);
      }
      expect(ids(drained)).toEqual(ids(before));

      const live = await publishAll(bus, workflowId, 3, 4);
      await vi.waitFor(() => expect(signals).toBeGreaterThanOrEqual(1));
      const later: WorkflowEvent[] = [];
      await vi.waitFor(() => {
        for (let step = stream.tryNext(); typeof step === 'object'; step = stream.tryNext()) {
          if (!step.done) later.push(step.value);
        }
        expect(ids(later)).toEqual(ids(live));
      });
      expect(stream.tryNext()).toBe('empty');

      await subscription.close();
      expect(stream.tryNext()).toEqual({ done: true, value: undefined });
    });
  });
}
