import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareCursors } from './cursor.ts';
import { describeEventBusContract } from './event-bus.contract.ts';
import { ids, logEvent, newWorkflowId } from './event-bus-contract-fixtures.ts';
import { createFileEventJournal } from './event-journal.ts';
import { createInProcessEventBus } from './in-process-event-bus.ts';

const dirs: string[] = [];
function journalDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentgate-journal-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describeEventBusContract('in-process with a file journal', async (options) => {
  const bus = createInProcessEventBus({
    maxBufferedEvents: options?.maxBufferedEvents,
    maxBufferedBytes: options?.maxBufferedBytes,
    replayPageSize: 7,
    journal: createFileEventJournal(journalDir()),
  });
  return { bus, peer: async () => bus, cleanup: () => bus.close() };
});

describe('an in-process bus with a file journal', () => {
  it('replays every event after a restart, keeps once keys, and issues later cursors', async () => {
    const dir = journalDir();
    const workflowId = newWorkflowId();
    const first = createInProcessEventBus({ journal: createFileEventJournal(dir) });
    const published = [];
    for (let n = 0; n < 5; n++) published.push(await first.publish(logEvent(workflowId, n)));
    const announced = await first.publish(logEvent(workflowId, 5), { once: 'status:RUNNING' });
    await first.close();

    // As a crash leaves it: the last line cut short (its event was never delivered).
    appendFileSync(join(dir, `${workflowId}.jsonl`), '{"event":{"type":"LogEv');
    const second = createInProcessEventBus({ journal: createFileEventJournal(dir) });
    expect(ids(await second.read(workflowId, null, 100))).toEqual([
      ...ids(published),
      announced.id,
    ]);
    expect(await second.lastCursor(workflowId)).toBe(announced.id);
    const again = await second.publish(logEvent(workflowId, 6), { once: 'status:RUNNING' });
    expect(again.id).toBe(announced.id);
    const next = await second.publish(logEvent(workflowId, 7));
    expect(compareCursors(next.id, announced.id)).toBeGreaterThan(0);
    await second.forget(workflowId);
    expect(readdirSync(dir)).toEqual([]);
    await second.close();
  });

  it('drops logs past their retention, and what the per-workflow bound drops', async () => {
    const dir = journalDir();
    let time = Date.now();
    const now = () => time;
    const workflowId = newWorkflowId();
    const bus = createInProcessEventBus({
      journal: createFileEventJournal(dir),
      maxEventsPerWorkflow: 4,
      now,
    });
    const published = [];
    for (let n = 0; n < 10; n++) published.push(await bus.publish(logEvent(workflowId, n)));
    await bus.close();
    const reopened = createInProcessEventBus({
      journal: createFileEventJournal(dir),
      maxEventsPerWorkflow: 4,
      now,
    });
    expect(ids(await reopened.read(workflowId, null, 100))).toEqual(ids(published.slice(-4)));
    await reopened.close();
    // The files' age counts from their last write (now), so a clock a day on expires them.
    time = Date.now() + 86_400_000;
    const expired = createInProcessEventBus({ journal: createFileEventJournal(dir), now });
    expect(await expired.read(workflowId, null, 100)).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
    await expired.close();
  });
});
