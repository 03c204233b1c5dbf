import { h } from './dom.ts';

/**
 * What the console says where a list or view is still empty, so that a newcomer knows the next
 * step: create an agent (the demo model needs no key), create a workflow, send a prompt.
 */

/** The demo model's directives the run hint offers, each with what it does (API.md, "demo model"). */
export const DIRECTIVE_EXAMPLES: [line: string, effect: string][] = [
  ['!words 40', 'answer with 40 words'],
  ['!delay 200', 'wait 200 ms before each word (time to press Cancel)'],
  [
    '!tool demo_echo {"text":"hi"}',
    'call the built-in tool demo_echo, which returns its arguments',
  ],
  ['!fail oops', 'make the model call fail with "oops"'],
];

/** What the demo preset fills the agent form with. */
export const DEMO_AGENT = {
  name: 'Echo',
  model: 'demo:echo',
  systemPrompt: 'You are a helpful assistant.',
};

const code = (text: string) => h('code', {}, text);

/** No agents yet: what an agent is, and a button that fills the form with the demo preset. */
export function agentsHint(onPreset: () => void): HTMLElement {
  return h(
    'div',
    { class: 'hint', 'data-testid': 'agents-empty' },
    h(
      'p',
      {},
      'No agents yet. An agent is a model with a system prompt. Start with ',
      code(DEMO_AGENT.model),
      ': a built-in model that needs no key and echoes your prompt word by word.',
    ),
    h(
      'button',
      { type: 'button', class: 'secondary', 'data-testid': 'agent-preset', onclick: onPreset },
      'Fill in a demo:echo agent',
    ),
  );
}

/** No workflows yet; the next step depends on whether there is an agent to talk to. */
export function workflowsHintText(hasAgents: boolean): string {
  return hasAgents
    ? 'No workflows yet. A workflow is a conversation with one agent: pick the agent below and create one.'
    : 'No workflows yet. Create an agent first; then create a workflow here (a conversation with that agent).';
}

/** Nothing selected: the right-hand side says where to start. */
export function noWorkflowHint(): HTMLElement {
  return h(
    'section',
    { class: 'hint', 'data-testid': 'no-workflow' },
    h('h2', {}, 'Getting started'),
    h(
      'ol',
      {},
      h('li', {}, 'Create an agent (', code(DEMO_AGENT.model), ' needs no API key).'),
      h('li', {}, 'Create a workflow with it, or select one from the list.'),
      h('li', {}, 'Send a prompt and watch the answer, tool calls and usage arrive live.'),
    ),
  );
}

/** No run shown yet: how to start one, and the demo model's directives as clickable examples. */
export function runHint(onExample: (line: string) => void): HTMLElement {
  return h(
    'div',
    { class: 'hint', 'data-testid': 'run-hint' },
    h(
      'p',
      {},
      'No run yet: write a prompt above and press Send, or click a run in the history to replay it. With a ',
      code(DEMO_AGENT.model),
      ' agent, prompt lines starting with ',
      code('!'),
      ' are directives (click one to add it to the prompt):',
    ),
    h(
      'ul',
      { class: 'examples' },
      ...DIRECTIVE_EXAMPLES.map(([line, effect]) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'chip',
              'data-testid': 'directive-example',
              onclick: () => onExample(line),
            },
            line,
          ),
          ` ${effect}`,
        ),
      ),
    ),
  );
}
