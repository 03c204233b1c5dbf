import type { WorkflowEvent } from '../domain/events.ts';
import { type Drainable, type EventSubscription, isDrainable } from '../ports/event-bus.ts';

export interface FilterOptions {
  /** Events that fail the test are skipped. */
  keep: (event: WorkflowEvent) => boolean;
  /** After yielding an event that passes this test, the iterator completes. */
  last?: (event: WorkflowEvent) => boolean;
}

/**
 * A filtered view of a subscription whose `return()` closes the subscription at once — an async
 * generator would wait for the pending `next()` first, leaking idle subscriptions when SSE
 * clients disconnect.
 */
export function filterSubscription(
  subscription: EventSubscription,
  { keep, last }: FilterOptions,
): AsyncIterableIterator<WorkflowEvent> {
  const source = subscription[Symbol.asyncIterator]();
  let finished = false;
  const finish = async (): Promise<IteratorReturnResult<undefined>> => {
    if (!finished) {
      finished = true;
      await subscription.close();
    }
    return { done: true, value: undefined };
  };
  const drainable = isDrainable<WorkflowEvent>(source) ? source : undefined;
  /** What `tryNext` took but only `next()` may hand over: the end, or the last event. */
  let stashed: IteratorResult<WorkflowEvent> | undefined;
  const iterator: AsyncIterableIterator<WorkflowEvent> & Partial<Drainable<WorkflowEvent>> = {
    async next() {
      if (stashed) {
        const step = stashed;
        stashed = undefined;
        await finish();
        return step.done ? { done: true, value: undefined } : step;
      }
      while (!finished) {
        const step = await source.next();
        if (step.done) return finish();
        if (!keep(step.value)) continue;
        if (last?.(step.value)) await finish();
        return { done: false, value: step.value };
      }
      return { done: true, value: undefined };
    },
    ...(drainable && {
      tryNext() {
        while (!finished) {
          const step = drainable.tryNext();
          if (step === 'empty' || step === 'async') return step;
          // Ending goes through next(), which closes the subscription first.
          if (step.done || (keep(step.value) && last?.(step.value))) {
            stashed = step;
            return 'async';
          }
          if (keep(step.value)) return { done: false, value: step.value };
        }
        return { done: true, value: undefined };
      },
      onReadable: (listener: (() => void) | null) => drainable.onReadable(listener),
    }),
    return: finish,
    async throw(error: unknown) {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** Yields the given events, then completes. */
export async function* fromArray(events: readonly WorkflowEvent[]) {
  yield* events;
}
