import type { Agent, AgentgateClient, Workflow } from '../../sdk/index.ts';
import { fill, h } from './dom.ts';
import { dateTime, workflowLabel } from './format.ts';
import { workflowsHintText } from './hints.ts';

export interface WorkflowsViewOptions {
  /** How many workflows the list loads. */
  pageSize: number;
  /** A workflow was clicked, or created (then it is selected at once). */
  onSelect(workflowId: string): Promise<void>;
  /** The agent the form will use changed. */
  onAgentPicked(agentId: string | undefined): void;
  /** Runs a UI action, showing its failure. */
  act(action: () => Promise<void>): Promise<void>;
}

/**
 * The workflows: a list labelled by title (or `Untitled · agent · created`), a hint while there
 * are none, and the form that creates one for the agent picked in its select.
 */
export function createWorkflowsView(client: AgentgateClient, options: WorkflowsViewOptions) {
  const list = h('ul', { class: 'list', 'data-testid': 'workflows' });
  const hint = h('p', { class: 'hint', 'data-testid': 'workflows-empty' });
  const agentSelect = h('select', {
    required: true,
    'data-testid': 'workflow-agent',
    onchange: () => picked(),
  });
  const title = h('input', { placeholder: 'Title (optional)', 'data-testid': 'workflow-title' });
  const create = h(
    'button',
    { type: 'submit', 'data-testid': 'create-workflow' },
    'Create workflow',
  );
  let workflows: Workflow[] = [];
  let hasAgents = false;
  let selectedId: string | undefined;

  function render() {
    hint.textContent = workflowsHintText(hasAgents);
    hint.hidden = workflows.length > 0;
    fill(
      list,
      ...workflows.map((workflow) => {
        const label = workflowLabel(workflow);
        const meta = workflow.title?.trim()
          ? `${workflow.agent.name} · ${dateTime(workflow.createdAt)}`
          : workflow.model;
        return h(
          'li',
          {
            'data-testid': 'workflow-item',
            'data-id': workflow.id,
            class: workflow.id === selectedId ? 'selected' : null,
            title: `${label} (${meta})`,
            onclick: () => void options.act(() => options.onSelect(workflow.id)),
          },
          h('span', { class: 'label', 'data-testid': 'workflow-label' }, label),
          h('small', { class: 'meta' }, meta),
        );
      }),
    );
  }

  async function refresh() {
    workflows = (await client.workflows({ first: options.pageSize })).nodes;
    render();
  }

  /** The select shows a long agent name cut off: its tooltip holds the whole name. */
  function picked() {
    const option = agentSelect.selectedOptions[0];
    agentSelect.title = option ? `New workflows talk to ${option.text}` : '';
    options.onAgentPicked(option?.value);
  }

  /** Selects `agentId` in the form (when it is one of the agents). */
  function pickAgent(agentId: string) {
    if (![...agentSelect.options].some((option) => option.value === agentId)) return;
    agentSelect.value = agentId;
    picked();
  }

  return {
    element: h(
      'section',
      {},
      h('h2', {}, 'Workflows'),
      hint,
      list,
      h(
        'form',
        {
          'data-testid': 'workflow-form',
          onsubmit: (event: Event) => {
            event.preventDefault();
            void options.act(async () => {
              const workflow = await client.createWorkflow({
                agentId: agentSelect.value,
                title: title.value.trim() || null,
              });
              title.value = '';
              await refresh();
              await options.onSelect(workflow.id);
            });
          },
        },
        agentSelect,
        title,
        create,
      ),
    ),

    refresh,

    /**
     * The agents the form offers; `created` (an agent just created) is picked, otherwise the
     * picked one stays when it still exists.
     */
    setAgents(agents: Agent[], created?: Agent) {
      const current = agentSelect.value;
      fill(agentSelect, ...agents.map((agent) => h('option', { value: agent.id }, agent.name)));
      hasAgents = agents.length > 0;
      create.disabled = !hasAgents;
      agentSelect.disabled = !hasAgents;
      render();
      if (created) pickAgent(created.id);
      else if (agents.some((agent) => agent.id === current)) agentSelect.value = current;
      picked();
    },

    pickAgent,

    /** Marks the selected workflow in the list. */
    markSelected(workflowId: string | undefined) {
      selectedId = workflowId;
      render();
    },
  };
}
