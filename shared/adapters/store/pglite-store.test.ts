import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../ports/store.ts';
import { createPgliteStore } from './sql/pglite-store.ts';
import { describeStoreContract } from './store.contract.ts';

// One in-memory PGlite for the whole file: it takes about a second to start, and the contract
// gives every test tenants of its own.
let shared: Store;

beforeAll(async () => {
  shared = createPgliteStore();
  await shared.init();
});

afterAll(async () => {
  await shared.close();
});

describeStoreContract('PgliteStore (in memory)', async () => ({
  store: shared,
  cleanup: async () => {},
}));

describe('PgliteStore on a data directory', () => {
  it('keeps its data across close and reopen', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'agentgate-pglite-'));
    try {
      const first = createPgliteStore({ dataDir });
      await first.init();
      const agent = await first.agents.create({
        tenantId: 'persisted',
        name: 'Durable',
        systemPrompt: 'Remember.',
        model: 'demo:echo',
        description: null,
      });
      await first.close();

      const second = createPgliteStore({ dataDir });
      await second.init();
      const [reread] = await second.agents.getMany('persisted', [agent.id]);
      await second.close();

      expect(reread).toEqual(agent);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
