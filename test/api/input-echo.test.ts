import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Error messages about bad input name the variable, the path into it and the reason — never the
 * value (docs/security-gateway.md, "Error messages never echo input"). Every value below holds
 * "sk-SECRET"; no answer may contain it.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ worker: false });
});
afterAll(async () => {
  await t.close();
});

const CREATE_AGENT = 'mutation ($input: CreateAgentInput!) { createAgent(input: $input) { id } }';
const SEND = 'mutation ($input: SendPromptInput!) { sendPrompt(input: $input) { id } }';
const CREATE_WORKFLOW =
  'mutation ($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }';
const AGENT = 'query ($id: ID!) { agent(id: $id) { id } }';

async function messagesOf(query: string, variables: unknown = {}) {
  const response = await t.app.fetch('http://agentgate.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  expect(text).not.toContain('SECRET');
  const body = JSON.parse(text) as {
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  for (const error of body.errors ?? []) expect(error.extensions?.code).toBe('BAD_USER_INPUT');
  return (body.errors ?? []).map((error) => error.message);
}

describe('errors about variables', () => {
  it.each<[string, string, unknown, string]>([
    [
      'a whole input object with a missing field',
      CREATE_AGENT,
      { input: { name: 'n', systemPrompt: 'sk-SECRET-1' } },
      'Variable "$input" got an invalid value; Field "model" of required type "String!" was not provided.',
    ],
    [
      'a number where a string belongs',
      CREATE_AGENT,
      { input: { name: 'n', systemPrompt: 'sk-SECRET-2', model: 5 } },
      'Variable "$input" got an invalid value at "input.model"; String cannot represent a non string value.',
    ],
    [
      'an unknown field',
      CREATE_AGENT,
      { input: { name: 'n', systemPrompt: 'sk-SECRET-3', model: 'demo:echo', colour: 'red' } },
      'Variable "$input" got an invalid value; Field "colour" is not defined by type "CreateAgentInput".',
    ],
    [
      'an unknown field whose name is no GraphQL name',
      CREATE_AGENT,
      { input: { name: 'n', systemPrompt: 's', model: 'demo:echo', 'sk-SECRET-4 x': 1 } },
      'Variable "$input" got an invalid value; A field is not defined by type "CreateAgentInput".',
    ],
    [
      'an enum value that does not exist',
      SEND,
      { input: { workflowId: 'w', prompt: 'sk-SECRET-5', ifBusy: 'sk-SECRET-5b' } },
      'Variable "$input" got an invalid value at "input.ifBusy"; The value does not exist in "IfBusy" enum.',
    ],
    [
      'a string where an Int belongs',
      CREATE_WORKFLOW,
      { input: { agentId: 'a', maxTurns: 'sk-SECRET-6' } },
      'Variable "$input" got an invalid value at "input.maxTurns"; Int cannot represent non-integer value.',
    ],
    [
      'a string where an input object belongs',
      CREATE_WORKFLOW,
      { input: 'sk-SECRET-7' },
      'Variable "$input" got an invalid value; Expected type "CreateWorkflowInput" to be an object.',
    ],
    [
      'an object where an ID belongs',
      AGENT,
      { id: { key: 'sk-SECRET-8' } },
      'Variable "$id" got an invalid value; ID cannot represent value.',
    ],
    [
      'a value that imitates the path and reason of the message',
      CREATE_AGENT,
      {
        input: {
          name: 'n',
          systemPrompt: 'sk-SECRET-9 at "input.name"; Field "x" is not defined by type "Y".',
          model: ['sk-SECRET-9b'],
        },
      },
      'Variable "$input" got an invalid value at "input.model"; String cannot represent a non string value.',
    ],
  ])(
    'keeps the variable, path and reason of %s, not the value',
    async (_, query, variables, message) => {
      expect(await messagesOf(query, variables)).toEqual([message]);
    },
  );

  it('keeps messages that quote no value as they are', async () => {
    expect(await messagesOf(AGENT, {})).toEqual([
      'Variable "$id" of required type "ID!" was not provided.',
    ]);
    expect(await messagesOf(AGENT, { id: null })).toEqual([
      'Variable "$id" of non-null type "ID!" must not be null.',
    ]);
  });
});

describe('errors about literals in the query', () => {
  it.each<[string, string, string]>([
    [
      'a number where a string belongs',
      'mutation { createAgent(input: {name: "n", systemPrompt: "sk-SECRET-10", model: 5}) { id } }',
      'String cannot represent a non string value.',
    ],
    [
      'a string where an Int belongs',
      'mutation { createWorkflow(input: {agentId: "a", maxTurns: "sk-SECRET-11"}) { id } }',
      'Int cannot represent non-integer value.',
    ],
    [
      'an enum value that does not exist',
      'mutation { sendPrompt(input: {workflowId: "a", prompt: "p", ifBusy: SK_SECRET_12}) { id } }',
      'The value does not exist in "IfBusy" enum.',
    ],
    [
      'a string where an enum belongs',
      'mutation { sendPrompt(input: {workflowId: "a", prompt: "p", ifBusy: "sk-SECRET-13"}) { id } }',
      'Enum "IfBusy" cannot represent non-enum value.',
    ],
  ])('drops the value from %s', async (_, query, message) => {
    expect(await messagesOf(query)).toEqual([message]);
  });

  it('still names unknown fields and arguments, which are schema names', async () => {
    expect(await messagesOf('{ agent(id: "a", colour: "sk-SECRET-14") { id } }')).toEqual([
      'Unknown argument "colour" on field "Query.agent".',
    ]);
  });
});
