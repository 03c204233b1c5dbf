import {
  type AgentgateClient,
  createRunTranscript,
  type EventOf,
  isTerminalStatus,
  type Run,
  type RunStatus,
  type WorkflowEvent,
} from '../../sdk/index.ts';
import { brief, fill, h } from './dom.ts';
import { dateTime, usageText } from './format.ts';
import { runHint } from './hints.ts';
import { toolCallElement } from './value-view.ts';

export interface RunViewCallbacks {
  /** The run's stream ended (terminal status seen, or stopped). */
  onEnded(runId: string): void;
  onError(error: unknown): void;
  /** A directive example of the hint was clicked: add this line to the prompt. */
  onExample(line: string): void;
}

/** What a run view accepts: a run from sendPrompt, a workflow's activeRun or its history. */
export type WatchedRun = Pick<Run, 'id' | 'prompt' | 'status' | 'createdAt' | 'usage'>;

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
  const title = h('strong', { 'data-testid': 'run-title' }, 'No run yet');
  const prompt = h('div', { class: 'muted wrap run-prompt', 'data-testid': 'run-prompt' });
  const output = h('div', { class: 'output', 'data-testid': 'run-output' });
  const tools = h('div', { class: 'tools', 'data-testid': 'run-tools' });
  const usage = h('span', { 'data-testid': 'run-usage' });
  const log = h('ul', { class: 'log muted', 'data-testid': 'run-log' });
  const hint = runHint(callbacks.onExample);
  const details = h(
    'div',
    { hidden: true },
    h('div', { class: 'row' }, title, status, cancel, reconnecting),
    prompt,
    output,
    h('div', { class: 'row' }, h('span', { class: 'muted' }, 'Usage:'), usage),
    tools,
    log,
  );
  const element = h('section', { 'data-testid': 'run-view' }, h('h2', {}, 'Run'), hint, details);

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
    cancel.hidden = isTerminalStatus(value);
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
    const call = toolCallElement(
      {
        name: event.name,
        status: event.toolStatus,
        arguments: event.arguments,
        result: event.result,
      },
      { id },
    );
    // STARTED, then SUCCEEDED or FAILED: the call's one element is replaced as it ends.
    const existing = tools.querySelector(`[id="${CSS.escape(id)}"]`);
    if (existing) existing.replaceWith(call);
    else tools.append(call);
  }

  function showUsage(value: Run['usage'], source: 'event' | 'run') {
    usage.textContent = usageText(value);
    usage.dataset.source = source;
  }

  /**
   * Once the stream ended, the run as stored: its final status and usage. A run cancelled or
   * failed before its first model step sent no UsageEvent; its stored usage is still shown.
   */
  async function showFinal(id: string, own: AbortController) {
    try {
      const run = await client.run(id);
      if (controller !== own || !run) return;
      setStatus(run.status);
      showUsage(run.usage, 'run');
    } catch (error) {
      callbacks.onError(error);
    }
  }

  function clear() {
    controller?.abort();
    controller = undefined;
    runId = undefined;
    messageSpans.clear();
    transcript = createRunTranscript();
    fill(output);
    fill(tools);
    fill(log);
    usage.textContent = '';
    delete usage.dataset.source;
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
          // A TOOL message repeats its ToolCallEvent, which the tool list shows already.
          if (event.message.role === 'ASSISTANT') {
            spanOf(change.messageId).textContent = change.text;
          }
        }
        break;
      }
      case 'ToolCallEvent':
        toolCall(event);
        break;
      case 'UsageEvent':
        showUsage(event.usage, 'event');
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

    /**
     * Shows the run from its first event, live while it runs (a finished run is replayed), then
     * its stored status and usage once it ended.
     */
    async watch(run: WatchedRun) {
      clear();
      const own = new AbortController();
      controller = own;
      runId = run.id;
      hint.hidden = true;
      details.hidden = false;
      title.textContent = `Run · ${dateTime(run.createdAt)}`;
      title.title = `Run ${run.id}`;
      title.dataset.runId = run.id;
      prompt.textContent = `Prompt: ${run.prompt}`;
      if (isTerminalStatus(run.status)) showUsage(run.usage, 'run');
      else usage.textContent = 'none yet (it comes with the first model step)';
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
      }
      if (controller !== own) return;
      if (!own.signal.aborted) await showFinal(run.id, own);
      if (controller === own) callbacks.onEnded(run.id);
    },

    /** Stops watching and shows the hint again (another workflow was selected). */
    reset() {
      clear();
      hint.hidden = false;
      details.hidden = true;
      title.textContent = 'No run yet';
      status.textContent = '—';
      status.className = 'status';
      delete status.dataset.status;
      cancel.disabled = true;
    },
  };
}

export type RunView = ReturnType<typeof createRunView>;
