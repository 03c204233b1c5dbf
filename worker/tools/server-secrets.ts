import type { McpServer } from '../../shared/domain/types.ts';
import { referencedSecretNames, substituteAll } from '../../shared/secrets/references.ts';
import type { SecretResolver } from '../../shared/secrets/secret-resolver.ts';
import type { McpServerSettings } from './mcp-tools.ts';

/** Servers with their secret references replaced by values, and those values by name. */
export interface ServersWithSecrets<T extends McpServerSettings> {
  servers: T[];
  /** Secret name → value, to redact from whatever comes back. */
  secrets: Map<string, string>;
  /** The values substituted in each server, by name (index-aligned with `servers`). */
  serverSecrets: Map<string, string>[];
}

function referencesOf(server: McpServerSettings): string[] {
  return referencedSecretNames([...Object.values(server.env), ...Object.values(server.headers)]);
}

/**
 * Replaces `{{secret:NAME}}` in the servers' env values and headers by the tenant's secrets.
 * This is where MCP secrets are opened: in the worker for runs, and in the probe of
 * `testMcpServer`. The returned settings hold plaintext: hand them to the MCP client only.
 *
 * @throws SecretUnavailableError when a referenced secret is missing or cannot be opened.
 */
export async function openServerSecrets<T extends McpServerSettings & Pick<McpServer, 'tenantId'>>(
  tenantId: string,
  servers: readonly T[],
  resolver: SecretResolver,
): Promise<ServersWithSecrets<T>> {
  const names = [...new Set(servers.flatMap(referencesOf))];
  const secrets = await resolver.resolve(tenantId, names);
  // The resolver rejects unless it opened every name, so each lookup below finds its value.
  const serverSecrets = servers.map(
    (server) => new Map(referencesOf(server).map((name) => [name, secrets.get(name) ?? ''])),
  );
  if (secrets.size === 0) return { servers: [...servers], secrets, serverSecrets };
  return {
    serverSecrets,
    servers: servers.map((server) => ({
      ...server,
      env: substituteAll(server.env, secrets),
      headers: substituteAll(server.headers, secrets),
    })),
    secrets,
  };
}
