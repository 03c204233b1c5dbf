import { createAgentService } from './agents.ts';
import { createEventService } from './events.ts';
import { createMcpServerService } from './mcp-servers.ts';
import { createProviderService } from './providers.ts';
import { createRunService } from './runs.ts';
import { createSecretService } from './secrets.ts';
import { createSkillService } from './skills.ts';
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
    secrets: createSecretService(deps),
    providers: createProviderService(deps),
    skills: createSkillService(deps),
  };
}

export type { ServiceDeps, Viewer } from './types.ts';
