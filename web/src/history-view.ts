import type { AgentgateClient, Message, Run } from '../../sdk/index.ts';
import { fill, h, time } from './dom.ts';
import { describeContent, parseToolMessage } from './format.ts';
import { displayElement, toolCallElement } from './value-view.ts';

/**
 * A workflow's history: its conversation, oldest first, and its runs; a click on a run replays
 * it in the run view.
 */
export function createHistoryView(client: AgentgateClient, onReplay: (run: Run) => void) {
  const messageList = h('div', { class: 'messages', 'data-testid': 'history-messages' });
  const runTable = h('tbody', { 'data-testid': 'history-runs' });
  const empty = h(
    'p',
    { class: 'hint', 'data-testid': 'history-empty', hidden: true },
    'No messages or runs yet: the conversation and its runs appear here once you send a prompt.',
  );
  const header = h(
    'tr',
    {},
    h('th', {}, 'Run'),
    h('th', {}, 'Status'),
    h('th', {}, 'Prompt'),
    h('th', {}, 'Tokens'),
  );
  const table = h('table', { class: 'runs' }, h('thead', {}, header), runTable);
  const element = h('section', {}, h('h2', {}, 'History'), empty, messageList, table);

  function renderMessages(messages: Message[]) {
    fill(
      messageList,
      ...messages.map((message) =>
        h(
          'div',
          { class: `message ${message.role}`, 'data-testid': 'history-message' },
          h('small', { class: 'muted' }, `${message.role} ${time(message.createdAt)} `),
          contentOf(message),
        ),
      ),
    );
  }

  function renderRuns(runs: Run[]) {
    fill(
      runTable,
      ...runs.map((run) =>
        h(
          'tr',
          {
            class: 'clickable',
            'data-testid': 'history-run',
            'data-id': run.id,
            title: 'Replay this run',
            onclick: () => onReplay(run),
          },
          h('td', {}, time(run.createdAt)),
          h('td', {}, h('span', { class: `status ${run.status}` }, run.status)),
          h(
            'td',
            { class: 'prompt-cell' },
            h('div', { class: 'prompt', title: run.prompt }, run.prompt),
          ),
          h('td', { class: 'tokens', 'data-label': 'tokens' }, run.usage.totalTokens),
        ),
      ),
    );
  }

  return {
    element,
    /** Loads the workflow's latest messages and runs. */
    async show(workflowId: string, pageSize: number) {
      const [messages, runs] = await Promise.all([
        client.messages(workflowId, { first: 100 }),
        client.runs(workflowId, { first: pageSize }),
      ]);
      renderMessages(messages.nodes);
      renderRuns(runs.nodes);
      empty.hidden = messages.nodes.length > 0 || runs.nodes.length > 0;
      table.hidden = runs.nodes.length === 0;
    },
  };
}

/** A message's text; a TOOL message's stored call shown like a live one. */
function contentOf(message: Message): Node | string {
  if (message.role !== 'TOOL') return message.content;
  const call = parseToolMessage(message.content);
  if (call) return toolCallElement(call);
  return displayElement(describeContent(message.content)) ?? '';
}
