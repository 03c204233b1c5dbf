import type { McpServer } from '../../../domain/types.ts';
import { newId } from '../../../ids.ts';
import type { McpServerPatch, McpServerStore, NewMcpServer } from '../../../ports/store.ts';
import { type McpServerRow, toMcpServer } from './rows.ts';
import type { SqlExecutor } from './sql-driver.ts';
import { tenantTable } from './tenant-table.ts';

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
  const table = tenantTable<McpServerRow, McpServer>(db, 'mcp_servers', toMcpServer);
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

    getMany: table.getMany,

    list: table.list,

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

    delete: (tenantId: string, id: string) => table.delete(tenantId, id),
  };
}
