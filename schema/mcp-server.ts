import type { McpServer as McpServerShape, McpTransport } from '../shared/domain/types.ts';
import type { McpServerTest, McpToolSummary } from '../shared/services/mcp-servers.ts';
import { builder } from './builder.ts';
import { connectionArgs, defineConnection, toConnection, toPageArgs } from './connection.ts';

const McpTransportEnum = builder.enumType('McpTransport', {
  description: 'How workers reach an MCP server.',
  values: {
    STDIO: {
      value: 'stdio',
      description: 'A local process the worker starts (command, args, env).',
    },
    HTTP: { value: 'http', description: 'Streamable HTTP at `url`, with `headers`.' },
    SSE: { value: 'sse', description: 'The older HTTP+SSE transport at `url`, with `headers`.' },
  } satisfies Record<string, { value: McpTransport; description: string }>,
});

export const McpServer = builder.objectRef<McpServerShape>('McpServer').implement({
  description: 'An MCP server whose tools agents may call.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Unique id.' }),
    name: t.exposeString('name', { description: 'Display name.' }),
    transport: t.field({
      type: McpTransportEnum,
      description: 'How workers connect.',
      resolve: (s) => s.transport,
    }),
    command: t.exposeString('command', { nullable: true, description: 'stdio: the program.' }),
    args: t.exposeStringList('args', { description: 'stdio: its arguments.' }),
    env: t.field({
      type: 'JSON',
      description:
        'stdio: extra environment variables, name → value, as written (`{{secret:NAME}}` unresolved).',
      resolve: (s) => s.env,
    }),
    url: t.exposeString('url', { nullable: true, description: 'http / sse: the endpoint.' }),
    headers: t.field({
      type: 'JSON',
      description:
        'http / sse: request headers, name → value, as written (`{{secret:NAME}}` unresolved).',
      resolve: (s) => s.headers,
    }),
    allowedTools: t.exposeStringList('allowedTools', {
      description: 'Tool names agents may call; empty means all the server lists.',
    }),
    tags: t.exposeStringList('tags', { description: 'Tags agents select servers by.' }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When it was created.',
      resolve: (s) => s.createdAt,
    }),
    updatedAt: t.field({
      type: 'DateTime',
      description: 'When it last changed.',
      resolve: (s) => s.updatedAt,
    }),
  }),
});

const McpServerConnection = defineConnection('McpServer', McpServer);

const McpTool = builder.objectRef<McpToolSummary>('McpTool').implement({
  description: 'A tool an MCP server offers.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The tool name the model calls.' }),
    description: t.exposeString('description', {
      nullable: true,
      description: 'What the server says the tool does.',
    }),
  }),
});

const McpServerTestResult = builder.objectRef<McpServerTest>('McpServerTestResult').implement({
  description: 'What connecting to an MCP server found.',
  fields: (t) => ({
    ok: t.exposeBoolean('ok', { description: 'True when the server answered and listed tools.' }),
    tools: t.field({
      type: [McpTool],
      description: 'Its tools after the allow-list (empty when not ok).',
      resolve: (r) => r.tools,
    }),
    error: t.exposeString('error', {
      nullable: true,
      description: 'Why connecting or listing failed (null when ok).',
    }),
  }),
});

const fields = {
  command: 'stdio: the program to start.',
  args: 'stdio: its arguments.',
  env: 'stdio: extra environment variables as a JSON object of strings; values may reference secrets as `{{secret:NAME}}`.',
  url: 'http / sse: the endpoint URL (http or https).',
  headers:
    'http / sse: request headers as a JSON object of strings; values may reference secrets as `{{secret:NAME}}`.',
  allowedTools: 'Tool names agents may call; empty or absent means all.',
  tags: 'Tags agents select servers by.',
} as const;

const CreateMcpServerInput = builder.inputType('CreateMcpServerInput', {
  description: 'A new MCP server.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Display name (1–200 characters).' }),
    transport: t.field({ type: McpTransportEnum, required: true, description: 'How to connect.' }),
    command: t.string({ description: fields.command }),
    args: t.stringList({ description: fields.args }),
    env: t.field({ type: 'JSON', description: fields.env }),
    url: t.string({ description: fields.url }),
    headers: t.field({ type: 'JSON', description: fields.headers }),
    allowedTools: t.stringList({ description: fields.allowedTools }),
    tags: t.stringList({ description: fields.tags }),
  }),
});

const UpdateMcpServerInput = builder.inputType('UpdateMcpServerInput', {
  description: 'Changes to an MCP server; absent fields stay as they are.',
  fields: (t) => ({
    name: t.string({ description: 'Display name (1–200 characters).' }),
    transport: t.field({ type: McpTransportEnum, description: 'How to connect.' }),
    command: t.string({ description: fields.command }),
    args: t.stringList({ description: fields.args }),
    env: t.field({ type: 'JSON', description: fields.env }),
    url: t.string({ description: fields.url }),
    headers: t.field({ type: 'JSON', description: fields.headers }),
    allowedTools: t.stringList({ description: fields.allowedTools }),
    tags: t.stringList({ description: fields.tags }),
  }),
});

builder.queryFields((t) => ({
  mcpServer: t.field({
    type: McpServer,
    nullable: true,
    description: 'One MCP server, or null if there is none with this id.',
    args: { id: t.arg.id({ required: true, description: 'The server id.' }) },
    resolve: async (_, { id }, ctx) =>
      (await ctx.services.mcpServers.getMany(ctx.viewer, [id]))[0] ?? null,
  }),
  mcpServers: t.field({
    type: McpServerConnection,
    description: 'MCP servers, newest first.',
    args: connectionArgs,
    resolve: async (_, args, ctx) =>
      toConnection(await ctx.services.mcpServers.list(ctx.viewer, toPageArgs(args)), (s) => s.id),
  }),
}));

builder.mutationFields((t) => ({
  createMcpServer: t.field({
    type: McpServer,
    description: 'Registers an MCP server. Missing connection settings are BAD_USER_INPUT.',
    args: {
      input: t.arg({ type: CreateMcpServerInput, required: true, description: 'The server.' }),
    },
    resolve: (_, { input }, ctx) => ctx.services.mcpServers.create(ctx.viewer, input),
  }),
  updateMcpServer: t.field({
    type: McpServer,
    description: 'Changes an MCP server; runs that start afterwards use the new settings.',
    args: {
      id: t.arg.id({ required: true, description: 'The server id.' }),
      input: t.arg({ type: UpdateMcpServerInput, required: true, description: 'The changes.' }),
    },
    resolve: (_, { id, input }, ctx) => ctx.services.mcpServers.update(ctx.viewer, id, input),
  }),
  deleteMcpServer: t.field({
    type: 'ID',
    description: 'Deletes an MCP server and returns its id; agents naming it skip it from then on.',
    args: { id: t.arg.id({ required: true, description: 'The server id.' }) },
    resolve: (_, { id }, ctx) => ctx.services.mcpServers.delete(ctx.viewer, id),
  }),
  testMcpServer: t.field({
    type: McpServerTestResult,
    description: 'Connects to the server and lists its tools, or says why it cannot.',
    args: { id: t.arg.id({ required: true, description: 'The server id.' }) },
    resolve: (_, { id }, ctx) => ctx.services.mcpServers.test(ctx.viewer, id),
  }),
}));
