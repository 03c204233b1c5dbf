import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport, SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { dynamicTool, jsonSchema, type ToolSet } from 'ai';
import type { McpServer } from '../../shared/domain/types.ts';
import type { Redactor } from '../../shared/secrets/references.ts';
import { findEgressBlocked } from '../../shared/security/guarded-fetch.ts';
import type { McpHostPolicy } from './mcp-host-policy.ts';
import type { McpPool } from './mcp-pool.ts';
import { StdioTransport } from './stdio-transport.ts';

/** Default limit of one tool call, in ms (`MCP_TOOL_TIMEOUT_MS`). */
export const DEFAULT_MCP_TOOL_TIMEOUT_MS = 60_000;
/** Default limit of connecting to a server and listing its tools, in ms (`MCP_CONNECT_TIMEOUT_MS`). */
export const DEFAULT_MCP_CONNECT_TIMEOUT_MS = 15_000;

/** The connection settings of a server: what {@link connectMcpServer} needs. */
export type McpServerSettings = Pick<
  McpServer,
  'name' | 'transport' | 'command' | 'args' | 'env' | 'url' | 'headers' | 'allowedTools'
>;

/** A tool a server lists and its allow-list lets through. */
export interface McpToolInfo {
  name: string;
  description: string | null;
  inputSchema: unknown;
}

/** An open connection to one MCP server. */
export interface McpConnection {
  readonly server: McpServerSettings;
  /** The server's tools that its allow-list lets through (all when the list is empty). */
  readonly tools: McpToolInfo[];
  /** Calls a tool; rejects on a timeout, an abort, or a result the server marks as an error. */
  call(name: string, input: unknown, options: { signal?: AbortSignal }): Promise<unknown>;
  /** Resolves when the server answers an MCP ping within the connect timeout. */
  ping(options: { signal?: AbortSignal }): Promise<void>;
  close(): Promise<void>;
}

/** Options of connecting to MCP servers. */
export interface McpConnectOptions {
  /** What the connection may do on this host: stdio allowed now, as whom, the HTTP fetch. */
  policy: McpHostPolicy;
  connectTimeoutMs?: number;
  toolTimeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Replaces the secret values the settings were given in everything that comes back (tool
   * results, tool errors, connect errors): a server may echo a header or environment value.
   */
  redact?: Redactor;
  /**
   * Called when the connection must not be handed out again: its transport closed or failed
   * (the stdio process exited, an HTTP request or stream failed), or the server announced that
   * its tool list changed (the listed tools are stale). Calls already made are not affected.
   */
  onStale?: (reason: string) => void;
}

/** An error with secret values in its message replaced, in place (its type is kept). */
function redactError(error: unknown, redact: Redactor | undefined): unknown {
  if (redact && error instanceof Error) {
    const message = redact.text(error.message);
    if (message !== error.message) error.message = message;
  }
  return error;
}

/** Raised when a server cannot be reached or listed; the message says which and why. */
export class McpConnectError extends Error {
  override name = 'McpConnectError';
}

/** Longest part of a server's own error text that is passed on (a tool error, a JSON-RPC error). */
const MAX_REMOTE_DETAIL = 300;

/**
 * What went wrong, without echoing what a remote server sent: an HTTP failure is its status alone
 * (its body may be an internal service's page), a blocked address says so, and any other message
 * is cut to one line of {@link MAX_REMOTE_DETAIL} characters.
 */
export function describeMcpFailure(error: unknown): string {
  const blocked = findEgressBlocked(error);
  if (blocked) return blocked.message;
  if (error instanceof StreamableHTTPError || error instanceof SseError) {
    const status = typeof error.code === 'number' && error.code > 0 ? error.code : null;
    return status ? `the server answered HTTP ${status}` : 'the server sent an unusable response';
  }
  const text = error instanceof Error ? error.message : String(error);
  const line = text
    .split('\n', 1)[0]!
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .trim();
  return line.length > MAX_REMOTE_DETAIL ? `${line.slice(0, MAX_REMOTE_DETAIL)}…` : line;
}

/** An HTTP-level failure or a blocked address: its message may hold a remote body. */
function isTransportFailure(error: unknown): boolean {
  return (
    error instanceof StreamableHTTPError ||
    error instanceof SseError ||
    findEgressBlocked(error) !== null
  );
}

async function createTransport(
  server: McpServerSettings,
  policy: McpHostPolicy,
): Promise<Transport> {
  switch (server.transport) {
    case 'stdio':
      if (!(await policy.stdioAllowed())) {
        throw new McpConnectError(
          `MCP server "${server.name}" uses stdio, which is switched off in this deployment (MCP_ALLOW_STDIO; docs/security.md).`,
        );
      }
      if (!server.command) throw new McpConnectError(`MCP server "${server.name}" has no command.`);
      return new StdioTransport({
        command: server.command,
        args: server.args,
        env: server.env,
        identity: policy.stdioIdentity,
      });
    case 'http':
    case 'sse': {
      if (!server.url) throw new McpConnectError(`MCP server "${server.name}" has no URL.`);
      const url = new URL(server.url);
      const requestInit = { headers: server.headers };
      return server.transport === 'http'
        ? new StreamableHTTPClientTransport(url, { requestInit, fetch: policy.fetch })
        : new SSEClientTransport(url, {
            requestInit,
            fetch: policy.fetch,
            eventSourceInit: { fetch: withHeaders(policy.fetch, server.headers) },
          });
    }
  }
}

function withHeaders(base: typeof fetch, headers: Record<string, string>): typeof fetch {
  return (input, init) => {
    const merged = new Headers(init?.headers);
    for (const [key, value] of Object.entries(headers)) merged.set(key, value);
    return base(input, { ...init, headers: merged });
  };
}

function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .flatMap((part: { type?: string; text?: string }) =>
      part?.type === 'text' && typeof part.text === 'string' ? [part.text] : [],
    )
    .join('\n');
}

/** What a tool answered: its structured content, else its text (parsed when it is JSON), else its content. */
function resultValue(result: { content?: unknown; structuredContent?: unknown }): unknown {
  if (result.structuredContent !== undefined) return result.structuredContent;
  const text = textOf(result.content);
  if (text.length > 0) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return result.content ?? null;
}

/**
 * Connects to one MCP server through the MCP TypeScript SDK and lists its tools.
 *
 * @throws McpConnectError when the server cannot be started, reached or listed in time.
 */
export async function connectMcpServer(
  server: McpServerSettings,
  options: McpConnectOptions,
): Promise<McpConnection> {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_MCP_CONNECT_TIMEOUT_MS;
  const toolTimeoutMs = options.toolTimeoutMs ?? DEFAULT_MCP_TOOL_TIMEOUT_MS;
  const client = new Client({ name: 'agentgate', version: '1.0.0' });
  let tools: McpToolInfo[];
  try {
    const transport = await createTransport(server, options.policy);
    // Set before connect: the SDK's Client chains its own handlers after these.
    transport.onclose = () => options.onStale?.('the transport closed');
    transport.onerror = (error) => {
      // A streamable HTTP server may refuse the optional GET stream of server-initiated
      // messages; requests and their responses still work, so the connection stays usable.
      if (error.message.startsWith('Failed to open SSE stream')) return;
      options.onStale?.(`the transport failed: ${error.message}`);
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      options.onStale?.('the server changed its tool list');
    });
    await client.connect(transport, { timeout: connectTimeoutMs, signal: options.signal });
    const listed = await client.listTools(undefined, {
      timeout: connectTimeoutMs,
      signal: options.signal,
    });
    const allowed = new Set(server.allowedTools);
    tools = listed.tools
      .filter((t) => allowed.size === 0 || allowed.has(t.name))
      .map((t) => ({
        name: t.name,
        description: t.description ?? null,
        inputSchema: t.inputSchema,
      }));
  } catch (error) {
    await client.close().catch(() => {});
    if (error instanceof McpConnectError) throw redactError(error, options.redact);
    const reason = describeMcpFailure(error);
    throw new McpConnectError(
      `Cannot connect to MCP server "${server.name}": ${options.redact?.text(reason) ?? reason}`,
    );
  }
  const names = new Set(tools.map((t) => t.name));
  return {
    server,
    tools,
    async call(name, input, { signal }) {
      if (!names.has(name)) throw new Error(`Tool "${name}" is not allowed on "${server.name}".`);
      let result: Awaited<ReturnType<typeof client.callTool>>;
      try {
        result = await client.callTool(
          { name, arguments: (input ?? {}) as Record<string, unknown> },
          undefined,
          { timeout: toolTimeoutMs, signal },
        );
      } catch (error) {
        if (isTransportFailure(error)) {
          const reason =
            options.redact?.text(describeMcpFailure(error)) ?? describeMcpFailure(error);
          throw new Error(`Tool "${name}" failed: ${reason}`);
        }
        throw redactError(error, options.redact);
      }
      if (result.isError) {
        const text = textOf(result.content) || `Tool "${name}" failed.`;
        throw new Error(options.redact?.text(text) ?? text);
      }
      const value = resultValue(result as { content?: unknown; structuredContent?: unknown });
      return options.redact ? options.redact.value(value) : value;
    },
    async ping({ signal }) {
      await client.ping({ timeout: connectTimeoutMs, signal });
    },
    close: () => client.close(),
  };
}

/** The tools of a run's MCP servers, as AI SDK tools, and how to give their connections back. */
export interface RunTools {
  tools: ToolSet;
  /** Releases the run's leases on its connections (the pool closes or keeps them). */
  close(): Promise<void>;
}

/** One server of a run, its secret references replaced by values. */
export interface RunServer {
  id: string;
  settings: McpServerSettings;
  /** The secret values substituted in `settings`, by name: its connection redacts them. */
  secrets: ReadonlyMap<string, string>;
}

/** What {@link openRunTools} connects: a run's servers, in the order of the tool-name rule. */
export interface RunToolsRequest {
  tenantId: string;
  servers: readonly RunServer[];
  /** The run's signal: aborting it stops waiting for connections (others may still share them). */
  signal?: AbortSignal;
}

/**
 * Leases a connection to every server from the pool (in parallel) and exposes their tools as AI
 * SDK tools for the agent loop. A tool name two servers share goes to the first server in `servers` order.
 * Closing releases every lease; a failed connect releases the ones already taken before
 * rethrowing (an `McpConnectError`, or the signal's reason when the run stopped waiting).
 */
export async function openRunTools(pool: McpPool, request: RunToolsRequest): Promise<RunTools> {
  const settled = await Promise.allSettled(
    request.servers.map((server) =>
      pool.acquire({
        tenantId: request.tenantId,
        serverId: server.id,
        settings: server.settings,
        secrets: server.secrets,
        signal: request.signal,
      }),
    ),
  );
  const leases = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const close = async () => {
    for (const lease of leases) lease.release();
  };
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason;
  }
  const tools: ToolSet = {};
  for (const { connection } of leases) {
    for (const info of connection.tools) {
      if (tools[info.name]) continue;
      tools[info.name] = dynamicTool({
        description: info.description ?? undefined,
        inputSchema: jsonSchema((info.inputSchema ?? { type: 'object' }) as never),
        execute: (input, { abortSignal }) =>
          connection.call(info.name, input, { signal: abortSignal }),
      });
    }
  }
  return { tools, close };
}
