import type { Filter } from 'mongodb';
import type { McpServer } from '../../../domain/types.ts';
import { newId } from '../../../ids.ts';
import type { Page, PageArgs } from '../../../ports/pagination.ts';
import type { McpServerPatch, McpServerStore, NewMcpServer } from '../../../ports/store.ts';
import { inKeyOrder, toPage } from '../store-helpers.ts';
import { type Collections, type McpServerDoc, toMcpServer } from './documents.ts';

/** MCP servers in the `mcp_servers` collection. */
export function createMongoMcpServerStore({ mcpServers }: Collections): McpServerStore {
  return {
    async create(input: NewMcpServer): Promise<McpServer> {
      const now = new Date();
      const doc: McpServerDoc = { _id: newId(), ...input, createdAt: now, updatedAt: now };
      await mcpServers.insertOne(doc);
      return toMcpServer(doc);
    },

    async getMany(tenantId: string, ids: readonly string[]): Promise<(McpServer | null)[]> {
      if (ids.length === 0) return [];
      const docs = await mcpServers.find({ tenantId, _id: { $in: [...ids] } }).toArray();
      return inKeyOrder(ids, docs.map(toMcpServer), (server) => server.id);
    },

    async list(tenantId: string, page: PageArgs): Promise<Page<McpServer>> {
      const filter: Filter<McpServerDoc> = page.after
        ? { tenantId, _id: { $lt: page.after } }
        : { tenantId };
      const docs = await mcpServers
        .find(filter)
        .sort({ _id: -1 })
        .limit(page.first + 1)
        .toArray();
      return toPage(docs.map(toMcpServer), page.first);
    },

    async listByTags(tenantId: string, tags: readonly string[]): Promise<McpServer[]> {
      if (tags.length === 0) return [];
      const docs = await mcpServers
        .find({ tenantId, tags: { $in: [...tags] } })
        .sort({ _id: 1 })
        .toArray();
      return docs.map(toMcpServer);
    },

    async update(tenantId: string, id: string, patch: McpServerPatch): Promise<McpServer | null> {
      const $set: Partial<Omit<McpServerDoc, '_id'>> = { updatedAt: new Date() };
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) Object.assign($set, { [key]: value });
      }
      const doc = await mcpServers.findOneAndUpdate(
        { _id: id, tenantId },
        { $set },
        { returnDocument: 'after' },
      );
      return doc ? toMcpServer(doc) : null;
    },

    async delete(tenantId: string, id: string): Promise<boolean> {
      const { deletedCount } = await mcpServers.deleteOne({ _id: id, tenantId });
      return deletedCount === 1;
    },
  };
}
