import type { McpServer } from '../../../domain/types.ts';
import { newId } from '../../../ids.ts';
import type { Page, PageArgs } from '../../../ports/pagination.ts';
import type { McpServerPatch, McpServerStore, NewMcpServer } from '../../../ports/store.ts';
import { inKeyOrder, toPage } from '../store-helpers.ts';
import { type McpServerRow, toMcpServer } from './rows.ts';
import type { SqlExecutor } from './sql-driver.ts';

/** Patch fields, the columns they write and the cast of their parameter. */
const PATCH_COLUMNS = {
  name: ['name', ''],
  transport: ['transport', ''],
  command: ['command', ''],
  args: ['args', '::jsonb'],
  env: ['env', '::jsonb'],
  url: ['url', ''],
  headers: ['headers', '::jsonb'],
  allowedTools: ['allowed_tools', '::text[]'],
  tags: ['tags', '::text[]'],
} as const satisfies Record<keyof McpServerPatch, readonly [string, string]>;

/** jsonb parameters go as JSON text: drivers would otherwise send a JS array as a Postgres array. */
function param(cast: string, value: unknown): unknown {
  return cast === '::jsonb' ? JSON.stringify(value) : value;
}

/** MCP servers in the `mcp_servers` table. */
export function createSqlMcpServerStore(db: SqlExecutor): McpServerStore {
  return {
    async create(input: NewMcpServer): Promise<McpServer> {
      const now = new Date();
      const [row] = await db.query<McpServerRow>(
        `INSERT INTO mcp_servers (tenant_id, id, created_at, updated_at, name, transport, command,
           args, env, url, headers, allowed_tools, tags)
         VALUES ($1, $2, $3, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10::jsonb, $11::text[], $12::text[])
         RETURNING *`,
        [
          input.tenantId,
          newId(),
          now,
          input.name,
          input.transport,
          input.command,
          JSON.stringify(input.args),
          JSON.stringify(input.env),
          input.url,
          JSON.stringify(input.headers),
          input.allowedTools,
          input.tags,
        ],
      );
      return toMcpServer(row!);
    },

    async getMany(tenantId: string, ids: readonly string[]): Promise<(McpServer | null)[]> {
      if (ids.length === 0) return [];
      const rows = await db.query<McpServerRow>(
        'SELECT * FROM mcp_servers WHERE tenant_id = $1 AND id = ANY($2::text[])',
        [tenantId, ids],
      );
      return inKeyOrder(ids, rows.map(toMcpServer), (server) => server.id);
    },

    async list(tenantId: string, page: PageArgs): Promise<Page<McpServer>> {
      const rows = await db.query<McpServerRow>(
        `SELECT * FROM mcp_servers WHERE tenant_id = $1 AND ($2::text IS NULL OR id < $2)
         ORDER BY id DESC LIMIT $3`,
        [tenantId, page.after ?? null, page.first + 1],
      );
      return toPage(rows.map(toMcpServer), page.first);
    },

    async listByTags(tenantId: string, tags: readonly string[]): Promise<McpServer[]> {
      if (tags.length === 0) return [];
      const rows = await db.query<McpServerRow>(
        'SELECT * FROM mcp_servers WHERE tenant_id = $1 AND tags && $2::text[] ORDER BY id',
        [tenantId, tags],
      );
      return rows.map(toMcpServer);
    },

    async update(tenantId: string, id: string, patch: McpServerPatch): Promise<McpServer | null> {
      const params: unknown[] = [tenantId, id, new Date()];
      const sets = ['updated_at = $3'];
      for (const [field, [column, cast]] of Object.entries(PATCH_COLUMNS)) {
        const value = patch[field as keyof McpServerPatch];
        if (value === undefined) continue;
        params.push(param(cast, value));
        sets.push(`${column} = $${params.length}${cast}`);
      }
      const [row] = await db.query<McpServerRow>(
        `UPDATE mcp_servers SET ${sets.join(', ')} WHERE tenant_id = $1 AND id = $2 RETURNING *`,
        params,
      );
      return row ? toMcpServer(row) : null;
    },

    async delete(tenantId: string, id: string): Promise<boolean> {
      const rows = await db.query<{ id: string }>(
        'DELETE FROM mcp_servers WHERE tenant_id = $1 AND id = $2 RETURNING id',
        [tenantId, id],
      );
      return rows.length > 0;
    },
  };
}
