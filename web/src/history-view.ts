import type { AgentgateClient, Message, Run } from '../../sdk/index.ts';
import { fill, h, time } from './dom.ts';

/**
 * A workflow's history: its conversation, oldest first, and its runs; a click on a run replays
 * it in the run view.
 */
export function createHistoryView(client: AgentgateClient, onReplay: (run: Run) => void) {
  const messageList = h('div', { class: 'messages', 'data-testid': 'history-messages' });
  const runTable = h('tbody', { 'data-testid': 'history-runs' });
  const header = h(
    'tr',
    {},
    h('th', {}, 'Run'),
    h('th', {}, 'Status'),
    h('th', {}, 'Prompt'),
    h('th', {}, 'Tokens'),
  );
  const element = h(
    'section',
    {},
    h('h2', {}, 'History'),
    messageList,
    h('table', {}, h('thead', {}, header), runTable),
  );

  function renderMessages(messages: Message[]) {
    fill(
      messageList,
      ...messages.map((message) =>
        h(
          'div',
          { class: `message ${message.role}`, 'data-testid': 'history-message' },
          h('small', { class: 'muted' }, `${message.role} ${time(message.createdAt)} `),
          message.content,
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
          h('td', {}, run.prompt),
          h('td', {}, run.usage.totalTokens),
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
    },
  };
}
