import {
  type Agent,
  AgentgateError,
  createAgentgateClient,
  type Workflow,
} from '../../sdk/index.ts';
import { fill, h } from './dom.ts';
import { createHistoryView } from './history-view.ts';
import { createRunView } from './run-view.ts';

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

let agents: Agent[] = [];
let workflows: Workflow[] = [];
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

// ---- agents ----
const agentList = h('ul', { class: 'list', 'data-testid': 'agents' });
const agentName = h('input', { placeholder: 'Name', required: true, 'data-testid': 'agent-name' });
const agentModel = h('input', {
  placeholder: 'provider:model',
  value: 'demo:echo',
  required: true,
  'data-testid': 'agent-model',
});
const agentPrompt = h('textarea', {
  placeholder: 'System prompt',
  'data-testid': 'agent-system-prompt',
});
const agentForm = h(
  'form',
  {
    onsubmit: (event: Event) => {
      event.preventDefault();
      void act(async () => {
        await client.createAgent({
          name: agentName.value,
          model: agentModel.value,
          systemPrompt: agentPrompt.value,
        });
        agentName.value = '';
        agentPrompt.value = '';
        await refreshAgents();
      });
    },
  },
  agentName,
  agentModel,
  agentPrompt,
  h('button', { type: 'submit', 'data-testid': 'create-agent' }, 'Create agent'),
);

function renderAgents() {
  fill(
    agentList,
    ...agents.map((agent) =>
      h(
        'li',
        { 'data-testid': 'agent-item', 'data-id': agent.id },
        agent.name,
        h('small', {}, agent.model),
      ),
    ),
  );
  const current = workflowAgent.value;
  fill(workflowAgent, ...agents.map((agent) => h('option', { value: agent.id }, agent.name)));
  if (agents.some((agent) => agent.id === current)) workflowAgent.value = current;
}

async function refreshAgents() {
  agents = (await client.agents({ first: PAGE_SIZE })).nodes;
  renderAgents();
}

// ---- workflows ----
const workflowList = h('ul', { class: 'list', 'data-testid': 'workflows' });
const workflowAgent = h('select', { required: true, 'data-testid': 'workflow-agent' });
const workflowTitle = h('input', { placeholder: 'Title', 'data-testid': 'workflow-title' });
const workflowForm = h(
  'form',
  {
    onsubmit: (event: Event) => {
      event.preventDefault();
      void act(async () => {
        const workflow = await client.createWorkflow({
          agentId: workflowAgent.value,
          title: workflowTitle.value || null,
        });
        workflowTitle.value = '';
        await refreshWorkflows();
        await select(workflow.id);
      });
    },
  },
  workflowAgent,
  workflowTitle,
  h('button', { type: 'submit', 'data-testid': 'create-workflow' }, 'Create workflow'),
);

function renderWorkflows() {
  fill(
    workflowList,
    ...workflows.map((workflow) =>
      h(
        'li',
        {
          'data-testid': 'workflow-item',
          'data-id': workflow.id,
          class: workflow.id === selected?.id ? 'selected' : null,
          onclick: () => void act(() => select(workflow.id)),
        },
        workflow.title ?? workflow.id,
        h('small', {}, workflow.agent.name),
      ),
    ),
  );
}

async function refreshWorkflows() {
  workflows = (await client.workflows({ first: PAGE_SIZE })).nodes;
  renderWorkflows();
}

// ---- the selected workflow: prompt, live run, history ----
const workflowHeading = h('h2', { 'data-testid': 'workflow-heading' }, 'No workflow selected');
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
});

const historyView = createHistoryView(client, (run) => void runView.watch(run));

const workspace = h(
  'div',
  { hidden: true, 'data-testid': 'workspace' },
  h('section', {}, workflowHeading, promptForm),
  runView.element,
  historyView.element,
);

async function select(workflowId: string) {
  const workflow = await client.workflow(workflowId);
  if (!workflow) throw new AgentgateError('NOT_FOUND', `Workflow ${workflowId} was not found.`);
  if (selected?.id !== workflow.id) runView.stop();
  selected = workflow;
  workspace.hidden = false;
  workflowHeading.textContent = `${workflow.title ?? workflow.id} · ${workflow.model}`;
  renderWorkflows();
  await refreshHistory();
  if (workflow.activeRun) void runView.watch(workflow.activeRun);
}

async function refreshHistory() {
  if (selected) await historyView.show(selected.id, PAGE_SIZE);
}

async function refreshAll() {
  await Promise.all([refreshAgents(), refreshWorkflows()]);
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
    h(
      'div',
      {},
      h('section', {}, h('h2', {}, 'Agents'), agentList, agentForm),
      h('section', {}, h('h2', {}, 'Workflows'), workflowList, workflowForm),
    ),
    workspace,
  ),
);
document.body.dataset.ready = 'false';
void act(refreshAll).finally(() => {
  document.body.dataset.ready = 'true';
});
