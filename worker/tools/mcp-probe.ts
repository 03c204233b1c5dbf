import type { McpServer } from '../../shared/domain/types.ts';
import type { McpProbe } from '../../shared/services/mcp-servers.ts';
import { connectMcpServer } from './mcp-tools.ts';

/** `testMcpServer`'s probe: connects with the worker's MCP client, lists the tools, closes. */
export function createMcpProbe(options: { connectTimeoutMs?: number } = {}): McpProbe {
  return {
    async listTools(server: McpServer) {
      const connection = await connectMcpServer(server, options);
      try {
        return connection.tools.map((t) => ({ name: t.name, description: t.description }));
      } finally {
        await connection.close();
      }
    },
  };
}
