import DataLoader from 'dataloader';
import type { Agent, Run, Usage, Workflow } from '../shared/domain/types.ts';
import type { Store } from '../shared/ports/store.ts';

/**
 * Per-request DataLoaders over the store's batch reads. Each keeps key order (the store's
 * `getMany` contract) and is scoped to one tenant, so a request can never load another's records.
 * Each is created on first use: most requests use one or none, and an SSE stream holds its
 * request (and so its loaders) for as long as it is open.
 */
export function createLoaders(store: Store, tenantId: string) {
  return lazily({
    agent: () => new DataLoader<string, Agent | null>((ids) => store.agents.getMany(tenantId, ids)),
    workflow: () =>
      new DataLoader<string, Workflow | null>((ids) => store.workflows.getMany(tenantId, ids)),
    run: () => new DataLoader<string, Run | null>((ids) => store.runs.getMany(tenantId, ids)),
    activeRun: () =>
      new DataLoader<string, Run | null>((ids) => store.runs.activeByWorkflow(tenantId, ids)),
    workflowUsage: () =>
      new DataLoader<string, Usage>((ids) => store.runs.usageByWorkflow(tenantId, ids)),
  });
}

/** An object whose properties are made by their factory on first read, then kept. */
function lazily<T extends Record<string, () => unknown>>(
  factories: T,
): { readonly [K in keyof T]: ReturnType<T[K]> } {
  const target = {} as { [K in keyof T]: ReturnType<T[K]> };
  for (const name of Object.keys(factories) as (keyof T)[]) {
    Object.defineProperty(target, name, {
      configurable: true,
      enumerable: true,
      get() {
        const value = factories[name]!() as ReturnType<T[typeof name]>;
        Object.defineProperty(target, name, { value, enumerable: true });
        return value;
      },
    });
  }
  return target;
}

export type Loaders = ReturnType<typeof createLoaders>;
