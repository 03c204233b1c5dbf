import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../ids.ts';
import type { Store } from '../../ports/store.ts';
import { createPostgresStore } from './sql/postgres-store.ts';
import { describeStoreContract } from './store.contract.ts';

const connectionString = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

// One schema for this file, dropped at the end; the contract gives every test its own tenants.
const schema = `t_${newId().toLowerCase()}`;
const stores: Store[] = [];

function open(): Store {
  const store = createPostgresStore({ connectionString, schema, poolSize: 5 });
  stores.push(store);
  return store;
}

let shared: Store;

beforeAll(async () => {
  shared = open();
  await shared.init();
});

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  const admin = new pg.Client({ connectionString });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await admin.end();
  }
});

describeStoreContract('PostgresStore', async () => ({ store: shared, cleanup: async () => {} }));

describe('PostgresStore across processes', () => {
  it('initialises concurrently from several pools without errors', async () => {
    const others = [open(), open(), open()];

    await Promise.all(others.map((store) => store.init()));

    await Promise.all(others.map((store) => expect(store.ping()).resolves.toBeUndefined()));
  });

  it('keeps one RUNNING run per workflow when pools race to start its runs', async () => {
    const [a, b] = [open(), open()];
    const tenantId = `tenant-${newId()}`;
    const agent = await a.agents.create({
      tenantId,
      name: 'Racer',
      systemPrompt: 'Go.',
      model: 'demo:echo',
      description: null,
    });
    const workflow = await a.workflows.create({
      tenantId,
      agentId: agent.id,
      title: null,
      model: null,
      maxTurns: 1,
    });
    const window = { idempotencyWindowMs: 0 };
    const newRun = { tenantId, workflowId: workflow.id, prompt: 'p', idempotencyKey: null };
    const { run: older } = await a.runs.create({ ...newRun, eventsAfter: null }, window);
    const { run: newer } = await b.runs.create({ ...newRun, eventsAfter: null }, window);

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).runs.start(tenantId, i % 4 < 2 ? older.id : newer.id),
      ),
    );

    expect(
      results.filter((result) => result.ok).map((result) => result.ok && result.run.id),
    ).toEqual([older.id]);
    const [active] = await b.runs.activeByWorkflow(tenantId, [workflow.id]);
    expect(active).toMatchObject({ id: older.id, status: 'RUNNING' });
  });

  it('rejects a schema name that is not a plain identifier', () => {
    expect(() => createPostgresStore({ connectionString, schema: 'x; DROP TABLE runs' })).toThrow(
      /plain SQL identifier/,
    );
  });
});
