import type { Agent, Run, RunStatus, Workflow } from '../../../domain/types.ts';
import { newId } from '../../../ids.ts';
import type { NewAgent, NewMessage, Store } from '../../../ports/store.ts';

/**
 * What every contract test works with: an initialised store and two tenants of its own, fresh per
 * test, so tests never see each other's records even when adapters share one database.
 */
export interface ContractContext {
  store: Store;
  /** The tenant whose records a test creates. */
  tenant: string;
  /** Another tenant, which must never see them. */
  other: string;
}

/** A window wide enough that no test outlives it. */
export const LONG_WINDOW = { idempotencyWindowMs: 60 * 60 * 1000 };

/** Record factories bound to a test's context. */
export function fixtures(ctx: ContractContext) {
  function agent(overrides: Partial<NewAgent> = {}): Promise<Agent> {
    return ctx.store.agents.create({
      tenantId: ctx.tenant,
      name: 'Helper',
      systemPrompt: 'You help.',
      model: 'demo:echo',
      description: null,
      ...overrides,
    });
  }

  return {
    agent,

    /** A workflow of the test's tenant, on `agentId` or on a new agent. */
    async workflow(agentId?: string): Promise<Workflow> {
      const tenantId = ctx.tenant;
      const agentOfWorkflow = agentId ?? (await agent()).id;
      return ctx.store.workflows.create({
        tenantId,
        agentId: agentOfWorkflow,
        title: 'Chat',
        model: null,
        maxTurns: 8,
      });
    },

    async run(workflowId: string, idempotencyKey: string | null = null): Promise<Run> {
      const { run } = await ctx.store.runs.create(
        { tenantId: ctx.tenant, workflowId, prompt: 'Hello', idempotencyKey, eventsAfter: null },
        LONG_WINDOW,
      );
      return run;
    },

    /** Moves a run straight to `status` (no start rules), as a worker or canceller would. */
    async setStatus(run: Run, status: RunStatus): Promise<Run> {
      const moved = await ctx.store.runs.transition(ctx.tenant, run.id, [run.status], { status });
      if (!moved) throw new Error(`run ${run.id} was not ${run.status}`);
      return moved;
    },

    message(workflowId: string, content: string, extra: Partial<NewMessage> = {}): NewMessage {
      return {
        id: newId(),
        tenantId: ctx.tenant,
        workflowId,
        runId: null,
        role: 'USER',
        content,
        ...extra,
      };
    },
  };
}

export type Fixtures = ReturnType<typeof fixtures>;
