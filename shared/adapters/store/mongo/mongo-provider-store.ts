import type { Filter } from 'mongodb';
import type { Provider } from '../../../domain/types.ts';
import { newId } from '../../../ids.ts';
import type { Page, PageArgs } from '../../../ports/pagination.ts';
import type { NewProvider, ProviderPatch, ProviderStore } from '../../../ports/store.ts';
import { inKeyOrder, toPage } from '../store-helpers.ts';
import { type Collections, isDuplicateKey, type ProviderDoc, toProvider } from './documents.ts';

/** Tenants' model providers in the `providers` collection. */
export function createMongoProviderStore({ providers }: Collections): ProviderStore {
  return {
    async create(input: NewProvider): Promise<Provider | null> {
      const now = new Date();
      const doc: ProviderDoc = { _id: newId(), ...input, createdAt: now, updatedAt: now };
      try {
        await providers.insertOne(doc);
      } catch (error) {
        // The unique (tenantId, name) index: the tenant already has a provider of this name.
        if (isDuplicateKey(error)) return null;
        throw error;
      }
      return toProvider(doc);
    },

    async getMany(tenantId: string, ids: readonly string[]): Promise<(Provider | null)[]> {
      if (ids.length === 0) return [];
      const docs = await providers.find({ tenantId, _id: { $in: [...ids] } }).toArray();
      return inKeyOrder(ids, docs.map(toProvider), (provider) => provider.id);
    },

    async getByName(tenantId: string, name: string): Promise<Provider | null> {
      const doc = await providers.findOne({ tenantId, name });
      return doc ? toProvider(doc) : null;
    },

    async list(tenantId: string, page: PageArgs): Promise<Page<Provider>> {
      const filter: Filter<ProviderDoc> = page.after
        ? { tenantId, _id: { $lt: page.after } }
        : { tenantId };
      const docs = await providers
        .find(filter)
        .sort({ _id: -1 })
        .limit(page.first + 1)
        .toArray();
      return toPage(docs.map(toProvider), page.first);
    },

    async update(tenantId: string, id: string, patch: ProviderPatch): Promise<Provider | null> {
      const $set: Partial<Omit<ProviderDoc, '_id'>> = { updatedAt: new Date() };
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) Object.assign($set, { [key]: value });
      }
      const doc = await providers.findOneAndUpdate(
        { _id: id, tenantId },
        { $set },
        { returnDocument: 'after' },
      );
      return doc ? toProvider(doc) : null;
    },

    async delete(tenantId: string, id: string): Promise<boolean> {
      const { deletedCount } = await providers.deleteOne({ _id: id, tenantId });
      return deletedCount === 1;
    },
  };
}
