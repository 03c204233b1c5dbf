import type { Agent, McpServer } from '../../shared/domain/types.ts';
import type { Store } from '../../shared/ports/store.ts';

/**
 * The MCP servers an agent uses: those it names by id (in that order; ids of deleted servers are
 * skipped), then those carrying any of its tags, each server once.
 */
export async function resolveAgentServers(store: Store, agent: Agent): Promise<McpServer[]> {
  const [byId, byTag] = await Promise.all([
    store.mcpServers.getMany(agent.tenantId, agent.mcpServerIds),
    store.mcpServers.listByTags(agent.tenantId, agent.mcpServerTags),
  ]);
  const servers = new Map<string, McpServer>();
  for (const server of [...byId, ...byTag]) {
    if (server && !servers.has(server.id)) servers.set(server.id, server);
  }
  return [...servers.values()];
}
