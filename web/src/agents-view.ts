import type { Agent, AgentgateClient } from '../../sdk/index.ts';
import { fill, h } from './dom.ts';
import { agentsHint, DEMO_AGENT } from './hints.ts';

export interface AgentsViewOptions {
  /** How many agents the list loads. */
  pageSize: number;
  /** The list was (re)loaded; `created` is the agent just created, if any. */
  onAgents(agents: Agent[], created?: Agent): void;
  /** An agent of the list was clicked. */
  onPick(agentId: string): void;
  /** Runs a UI action, showing its failure. */
  act(action: () => Promise<void>): Promise<void>;
}

/**
 * The agents: a list (a click picks the agent for the next workflow), a hint with the demo preset
 * while there are none, and the form that creates one.
 */
export function createAgentsView(client: AgentgateClient, options: AgentsViewOptions) {
  const list = h('ul', { class: 'list', 'data-testid': 'agents' });
  const hint = agentsHint(() => {
    name.value = DEMO_AGENT.name;
    model.value = DEMO_AGENT.model;
    systemPrompt.value = DEMO_AGENT.systemPrompt;
    name.focus();
  });
  const name = h('input', { placeholder: 'Name', required: true, 'data-testid': 'agent-name' });
  const model = h('input', {
    placeholder: 'provider:model, e.g. demo:echo or openai:gpt-4.1',
    value: DEMO_AGENT.model,
    required: true,
    'data-testid': 'agent-model',
  });
  const systemPrompt = h('textarea', {
    placeholder: 'System prompt',
    'data-testid': 'agent-system-prompt',
  });
  let agents: Agent[] = [];
  let picked: string | undefined;

  function render() {
    hint.hidden = agents.length > 0;
    fill(
      list,
      ...agents.map((agent) =>
        h(
          'li',
          {
            'data-testid': 'agent-item',
            'data-id': agent.id,
            class: agent.id === picked ? 'selected' : null,
            title: `${agent.name} (${agent.model}): click to use it for a new workflow`,
            onclick: () => options.onPick(agent.id),
          },
          h('span', { class: 'label', 'data-testid': 'agent-label' }, agent.name),
          h('small', { class: 'meta' }, agent.model),
        ),
      ),
    );
  }

  async function refresh(created?: Agent) {
    agents = (await client.agents({ first: options.pageSize })).nodes;
    render();
    options.onAgents(agents, created);
  }

  return {
    element: h(
      'section',
      {},
      h('h2', {}, 'Agents'),
      hint,
      list,
      h(
        'form',
        {
          'data-testid': 'agent-form',
          onsubmit: (event: Event) => {
            event.preventDefault();
            void options.act(async () => {
              const agent = await client.createAgent({
                name: name.value,
                model: model.value,
                systemPrompt: systemPrompt.value,
              });
              name.value = '';
              systemPrompt.value = '';
              await refresh(agent);
            });
          },
        },
        name,
        model,
        systemPrompt,
        h('button', { type: 'submit', 'data-testid': 'create-agent' }, 'Create agent'),
      ),
    ),
    refresh,
    /** Marks the agent the workflow form will use. */
    markPicked(agentId: string | undefined) {
      picked = agentId;
      render();
    },
  };
}
