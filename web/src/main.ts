import { AgentgateError, createAgentgateClient, type Workflow } from '../../sdk/index.ts';
import { createAgentsView } from './agents-view.ts';
import { h } from './dom.ts';
import { dateTime, workflowLabel } from './format.ts';
import { noWorkflowHint } from './hints.ts';
import { createHistoryView } from './history-view.ts';
import { createRunView } from './run-view.ts';
import { createWorkflowsView } from './workflows-view.ts';

/**
 * The Agentgate console: agents and workflows, a prompt box, the live run and the workflow's
 * history, all through the SDK against this gateway's `/graphql`. The API token (needed when the
 * gateway requires tokens) is kept in localStorage.
 */

const TOKEN_KEY = 'agentgate.token';
const PAGE_SIZE = 50;

const client = createAgentgateClient({
  url: new URL('/graphql', location.href).href,
  token: () => localStorage.getItem(TOKEN_KEY),
});

let selected: Workflow | undefined;

const errorBox = h('div', { class: 'error', 'data-testid': 'error', hidden: true });

function showError(error: unknown) {
  const text =
    error instanceof AgentgateError
      ? `${error.code}: ${error.message}`
      : error instanceof Error
        ? error.message
        : String(error);
  errorBox.textContent = text;
  errorBox.hidden = false;
}

function clearError() {
  errorBox.hidden = true;
  errorBox.textContent = '';
}

/** Runs an action from the UI; any failure lands in the error box. */
async function act(action: () => Promise<void>) {
  clearError();
  try {
    await action();
  } catch (error) {
    showError(error);
  }
}

// ---- header: token ----
const tokenInput = h('input', {
  type: 'password',
  autocomplete: 'off',
  placeholder: 'API token (not needed for a local npm start)',
  'data-testid': 'token',
  value: localStorage.getItem(TOKEN_KEY) ?? '',
});
const tokenForm = h(
  'form',
  {
    class: 'row',
    onsubmit: (event: Event) => {
      event.preventDefault();
      const token = tokenInput.value.trim();
      if (token) localStorage.setItem(TOKEN_KEY, token);
      else localStorage.removeItem(TOKEN_KEY);
      void act(refreshAll);
    },
  },
  tokenInput,
  h('button', { type: 'submit', class: 'secondary' }, 'Use token'),
);

// ---- agents and workflows ----
const agentsView = createAgentsView(client, {
  pageSize: PAGE_SIZE,
  act,
  onAgents: (agents, created) => workflowsView.setAgents(agents, created),
  onPick: (agentId) => workflowsView.pickAgent(agentId),
});

const workflowsView = createWorkflowsView(client, {
  pageSize: PAGE_SIZE,
  act,
  onSelect: (workflowId) => select(workflowId),
  onAgentPicked: (agentId) => agentsView.markPicked(agentId),
});

// ---- the selected workflow: prompt, live run, history ----
const workflowHeading = h(
  'h2',
  { class: 'workflow-heading', 'data-testid': 'workflow-heading' },
  'No workflow selected',
);
const promptInput = h('textarea', {
  placeholder:
    'Your prompt (demo:echo directives: !delay MS, !words N, !tool NAME JSON, !fail MSG)',
  'data-testid': 'prompt',
});
const sendButton = h('button', { type: 'submit', 'data-testid': 'send-prompt' }, 'Send');
const promptForm = h(
  'form',
  {
    onsubmit: (event: Event) => {
      event.preventDefault();
      const workflowId = selected?.id;
      if (!workflowId) return;
      void act(async () => {
        const run = await client.sendPrompt({ workflowId, prompt: promptInput.value });
        promptInput.value = '';
        void runView.watch(run);
        await refreshHistory();
      });
    },
  },
  promptInput,
  h('div', { class: 'row' }, sendButton),
);

const runView = createRunView(client, {
  onEnded: () => void act(refreshHistory),
  onError: showError,
  onExample: (line) => {
    const text = promptInput.value;
    promptInput.value = text && !text.endsWith('\n') ? `${text}\n${line}` : `${text}${line}`;
    promptInput.focus();
  },
});

const historyView = createHistoryView(client, (run) => void runView.watch(run));

const workflowMeta = h('div', {
  class: 'muted wrap workflow-meta',
  'data-testid': 'workflow-meta',
});
const noWorkflow = noWorkflowHint();
const workspace = h(
  'div',
  { hidden: true, 'data-testid': 'workspace' },
  h('section', {}, workflowHeading, workflowMeta, promptForm),
  runView.element,
  historyView.element,
);

async function select(workflowId: string) {
  const workflow = await client.workflow(workflowId);
  if (!workflow) throw new AgentgateError('NOT_FOUND', `Workflow ${workflowId} was not found.`);
  // Another workflow's run must not stay on screen under this one's heading.
  if (selected?.id !== workflow.id) runView.reset();
  selected = workflow;
  workspace.hidden = false;
  noWorkflow.hidden = true;
  workflowHeading.textContent = workflowLabel(workflow);
  workflowHeading.title = `Workflow ${workflow.id}`;
  workflowMeta.textContent = `Agent ${workflow.agent.name} · ${workflow.model} · created ${dateTime(workflow.createdAt)}`;
  workflowsView.markSelected(workflow.id);
  await refreshHistory();
  if (workflow.activeRun) void runView.watch(workflow.activeRun);
}

async function refreshHistory() {
  if (selected) await historyView.show(selected.id, PAGE_SIZE);
}

async function refreshAll() {
  await Promise.all([agentsView.refresh(), workflowsView.refresh()]);
  if (selected) await select(selected.id);
}

document.body.replaceChildren(
  h(
    'header',
    {},
    h('h1', {}, 'Agentgate console'),
    h('a', { href: '/graphql' }, 'GraphiQL'),
    tokenForm,
  ),
  errorBox,
  h(
    'main',
    {},
    h('div', { class: 'sidebar' }, agentsView.element, workflowsView.element),
    h('div', { class: 'content' }, noWorkflow, workspace),
  ),
);
document.body.dataset.ready = 'false';
void act(refreshAll).finally(() => {
  document.body.dataset.ready = 'true';
});
