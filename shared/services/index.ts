import { createAgentService } from './agents.ts';
import { createEventService } from './events.ts';
import { createMcpServerService } from './mcp-servers.ts';
import { createRunService } from './runs.ts';
import type { ServiceDeps } from './types.ts';
import { createWorkflowService } from './workflows.ts';

export type Services = ReturnType<typeof createServices>;

/** The application services the gateway's resolvers call. */
export function createServices(deps: ServiceDeps) {
  return {
    agents: createAgentService(deps),
    workflows: createWorkflowService(deps),
    runs: createRunService(deps),
    events: createEventService(deps),
    mcpServers: createMcpServerService(deps),
  };
}

export type { ServiceDeps, Viewer } from './types.ts';
