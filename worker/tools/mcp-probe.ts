import type { McpServer } from '../../shared/domain/types.ts';
import { createRedactor } from '../../shared/secrets/references.ts';
import type { SecretResolver } from '../../shared/secrets/secret-resolver.ts';
import type { McpProbe } from '../../shared/services/mcp-servers.ts';
import type { McpHostPolicy } from './mcp-host-policy.ts';
import { connectMcpServer } from './mcp-tools.ts';
import { openServerSecrets } from './server-secrets.ts';

export interface McpProbeOptions {
  /** What the probe may do on this host: the same policy as the workers'. */
  policy: McpHostPolicy;
  connectTimeoutMs?: number;
  /**
   * Opens the server's `{{secret:NAME}}` references, so the test connects as a run would. The
   * probe is the one place outside the worker where MCP secrets are opened; what comes back is
   * redacted. Absent: a server with references cannot be tested.
   */
  secrets?: SecretResolver;
}

/** `testMcpServer`'s probe: connects with the worker's MCP client, lists the tools, closes. */
export function createMcpProbe(options: McpProbeOptions): McpProbe {
  return {
    async listTools(server: McpServer) {
      const secrets = options.secrets ?? {
        resolve: async (_tenantId: string, names: readonly string[]) => {
          if (names.length > 0) throw new Error('This gateway cannot open secrets.');
          return new Map<string, string>();
        },
      };
      const opened = await openServerSecrets(server.tenantId, [server], secrets);
      const redact = createRedactor(opened.secrets);
      const connection = await connectMcpServer(opened.servers[0]!, {
        policy: options.policy,
        connectTimeoutMs: options.connectTimeoutMs,
        redact,
      });
      try {
        return connection.tools.map((t) => ({
          name: t.name,
          description: t.description === null ? null : redact.text(t.description),
        }));
      } finally {
        await connection.close();
      }
    },
  };
}
