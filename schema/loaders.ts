import DataLoader from 'dataloader';
import type { Agent, Run, Usage, Workflow } from '../shared/domain/types.ts';
import type { Store } from '../shared/ports/store.ts';

/**
 * Per-request DataLoaders over the store's batch reads. Each keeps key order (the store's
 * `getMany` contract) and is scoped to one tenant, so a request can never load another's records.
 */
export function createLoaders(store: Store, tenantId: string) {
  return {
    agent: new DataLoader<string, Agent | null>((ids) => store.agents.getMany(tenantId, ids)),
    workflow: new DataLoader<string, Workflow | null>((ids) =>
      store.workflows.getMany(tenantId, ids),
    ),
    run: new DataLoader<string, Run | null>((ids) => store.runs.getMany(tenantId, ids)),
    activeRun: new DataLoader<string, Run | null>((ids) =>
      store.runs.activeByWorkflow(tenantId, ids),
    ),
    workflowUsage: new DataLoader<string, Usage>((ids) =>
      store.runs.usageByWorkflow(tenantId, ids),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
