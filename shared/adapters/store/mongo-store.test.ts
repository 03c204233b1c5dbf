import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe } from 'vitest';
import { newId } from '../../ids.ts';
import type { Store } from '../../ports/store.ts';
import { createMongoStore } from './mongo/mongo-store.ts';
import { describeStoreContract } from './store.contract.ts';

const uri = process.env.MONGODB_URI;

if (!uri) {
  // Loud, not silent: there is no MongoDB server on the CI machines (no package, no container
  // engine), so this suite can only run where MONGODB_URI points at one.
  console.warn(
    'MongoStore contract suite NOT RUN: no MongoDB server here. Run it with MONGODB_URI=mongodb://… npx vitest run shared/adapters/store/mongo-store.test.ts',
  );
}

describe.skipIf(!uri)('MongoStore (set MONGODB_URI to run)', () => {
  // One database for this file, dropped at the end; the contract gives every test its own tenants.
  const dbName = `agentgate_test_${newId().toLowerCase()}`;
  let shared: Store;

  beforeAll(async () => {
    shared = createMongoStore({ uri: uri!, dbName });
    await shared.init();
  });

  afterAll(async () => {
    await shared?.close();
    const admin = new MongoClient(uri!);
    try {
      await admin.db(dbName).dropDatabase();
    } finally {
      await admin.close();
    }
  });

  describeStoreContract('MongoStore', async () => ({ store: shared, cleanup: async () => {} }));
});
