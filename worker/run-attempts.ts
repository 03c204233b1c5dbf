import type { Message, Run } from '../shared/domain/types.ts';
import type { EventBus } from '../shared/ports/event-bus.ts';

/** Events read per page while a resumed run's log is inspected. */
const PAGE_SIZE = 1_000;

/** What earlier attempts of a run left behind, as a taking-over worker finds it. */
export interface EarlierAttempts {
  /**
   * Messages whose deltas an earlier attempt published but never completed (it died or handed
   * the run back mid-message). They are never stored and never get a `MessageEvent`; the `retry`
   * LogEvent names them so clients drop their deltas.
   */
  abandonedMessageIds: string[];
  /**
   * Messages of the run that are stored but were never announced (a worker died between storing
   * one and publishing its `MessageEvent`), oldest first; the taking-over worker announces them.
   */
  unannounced: Message[];
  /**
   * How the model step that produced the run's last stored assistant message ended (the
   * `finishReason` of its `step-finished` LogEvent), or null when the log does not say (the
   * worker died before announcing it, or the log is gone).
   */
  lastAnswerFinishReason: string | null;
}

/**
 * Reads the run's events from its workflow's replay log (every event of the run comes after
 * `run.eventsAfter`) and compares them with the run's stored messages. Only a worker taking a run
 * over pays for this read.
 */
export async function inspectEarlierAttempts(
  bus: EventBus,
  run: Run,
  stored: readonly Message[],
): Promise<EarlierAttempts> {
  const streamed = new Set<string>();
  const announced = new Set<string>();
  const lastAnswer = stored.findLast((message) => message.role === 'ASSISTANT');
  /** Set once the last answer's MessageEvent is seen: the next step-finished is its step's. */
  let awaitingStepOf: string | undefined;
  let lastAnswerFinishReason: string | null = null;
  let cursor = run.eventsAfter;
  for (;;) {
    const page = await bus.read(run.workflowId, cursor, PAGE_SIZE);
    for (const event of page) {
      if (event.runId !== run.id) continue;
      if (event.type === 'MessageDeltaEvent') streamed.add(event.messageId);
      else if (event.type === 'MessageEvent') {
        announced.add(event.message.id);
        if (event.message.id === lastAnswer?.id) awaitingStepOf = lastAnswer.id;
      } else if (event.type === 'LogEvent' && event.event === 'step-finished' && awaitingStepOf) {
        const reason = (event.detail as { finishReason?: unknown } | undefined)?.finishReason;
        lastAnswerFinishReason = typeof reason === 'string' ? reason : null;
        awaitingStepOf = undefined;
      }
    }
    if (page.length < PAGE_SIZE) break;
    cursor = page.at(-1)?.id ?? cursor;
  }
  const storedIds = new Set(stored.map((message) => message.id));
  return {
    abandonedMessageIds: [...streamed].filter((id) => !storedIds.has(id)),
    unannounced: stored.filter((message) => !announced.has(message.id)),
    lastAnswerFinishReason,
  };
}
