import type { Filter } from 'mongodb';
import type { Secret } from '../../../domain/types.ts';
import { newId } from '../../../ids.ts';
import type { Page, PageArgs } from '../../../ports/pagination.ts';
import type { NewSecret, SecretPatch, SecretStore } from '../../../ports/store.ts';
import { inKeyOrder, toPage } from '../store-helpers.ts';
import { type Collections, isDuplicateKey, type SecretDoc, toSecret } from './documents.ts';

/** Secrets in the `secrets` collection; values arrive sealed and are stored as they came. */
export function createMongoSecretStore({ secrets }: Collections): SecretStore {
  return {
    async create(input: NewSecret): Promise<Secret | null> {
      const now = new Date();
      const doc: SecretDoc = { _id: newId(), ...input, createdAt: now, updatedAt: now };
      try {
        await secrets.insertOne(doc);
      } catch (error) {
        // The unique (tenantId, name) index: the tenant already has a secret of this name.
        if (isDuplicateKey(error)) return null;
        throw error;
      }
      return toSecret(doc);
    },

    async getMany(tenantId: string, ids: readonly string[]): Promise<(Secret | null)[]> {
      if (ids.length === 0) return [];
      const docs = await secrets.find({ tenantId, _id: { $in: [...ids] } }).toArray();
      return inKeyOrder(ids, docs.map(toSecret), (secret) => secret.id);
    },

    async getByNames(tenantId: string, names: readonly string[]): Promise<(Secret | null)[]> {
      if (names.length === 0) return [];
      const docs = await secrets.find({ tenantId, name: { $in: [...names] } }).toArray();
      return inKeyOrder(names, docs.map(toSecret), (secret) => secret.name);
    },

    async list(tenantId: string, page: PageArgs): Promise<Page<Secret>> {
      const filter: Filter<SecretDoc> = page.after
        ? { tenantId, _id: { $lt: page.after } }
        : { tenantId };
      const docs = await secrets
        .find(filter)
        .sort({ _id: -1 })
        .limit(page.first + 1)
        .toArray();
      return toPage(docs.map(toSecret), page.first);
    },

    async update(tenantId: string, id: string, patch: SecretPatch): Promise<Secret | null> {
      const $set: Partial<Omit<SecretDoc, '_id'>> = { updatedAt: new Date() };
      if (patch.description !== undefined) $set.description = patch.description;
      if (patch.value) {
        $set.sealed = patch.value.sealed;
        $set.maskedSuffix = patch.value.maskedSuffix;
      }
      const doc = await secrets.findOneAndUpdate(
        { _id: id, tenantId },
        { $set },
        { returnDocument: 'after' },
      );
      return doc ? toSecret(doc) : null;
    },

    async delete(tenantId: string, id: string): Promise<boolean> {
      const { deletedCount } = await secrets.deleteOne({ _id: id, tenantId });
      return deletedCount === 1;
    },

    async listSealedWithout(keyId: string, after: string | null, limit: number) {
      const filter: Filter<SecretDoc> = after
        ? { 'sealed.keyId': { $ne: keyId }, _id: { $gt: after } }
        : { 'sealed.keyId': { $ne: keyId } };
      const docs = await secrets.find(filter).sort({ _id: 1 }).limit(limit).toArray();
      return docs.map(toSecret);
    },

    async reseal(tenantId, id, previousIv, sealed): Promise<boolean> {
      const { modifiedCount } = await secrets.updateOne(
        { _id: id, tenantId, 'sealed.iv': previousIv },
        { $set: { sealed } },
      );
      return modifiedCount === 1;
    },
  };
}
