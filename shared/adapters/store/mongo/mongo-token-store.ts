import type { Filter } from 'mongodb';
import type { ApiToken } from '../../../domain/api-tokens.ts';
import { newId } from '../../../ids.ts';
import type { CreateTokenResult, NewApiToken, TokenStore } from '../../../ports/store.ts';
import { type ApiTokenDoc, type Collections, isDuplicateKey } from './documents.ts';

function toToken(doc: ApiTokenDoc): ApiToken {
  return {
    id: doc._id,
    tenantId: doc.tenantId,
    name: doc.name,
    prefix: doc.prefix,
    createdAt: doc.createdAt,
    lastUsedAt: doc.lastUsedAt,
    revokedAt: doc.revokedAt,
  };
}

/** API tokens in the `api_tokens` collection; the unique `tokenHash` index makes `create` idempotent. */
export function createMongoTokenStore({ tokens }: Collections): TokenStore {
  async function findByHash(hash: string): Promise<ApiToken | null> {
    const doc = await tokens.findOne({ tokenHash: hash });
    return doc ? toToken(doc) : null;
  }

  return {
    async create(input: NewApiToken): Promise<CreateTokenResult> {
      const doc: ApiTokenDoc = {
        _id: newId(),
        tenantId: input.tenantId,
        name: input.name,
        tokenHash: input.hash,
        prefix: input.prefix,
        createdAt: new Date(),
        lastUsedAt: null,
        revokedAt: null,
      };
      try {
        await tokens.insertOne(doc);
        return { token: toToken(doc), created: true };
      } catch (error) {
        // A fresh _id can only collide on the hash: the token is already stored.
        if (!isDuplicateKey(error)) throw error;
      }
      const existing = await findByHash(input.hash);
      if (!existing) throw new Error('The token was refused as a duplicate but is not stored.');
      return { token: existing, created: false };
    },

    findByHash,

    async list(filter = {}): Promise<ApiToken[]> {
      const query: Filter<ApiTokenDoc> =
        filter.tenantId === undefined ? {} : { tenantId: filter.tenantId };
      const docs = await tokens.find(query).sort({ _id: 1 }).toArray();
      return docs.map(toToken);
    },

    async revoke(id: string, at: Date): Promise<ApiToken | null> {
      // Only the first revoke sets the time; a second one matches nothing and reads it back.
      await tokens.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: at } });
      const doc = await tokens.findOne({ _id: id });
      return doc ? toToken(doc) : null;
    },

    async touch(id: string, at: Date): Promise<void> {
      await tokens.updateOne(
        { _id: id, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lt: at } }] },
        { $set: { lastUsedAt: at } },
      );
    },

    countActive(): Promise<number> {
      return tokens.countDocuments({ revokedAt: null });
    },
  };
}
