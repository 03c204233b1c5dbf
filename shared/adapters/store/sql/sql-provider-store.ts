import type { Provider } from '../../../domain/types.ts';
import { newId } from '../../../ids.ts';
import type { NewProvider, ProviderPatch, ProviderStore } from '../../../ports/store.ts';
import { type ProviderRow, toProvider } from './rows.ts';
import type { SqlExecutor } from './sql-driver.ts';
import { tenantTable } from './tenant-table.ts';

/** Patch fields, the columns they write and the cast of their parameter. */
const PATCH_COLUMNS = {
  type: ['type', ''],
  baseURL: ['base_url', ''],
  apiKeySecret: ['api_key_secret', ''],
  headers: ['headers', '::jsonb'],
} as const satisfies Record<keyof ProviderPatch, readonly [string, string]>;

/** Tenants' model providers in the `providers` table. */
export function createSqlProviderStore(db: SqlExecutor): ProviderStore {
  const table = tenantTable<ProviderRow, Provider>(db, 'providers', toProvider);
  return {
    async create(input: NewProvider): Promise<Provider | null> {
      const now = new Date();
      const [row] = await db.query<ProviderRow>(
        `INSERT INTO providers (tenant_id, id, created_at, updated_at, name, type, base_url,
           api_key_secret, headers)
         VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8::jsonb)
         ON CONFLICT (tenant_id, name) DO NOTHING
         RETURNING *`,
        [
          input.tenantId,
          newId(),
          now,
          input.name,
          input.type,
          input.baseURL,
          input.apiKeySecret,
          JSON.stringify(input.headers),
        ],
      );
      return row ? toProvider(row) : null;
    },

    getMany: table.getMany,

    async getByName(tenantId: string, name: string): Promise<Provider | null> {
      const [row] = await db.query<ProviderRow>(
        'SELECT * FROM providers WHERE tenant_id = $1 AND name = $2',
        [tenantId, name],
      );
      return row ? toProvider(row) : null;
    },

    list: table.list,

    async update(tenantId: string, id: string, patch: ProviderPatch): Promise<Provider | null> {
      const params: unknown[] = [tenantId, id, new Date()];
      const sets = ['updated_at = $3'];
      for (const [field, [column, cast]] of Object.entries(PATCH_COLUMNS)) {
        const value = patch[field as keyof ProviderPatch];
        if (value === undefined) continue;
        params.push(cast === '::jsonb' ? JSON.stringify(value) : value);
        sets.push(`${column} = $${params.length}${cast}`);
      }
      const [row] = await db.query<ProviderRow>(
        `UPDATE providers SET ${sets.join(', ')} WHERE tenant_id = $1 AND id = $2 RETURNING *`,
        params,
      );
      return row ? toProvider(row) : null;
    },

    delete: (tenantId: string, id: string) => table.delete(tenantId, id),
  };
}
