import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../schema/index.ts';
import { newId } from '../../shared/ids.ts';
import { createTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.ts';

/**
 * Tenant isolation, proven over every operation of the schema. The operations are not listed
 * here: they are read from the schema, and for each one a request is built that names tenant A's
 * objects (ids substituted for every ID argument, other inputs filled with valid values). Tenant
 * B sends them all through the real token path and must get exactly what a missing id gets:
 * null from queries, NOT_FOUND from mutations and subscriptions, and lists without A's objects.
 * Tenant A's state, read the same generated way, must not change. Tenant A sending the same
 * requests is the control that they are well formed. An operation the walker cannot build a
 * request for fails the test, so an operation added later is covered or noticed.
 */

type Kind = 'query' | 'mutation' | 'subscription';
type ObjectKind = 'agent' | 'workflow' | 'run' | 'mcpServer' | 'skill' | 'secret' | 'provider';

interface Operation {
  kind: Kind;
  field: string;
  document: string;
  /** Variables naming the given tenant's objects. */
  variables(ids: Record<ObjectKind, string>): Record<string, unknown>;
  /** True when an argument names an object (an ID): B must not reach it. */
  targetsObject: boolean;
}

/** Selection depth of generated queries: deep enough for runs and messages of a workflow. */
const SELECTION_DEPTH = 4;

/** The name of a secret each tenant has, with a value of its own. */
const SHARED_SECRET_NAME = 'ISOLATION_KEY';

function rootFields(kind: Kind): GraphQLField<unknown, unknown>[] {
  const type =
    kind === 'query'
      ? schema.getQueryType()
      : kind === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  return type ? Object.values(type.getFields()) : [];
}

/** The kind of object an ID argument names, from its name or, for `id`, the operation's name. */
function objectKindOf(argName: string, fieldName: string): ObjectKind {
  const byName: Record<string, ObjectKind> = {
    agentId: 'agent',
    workflowId: 'workflow',
    runId: 'run',
    mcpServerIds: 'mcpServer',
    skillIds: 'skill',
  };
  if (byName[argName]) return byName[argName];
  if (argName === 'id') {
    const kinds = {
      agent: 'agent',
      workflow: 'workflow',
      run: 'run',
      mcpserver: 'mcpServer',
      skill: 'skill',
      secret: 'secret',
      provider: 'provider',
    };
    const matches = Object.entries(kinds).filter(([word]) =>
      fieldName.toLowerCase().includes(word),
    );
    if (matches.length === 1) return matches[0]![1] as ObjectKind;
  }
  throw new Error(
    `The isolation walker cannot tell which object the ID argument "${argName}" of "${fieldName}" names; teach objectKindOf.`,
  );
}

/** A valid value of an input type; IDs become `ids[kind]` of the tenant asked for. */
function inputValue(
  type: GraphQLInputType,
  name: string,
  fieldName: string,
  ids: Record<ObjectKind, string>,
  found: { id: boolean },
): unknown {
  if (isNonNullType(type)) return inputValue(type.ofType, name, fieldName, ids, found);
  if (isListType(type)) return [inputValue(type.ofType, name, fieldName, ids, found)];
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    // Every field, optional ones too: an update that got through would change something.
    return Object.fromEntries(
      Object.values(type.getFields()).map((f) => [
        f.name,
        inputValue(f.type, f.name, fieldName, ids, found),
      ]),
    );
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        found.id = true;
        return ids[objectKindOf(name, fieldName)];
      case 'String':
        if (name === 'model') return 'demo:echo';
        if (name === 'after') return '0-0';
        if (name === 'idempotencyKey') return `isolation-${newId()}`;
        // An MCP server endpoint where nothing listens (testMcpServer fails fast).
        if (name === 'url') return 'http://127.0.0.1:9/mcp';
        // Secret and provider names follow patterns and are unique per tenant.
        if (name === 'name' && /Secret$/.test(fieldName)) return `ISOLATION_${newId()}`;
        if (name === 'name' && /Provider$/.test(fieldName)) return `iso-${newId().toLowerCase()}`;
        if (name === 'baseURL') return 'http://127.0.0.1:9/v1';
        // A secret both tenants have (see beforeAll), so either may name it as a provider key.
        if (name === 'apiKeySecret') return SHARED_SECRET_NAME;
        return `written by the isolation test into ${fieldName}`;
      case 'Int':
        if (name === 'first') return 100;
        // An agent's context budget, in tokens (at least 100).
        if (name === 'contextBudget') return 4_000;
        if (/Ms$/.test(name)) return 60_000;
        if (/Seconds$/.test(name)) return 60;
        return 3;
      case 'Boolean':
        return false;
      case 'DateTime':
        return new Date().toISOString();
      case 'JSON':
        // MCP server env and headers are objects of strings.
        return { isolation: 'true' };
    }
  }
  throw new Error(
    `The isolation walker cannot fill "${name}" of "${fieldName}" (type ${String(type)}); teach inputValue.`,
  );
}

/** Every field to `depth` levels; connection fields get `first: 100`; abstract types per member. */
function selectionOf(type: GraphQLOutputType, depth: number): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (depth === 0) return '{ __typename }';
  if (isInterfaceType(named) || isUnionType(named)) {
    const members = schema.getPossibleTypes(named);
    // Members may share field names with different types: each member's fields get aliases.
    return `{ __typename ${members.map((m) => `... on ${m.name} { ${fieldsOf(m, depth, `${m.name}_`)} }`).join(' ')} }`;
  }
  if (!isObjectType(named)) {
    throw new Error(`The isolation walker cannot select from ${String(type)}; teach selectionOf.`);
  }
  return `{ __typename ${fieldsOf(named, depth)} }`;
}

function fieldsOf(type: GraphQLObjectType, depth: number, alias = ''): string {
  return Object.values(type.getFields())
    .map((field) => {
      const required = field.args.filter((a) => isNonNullType(a.type));
      if (required.length > 0) {
        throw new Error(
          `${type.name}.${field.name} has required arguments; teach the isolation walker to fill them.`,
        );
      }
      const first = field.args.some((a) => a.name === 'first') ? '(first: 100)' : '';
      const name = alias ? `${alias}${field.name}: ${field.name}` : field.name;
      return `${name}${first} ${selectionOf(field.type, depth - 1)}`;
    })
    .join(' ');
}

/** Root arguments sent: required ones, and `after` of subscriptions (replay from the start). */
function sentArgs(kind: Kind, field: GraphQLField<unknown, unknown>): GraphQLArgument[] {
  return field.args.filter(
    (a) => isNonNullType(a.type) || (kind === 'subscription' && a.name === 'after'),
  );
}

function buildOperation(kind: Kind, field: GraphQLField<unknown, unknown>): Operation {
  const args = sentArgs(kind, field);
  const found = { id: false };
  const probe = {
    agent: 'a',
    workflow: 'w',
    run: 'r',
    mcpServer: 'm',
    skill: 's',
    secret: 'x',
    provider: 'p',
  };
  for (const arg of args) inputValue(arg.type, arg.name, field.name, probe, found);
  const declarations = args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const passed = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const document = `${kind} Isolation${declarations ? `(${declarations})` : ''} {
    ${field.name}${passed ? `(${passed})` : ''} ${selectionOf(field.type, SELECTION_DEPTH)}
  }`;
  if (kind === 'subscription' && !found.id) {
    throw new Error(
      `Subscription ${field.name} names no object; the isolation walker cannot tell what tenant B must not see.`,
    );
  }
  return {
    kind,
    field: field.name,
    document,
    targetsObject: found.id,
    variables: (ids) =>
      Object.fromEntries(
        args.map((a) => [a.name, inputValue(a.type, a.name, field.name, ids, { id: false })]),
      ),
  };
}

const operations: Operation[] = (['query', 'mutation', 'subscription'] as const).flatMap((kind) =>
  rootFields(kind).map((field) => buildOperation(kind, field)),
);

let t: TestApp;
let a: ReturnType<TestApp['as']>;
let b: ReturnType<TestApp['as']>;
let ids: Record<ObjectKind, string>;
/** Strings of tenant A that must never reach tenant B: ids and contents. */
let secrets: string[];

/** Every string value (not key) in a response: "secret" is also a field name. */
function leafText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(leafText).join('\n');
  if (value !== null && typeof value === 'object') {
    return Object.values(value).map(leafText).join('\n');
  }
  return String(value);
}

async function newObjects(client: ReturnType<TestApp['as']>, prompt: string) {
  const { createMcpServer } = await client.data<{ createMcpServer: { id: string } }>(
    'mutation ($input: CreateMcpServerInput!) { createMcpServer(input: $input) { id } }',
    {
      input: {
        name: 'secret server of A',
        transport: 'HTTP',
        // Nothing listens there: testMcpServer answers at once that it cannot connect.
        url: 'http://127.0.0.1:9/mcp',
        headers: { authorization: 'secret header of A' },
        tags: ['secret-tag-of-A'],
      },
    },
  );
  const { createSkill } = await client.data<{ createSkill: { id: string } }>(
    'mutation ($input: CreateSkillInput!) { createSkill(input: $input) { id } }',
    {
      input: {
        name: 'secret skill of A',
        instructions: 'secret instructions of A',
        tags: ['secret-skill-tag-of-A'],
      },
    },
  );
  const secretName = `secret_of_A_${newId()}`;
  const { createSecret } = await client.data<{ createSecret: { id: string } }>(
    'mutation ($input: CreateSecretInput!) { createSecret(input: $input) { id } }',
    {
      input: {
        name: secretName,
        value: 'secret value of A, never shown',
        description: 'secret description of A',
      },
    },
  );
  const { createProvider } = await client.data<{ createProvider: { id: string } }>(
    'mutation ($input: CreateProviderInput!) { createProvider(input: $input) { id } }',
    {
      input: {
        name: `secret-provider-${newId().toLowerCase()}`,
        type: 'OPENAI_COMPATIBLE',
        baseURL: 'http://127.0.0.1:9/secret-of-A/v1',
        apiKeySecret: secretName,
        headers: { 'x-a': 'secret header of A' },
      },
    },
  );
  const { createAgent } = await client.data<{ createAgent: { id: string } }>(
    'mutation ($input: CreateAgentInput!) { createAgent(input: $input) { id } }',
    {
      input: {
        name: 'A agent',
        systemPrompt: 'secret system prompt of A',
        model: 'demo:echo',
        skillIds: [createSkill.id],
        skillTags: ['secret-skill-tag-of-A'],
      },
    },
  );
  const { createWorkflow } = await client.data<{ createWorkflow: { id: string } }>(
    'mutation ($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }',
    { input: { agentId: createAgent.id, title: 'secret title of A', skillIds: [createSkill.id] } },
  );
  const { sendPrompt } = await client.data<{ sendPrompt: { id: string } }>(
    'mutation ($input: SendPromptInput!) { sendPrompt(input: $input) { id } }',
    { input: { workflowId: createWorkflow.id, prompt } },
  );
  return {
    agent: createAgent.id,
    workflow: createWorkflow.id,
    run: sendPrompt.id,
    mcpServer: createMcpServer.id,
    skill: createSkill.id,
    secret: createSecret.id,
    provider: createProvider.id,
  };
}

/** `text` with the given ids replaced by their kind, to compare answers about different ids. */
function withoutIds(text: string, given: Record<ObjectKind, string>): string {
  let out = text;
  for (const [kind, id] of Object.entries(given)) out = out.split(id).join(`<${kind}>`);
  return out;
}

/** Everything tenant A can read, through the generated queries. */
async function stateOfA(): Promise<unknown[]> {
  const reads = operations.filter((op) => op.kind === 'query');
  return Promise.all(reads.map(async (op) => (await a.gql(op.document, op.variables(ids))).data));
}

beforeAll(async () => {
  // Isolation, not limits, is under test: the generated selections are large.
  t = await createTestApp({
    auth: true,
    protection: {
      maxCost: 10_000_000,
      maxDepth: 100,
      maxTokens: 100_000,
      maxAliases: 10_000,
      ratePerMinute: 0,
    },
  });
  a = t.as(await t.createToken(`tenant-a-${newId()}`, 'a'));
  b = t.as(await t.createToken(`tenant-b-${newId()}`, 'b'));
  for (const [client, value] of [
    [a, 'secret shared-name value of A'],
    [b, 'value of B'],
  ] as const) {
    await client.data(
      'mutation ($input: CreateSecretInput!) { createSecret(input: $input) { id } }',
      {
        input: { name: SHARED_SECRET_NAME, value },
      },
    );
  }

  // A finished run (messages, events, usage) and an active one on the same workflow.
  const first = await newObjects(a, 'secret prompt of A');
  await a.collect('subscription ($id: ID!) { runEvents(runId: $id) { __typename } }', {
    id: first.run,
  });
  const { sendPrompt } = await a.data<{ sendPrompt: { id: string } }>(
    'mutation ($input: SendPromptInput!) { sendPrompt(input: $input) { id } }',
    { input: { workflowId: first.workflow, prompt: '!sleep 600000\nsecret pending prompt of A' } },
  );
  await a.collect(
    'subscription ($id: ID!) { runEvents(runId: $id) { ... on RunStatusEvent { status } } }',
    { id: sendPrompt.id },
    (item: { runEvents: { status?: string } }) => item.runEvents.status === 'RUNNING',
  );
  ids = {
    agent: first.agent,
    workflow: first.workflow,
    run: sendPrompt.id,
    mcpServer: first.mcpServer,
    skill: first.skill,
    secret: first.secret,
    provider: first.provider,
  };
  const { workflow } = await a.data<{
    workflow: { messages: { edges: { node: { id: string } }[] } };
  }>('query ($id: ID!) { workflow(id: $id) { messages { edges { node { id } } } } }', {
    id: first.workflow,
  });
  expect(workflow.messages.edges.length).toBeGreaterThanOrEqual(2);
  secrets = [
    ...Object.values(ids),
    first.run,
    ...workflow.messages.edges.map((e) => e.node.id),
    'secret',
  ];
});

afterAll(async () => {
  await a?.gql('mutation ($id: ID!) { cancelRun(id: $id) { id } }', { id: ids?.run });
  await t?.close();
});

describe('the isolation walker', () => {
  it('builds a request for every query, mutation and subscription of the schema', () => {
    const all = (['query', 'mutation', 'subscription'] as const).flatMap((kind) =>
      rootFields(kind).map((f) => `${kind} ${f.name}`),
    );
    expect(operations.map((op) => `${op.kind} ${op.field}`)).toEqual(all);
    expect(all.length).toBeGreaterThanOrEqual(14);
    expect(operations.filter((op) => op.targetsObject).length).toBeGreaterThanOrEqual(10);
  });
});

describe("tenant B and tenant A's objects", () => {
  let before: unknown[];
  beforeAll(async () => {
    before = await stateOfA();
  });

  it.each(operations.map((op) => [`${op.kind} ${op.field}`, op] as const))(
    '%s: B cannot read, list, stream, change, cancel or delete what A owns',
    async (_, op) => {
      const missing = {
        agent: newId(),
        workflow: newId(),
        run: newId(),
        mcpServer: newId(),
        skill: newId(),
        secret: newId(),
        provider: newId(),
      };
      if (op.kind === 'subscription') {
        // What B gets: the stream's data if any (there must be none), else the error.
        const outcome = (variables: Record<string, unknown>) =>
          b
            .collect(op.document, variables, () => true)
            .then(
              (items) => JSON.stringify(items),
              (error: Error) => error.message,
            );
        const [theirs, none] = await Promise.all([
          outcome(op.variables(ids)),
          outcome(op.variables(missing)),
        ]);
        expect(theirs).toMatch(/NOT_FOUND/);
        expect(withoutIds(theirs, ids)).toBe(withoutIds(none, missing));
        return;
      }
      const result: GraphQLResponse = await b.gql(op.document, op.variables(ids));
      if (op.targetsObject) {
        if (op.kind === 'query') {
          expect(result).toEqual({ data: { [op.field]: null } });
        } else {
          expect(result.data ?? null).toBeNull();
          expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
        }
        // Indistinguishable from a missing one: the same answer, byte for byte, but for the id.
        const none = await b.gql(op.document, op.variables(missing));
        expect(withoutIds(JSON.stringify(result), ids)).toBe(
          withoutIds(JSON.stringify(none), missing),
        );
      } else if (op.kind === 'query') {
        expect(result.errors).toBeUndefined();
      }
      // Nothing of A's in B's data: no id, no content.
      const data = leafText(result.data ?? null);
      for (const secret of secrets) expect(data).not.toContain(secret);
      expect(leafText(result)).not.toContain('secret');
    },
  );

  it("leaves every object of A as it was, as A's own reads show", async () => {
    expect(await stateOfA()).toEqual(before);
  });
});

describe('the control: tenant A sending the same requests', () => {
  it.each(operations.map((op) => [`${op.kind} ${op.field}`, op] as const))(
    '%s reaches the object',
    async (_, op) => {
      if (op.kind === 'subscription') {
        const items = await a.collect(op.document, op.variables(ids), () => true);
        expect(items).toHaveLength(1);
        return;
      }
      // Fresh objects for mutations, so one control (a delete) cannot spoil the next.
      const own = op.kind === 'mutation' ? await newObjects(a, 'control') : ids;
      const result = await a.gql(op.document, op.variables(own));
      const codes = result.errors?.map((e) => e.extensions?.code) ?? [];
      // Only business outcomes (deleting an agent in use is CONFLICT); never a bad request.
      expect(codes.filter((code) => code !== 'CONFLICT')).toEqual([]);
      if (!result.errors) expect(result.data?.[op.field]).not.toBeNull();
    },
  );
});
