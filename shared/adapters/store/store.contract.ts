import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../ids.ts';
import type { Store } from '../../ports/store.ts';
import { describeAgents } from './contract/agents.ts';
import type { ContractContext } from './contract/context.ts';
import { fixtures } from './contract/context.ts';
import { describeTenantIsolation } from './contract/isolation.ts';
import { describeMcpServers } from './contract/mcp-servers.ts';
import { describeMessages } from './contract/messages.ts';
import { describeProviders } from './contract/providers.ts';
import { describeRunReliability } from './contract/run-reliability.ts';
import { describeRunStart } from './contract/run-start.ts';
import { describeRuns } from './contract/runs.ts';
import { describeSecrets } from './contract/secrets.ts';
import { describeSkills } from './contract/skills.ts';
import { describeTokens } from './contract/tokens.ts';
import { describeWorkflows } from './contract/workflows.ts';

/** What an adapter's test hands the contract: an initialised store and how to dispose of it. */
export type StoreContractSetup = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

/**
 * The Store contract: every adapter must pass it. `setup` runs before each test and `cleanup`
 * after it; every test uses tenants of its own, so an adapter may hand out one shared, already
 * initialised store (cheap) or a fresh one per test (isolated).
 */
export function describeStoreContract(name: string, setup: StoreContractSetup): void {
  describe(name, () => {
    const ctx = {} as ContractContext;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      const created = await setup();
      cleanup = created.cleanup;
      ctx.store = created.store;
      ctx.tenant = `tenant-${newId()}`;
      ctx.other = `other-${newId()}`;
    });

    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    describe('lifecycle', () => {
      it('answers ping', async () => {
        await expect(ctx.store.ping()).resolves.toBeUndefined();
      });

      it('runs init again without harm and keeps the data', async () => {
        const make = fixtures(ctx);
        const workflow = await make.workflow();
        await ctx.store.messages.append([make.message(workflow.id, 'kept')]);

        await ctx.store.init();
        await Promise.all([ctx.store.init(), ctx.store.init()]);

        expect(await ctx.store.workflows.getMany(ctx.tenant, [workflow.id])).toEqual([workflow]);
        const [next] = await ctx.store.messages.append([make.message(workflow.id, 'next')]);
        expect(next?.index).toBe(2);
      });
    });

    describeAgents(ctx);
    describeWorkflows(ctx);
    describeRuns(ctx);
    describeRunStart(ctx);
    describeRunReliability(ctx);
    describeMessages(ctx);
    describeTenantIsolation(ctx);
    describeTokens(ctx);
    describeMcpServers(ctx);
    describeSecrets(ctx);
    describeProviders(ctx);
    describeSkills(ctx);
  });
}
