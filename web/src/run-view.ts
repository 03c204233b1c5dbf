import {
  type AgentgateClient,
  createRunTranscript,
  type EventOf,
  isTerminalStatus,
  type RunStatus,
  type WorkflowEvent,
} from '../../sdk/index.ts';
import { brief, fill, h } from './dom.ts';

export interface RunViewCallbacks {
  /** The run's stream ended (terminal status seen, or stopped). */
  onEnded(runId: string): void;
  onError(error: unknown): void;
}

/**
 * The live view of one run: status, the answer as it is written (one text node per delta), tool
 * calls, usage and notable log events, with a Cancel button while the run is active.
 */
export function createRunView(client: AgentgateClient, callbacks: RunViewCallbacks) {
  const status = h('span', { class: 'status', 'data-testid': 'run-status' }, '—');
  const cancel = h(
    'button',
    { class: 'danger', 'data-testid': 'cancel-run', disabled: true },
    'Cancel',
  );
  const reconnecting = h('span', { class: 'muted', 'data-testid': 'run-reconnecting' });
  const title = h('strong', {}, 'No run selected');
  const prompt = h('div', { class: 'muted', 'data-testid': 'run-prompt' });
  const output = h('div', { class: 'output', 'data-testid': 'run-output' });
  const tools = h('ul', { class: 'tools', 'data-testid': 'run-tools' });
  const usage = h('span', { class: 'muted', 'data-testid': 'run-usage' });
  const log = h('ul', { class: 'log muted', 'data-testid': 'run-log' });
  const element = h(
    'section',
    { 'data-testid': 'run-view' },
    h('h2', {}, 'Run'),
    h('div', { class: 'row' }, title, status, cancel, reconnecting),
    prompt,
    output,
    h('div', { class: 'row' }, 'Usage:', usage),
    tools,
    log,
  );

  let controller: AbortController | undefined;
  let runId: string | undefined;
  /** One span per assistant message, so deltas of several model steps do not interleave. */
  const messageSpans = new Map<string, HTMLSpanElement>();
  /** Decides what each event does to the text: abandoned attempts' messages are dropped. */
  let transcript = createRunTranscript();

  function setStatus(value: RunStatus) {
    status.textContent = value;
    status.className = `status ${value}`;
    status.dataset.status = value;
    cancel.disabled = isTerminalStatus(value);
  }

  function spanOf(messageId: string): HTMLSpanElement {
    let span = messageSpans.get(messageId);
    if (!span) {
      if (messageSpans.size > 0) output.append('\n');
      span = h('span', { 'data-message-id': messageId });
      messageSpans.set(messageId, span);
      output.append(span);
    }
    return span;
  }

  function toolCall(event: EventOf<'ToolCallEvent'>) {
    const id = `tool-${event.toolCallId}`;
    const line = h(
      'li',
      { id },
      `${event.name} ${event.toolStatus.toLowerCase()} `,
      brief(event.arguments),
      event.result === null ? null : ` → ${brief(event.result)}`,
    );
    const existing = tools.querySelector(`[id="${CSS.escape(id)}"]`);
    if (existing) existing.replaceWith(line);
    else tools.append(line);
  }

  function apply(event: WorkflowEvent) {
    switch (event.__typename) {
      case 'RunStatusEvent':
        setStatus(event.status);
        if (event.error) log.append(h('li', {}, `${event.error.code}: ${event.error.message}`));
        break;
      case 'MessageDeltaEvent':
      case 'MessageEvent': {
        const change = transcript.apply(event);
        if (change?.kind === 'appended') {
          // A text node per delta: the answer grows word by word without re-rendering.
          spanOf(change.messageId).append(document.createTextNode(change.delta));
        } else if (change?.kind === 'set' && event.__typename === 'MessageEvent') {
          if (event.message.role === 'ASSISTANT')
            spanOf(change.messageId).textContent = change.text;
          else if (event.message.role === 'TOOL') {
            log.append(h('li', {}, `tool result: ${brief(event.message.content)}`));
          }
        }
        break;
      }
      case 'ToolCallEvent':
        toolCall(event);
        break;
      case 'UsageEvent':
        usage.textContent = `${event.usage.inputTokens} in · ${event.usage.outputTokens} out · ${event.usage.totalTokens} total`;
        break;
      case 'LogEvent': {
        const change = transcript.apply(event);
        if (change?.kind === 'dropped') {
          // An attempt died mid-answer: its text goes; the next attempt writes the answer anew.
          for (const id of change.messageIds) {
            messageSpans.get(id)?.remove();
            messageSpans.delete(id);
          }
        }
        log.append(h('li', {}, `${event.event} ${brief(event.detail)}`));
        break;
      }
    }
  }

  cancel.addEventListener('click', async () => {
    if (!runId) return;
    cancel.disabled = true;
    try {
      setStatus((await client.cancelRun(runId)).status);
    } catch (error) {
      cancel.disabled = false;
      callbacks.onError(error);
    }
  });

  return {
    element,

    /** Shows the run from its first event, live while it runs (a finished run is replayed). */
    async watch(run: { id: string; prompt: string; status: RunStatus }) {
      controller?.abort();
      const own = new AbortController();
      controller = own;
      runId = run.id;
      messageSpans.clear();
      transcript = createRunTranscript();
      title.textContent = `Run ${run.id}`;
      prompt.textContent = `Prompt: ${run.prompt}`;
      fill(output);
      fill(tools);
      fill(log);
      usage.textContent = '';
      setStatus(run.status);
      try {
        const events = client.streamRun(run.id, {
          signal: own.signal,
          onReconnect: ({ attempt }) => {
            reconnecting.textContent = `reconnecting (attempt ${attempt})…`;
          },
        });
        for await (const event of events) {
          reconnecting.textContent = '';
          apply(event);
        }
      } catch (error) {
        if (!own.signal.aborted) callbacks.onError(error);
      } finally {
        reconnecting.textContent = '';
        if (controller === own) callbacks.onEnded(run.id);
      }
    },

    stop() {
      controller?.abort();
    },
  };
}

export type RunView = ReturnType<typeof createRunView>;
