import { MCP_TRANSPORTS, type McpServer, type McpTransport } from '../domain/types.ts';
import { BadUserInputError, NotFoundError } from '../errors.ts';
import type { Page, PageArgs } from '../ports/pagination.ts';
import type { McpServerPatch, NewMcpServer } from '../ports/store.ts';
import { checkSecretReferences } from './secrets.ts';
import type { ServiceDeps, Viewer } from './types.ts';
import { requiredText } from './validation.ts';

export const MCP_SERVER_LIMITS = {
  name: 200,
  command: 4_000,
  url: 4_000,
  listItems: 100,
  item: 1_000,
  mapEntries: 100,
} as const;

/** A tool an MCP server lists, as `testMcpServer` reports it. */
export interface McpToolSummary {
  name: string;
  description: string | null;
}

/** Connects to an MCP server and lists its tools (the worker's MCP client, handed in). */
export interface McpProbe {
  /** The server's tools after its allow-list; rejects with a message that says what failed. */
  listTools(server: McpServer): Promise<McpToolSummary[]>;
}

/** What `testMcpServer` found. */
export type McpServerTest =
  | { ok: true; tools: McpToolSummary[]; error: null }
  | { ok: false; tools: []; error: string };

export interface McpServerInput {
  name?: string | null;
  transport?: McpTransport | null;
  command?: string | null;
  args?: readonly string[] | null;
  env?: unknown;
  url?: string | null;
  headers?: unknown;
  allowedTools?: readonly string[] | null;
  tags?: readonly string[] | null;
}

function stringList(field: string, value: readonly string[] | null | undefined): string[] {
  const list = [...(value ?? [])];
  if (list.length > MCP_SERVER_LIMITS.listItems) {
    throw new BadUserInputError(`${field} holds at most ${MCP_SERVER_LIMITS.listItems} items.`, {
      field,
    });
  }
  for (const item of list) {
    if (item.length > MCP_SERVER_LIMITS.item) {
      throw new BadUserInputError(`${field} items are at most ${MCP_SERVER_LIMITS.item} long.`, {
        field,
      });
    }
  }
  return list;
}

/** A JSON object of at most 100 string values of up to 1,000 characters (env, headers). */
export function stringMap(field: string, value: unknown): Record<string, string> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new BadUserInputError(`${field} must be an object of string values.`, { field });
  }
  const entries = Object.entries(value);
  if (
    entries.length > MCP_SERVER_LIMITS.mapEntries ||
    entries.some(([, v]) => typeof v !== 'string' || v.length > MCP_SERVER_LIMITS.item)
  ) {
    throw new BadUserInputError(
      `${field} must be an object of at most ${MCP_SERVER_LIMITS.mapEntries} string values.`,
      { field },
    );
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** The transport's own settings must be present: a command for stdio, an http(s) URL otherwise. */
async function checkConnection(
  server: Omit<NewMcpServer, 'tenantId'>,
  stdioAllowed: () => Promise<boolean>,
): Promise<void> {
  if (!MCP_TRANSPORTS.includes(server.transport)) {
    throw new BadUserInputError(`transport must be one of ${MCP_TRANSPORTS.join(', ')}.`, {
      field: 'transport',
    });
  }
  if (server.transport === 'stdio') {
    if (!(await stdioAllowed())) {
      throw new BadUserInputError(
        'stdio MCP servers run commands on this host and are switched off in this deployment; use http or sse (an operator can allow stdio with MCP_ALLOW_STDIO=true: docs/security.md).',
        { field: 'transport' },
      );
    }
    if (!server.command?.trim()) {
      throw new BadUserInputError('A stdio server needs a command.', { field: 'command' });
    }
    return;
  }
  let url: URL | undefined;
  try {
    url = server.url ? new URL(server.url) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new BadUserInputError(`A ${server.transport} server needs an http(s) url.`, {
      field: 'url',
    });
  }
}

export type McpServerService = ReturnType<typeof createMcpServerService>;

/** MCP servers: validation and authorisation around the store, and connection tests. */
export function createMcpServerService({
  store,
  mcpProbe,
  mcpStdioAllowed = async () => false,
}: Pick<ServiceDeps, 'store'> & {
  mcpProbe?: McpProbe;
  /** Whether stdio servers may be stored now (workers check again at every spawn). Default: no. */
  mcpStdioAllowed?: () => Promise<boolean>;
}) {
  /** `{{secret:NAME}}` in env values and headers must name the tenant's secrets. */
  async function checkReferences(viewer: Viewer, server: McpServerPatch): Promise<void> {
    for (const field of ['env', 'headers'] as const) {
      const map = server[field];
      if (map) await checkSecretReferences(store, viewer.tenantId, field, Object.values(map));
    }
  }

  async function get(viewer: Viewer, id: string): Promise<McpServer> {
    const [server] = await store.mcpServers.getMany(viewer.tenantId, [id]);
    if (!server) throw new NotFoundError('McpServer', id);
    return server;
  }

  return {
    async create(
      viewer: Viewer,
      input: McpServerInput & { name: string; transport: McpTransport },
    ) {
      const server: NewMcpServer = {
        tenantId: viewer.tenantId,
        name: requiredText('name', input.name, MCP_SERVER_LIMITS.name),
        transport: input.transport,
        command: input.command?.trim() || null,
        args: stringList('args', input.args),
        env: stringMap('env', input.env),
        url: input.url?.trim() || null,
        headers: stringMap('headers', input.headers),
        allowedTools: stringList('allowedTools', input.allowedTools),
        tags: stringList('tags', input.tags),
      };
      await checkConnection(server, mcpStdioAllowed);
      await checkReferences(viewer, server);
      return store.mcpServers.create(server);
    },

    async update(viewer: Viewer, id: string, input: McpServerInput): Promise<McpServer> {
      const current = await get(viewer, id);
      const patch: McpServerPatch = {};
      if (input.name != null) patch.name = requiredText('name', input.name, MCP_SERVER_LIMITS.name);
      if (input.transport != null) patch.transport = input.transport;
      if (input.command !== undefined) patch.command = input.command?.trim() || null;
      if (input.args != null) patch.args = stringList('args', input.args);
      if (input.env !== undefined) patch.env = stringMap('env', input.env);
      if (input.url !== undefined) patch.url = input.url?.trim() || null;
      if (input.headers !== undefined) patch.headers = stringMap('headers', input.headers);
      if (input.allowedTools != null) {
        patch.allowedTools = stringList('allowedTools', input.allowedTools);
      }
      if (input.tags != null) patch.tags = stringList('tags', input.tags);
      await checkConnection({ ...current, ...patch }, mcpStdioAllowed);
      await checkReferences(viewer, patch);
      const updated = await store.mcpServers.update(viewer.tenantId, id, patch);
      if (!updated) throw new NotFoundError('McpServer', id);
      return updated;
    },

    async delete(viewer: Viewer, id: string): Promise<string> {
      if (!(await store.mcpServers.delete(viewer.tenantId, id))) {
        throw new NotFoundError('McpServer', id);
      }
      return id;
    },

    list(viewer: Viewer, page: PageArgs): Promise<Page<McpServer>> {
      return store.mcpServers.list(viewer.tenantId, page);
    },

    getMany(viewer: Viewer, ids: readonly string[]) {
      return store.mcpServers.getMany(viewer.tenantId, ids);
    },

    /** Connects to the server and lists its tools; a failure is reported, not thrown. */
    async test(viewer: Viewer, id: string): Promise<McpServerTest> {
      const server = await get(viewer, id);
      if (!mcpProbe) {
        return { ok: false, tools: [], error: 'This deployment cannot connect to MCP servers.' };
      }
      try {
        return { ok: true, tools: await mcpProbe.listTools(server), error: null };
      } catch (error) {
        return {
          ok: false,
          tools: [],
          error: error instanceof Error ? error.message : String(error),
        };
      }
    },
  };
}
