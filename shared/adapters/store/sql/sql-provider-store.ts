import type { Provider } from '../../../domain/types.ts';
import { newId } from '../../../ids.ts';
import type { Page, PageArgs } from '../../../ports/pagination.ts';
import type { NewProvider, ProviderPatch, ProviderStore } from '../../../ports/store.ts';
import { inKeyOrder, toPage } from '../store-helpers.ts';
import { type ProviderRow, toProvider } from './rows.ts';
import type { SqlExecutor } from './sql-driver.ts';

/** Patch fields, the columns they write and the cast of their parameter. */
const PATCH_COLUMNS = {
  type: ['type', ''],
  baseURL: ['base_url', ''],
  apiKeySecret: ['api_key_secret', ''],
  headers: ['headers', '::jsonb'],
} as const satisfies Record<keyof ProviderPatch, readonly [string, string]>;

/** Tenants' model providers in the `providers` table. */
export function createSqlProviderStore(db: SqlExecutor): ProviderStore {
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

    async getMany(tenantId: string, ids: readonly string[]): Promise<(Provider | null)[]> {
      if (ids.length === 0) return [];
      const rows = await db.query<ProviderRow>(
        'SELECT * FROM providers WHERE tenant_id = $1 AND id = ANY($2::text[])',
        [tenantId, ids],
      );
      return inKeyOrder(ids, rows.map(toProvider), (provider) => provider.id);
    },

    async getByName(tenantId: string, name: string): Promise<Provider | null> {
      const [row] = await db.query<ProviderRow>(
        'SELECT * FROM providers WHERE tenant_id = $1 AND name = $2',
        [tenantId, name],
      );
      return row ? toProvider(row) : null;
    },

    async list(tenantId: string, page: PageArgs): Promise<Page<Provider>> {
      const rows = await db.query<ProviderRow>(
        `SELECT * FROM providers WHERE tenant_id = $1 AND ($2::text IS NULL OR id < $2)
         ORDER BY id DESC LIMIT $3`,
        [tenantId, page.after ?? null, page.first + 1],
      );
      return toPage(rows.map(toProvider), page.first);
    },

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

    async delete(tenantId: string, id: string): Promise<boolean> {
      const rows = await db.query<{ id: string }>(
        'DELETE FROM providers WHERE tenant_id = $1 AND id = $2 RETURNING id',
        [tenantId, id],
      );
      return rows.length > 0;
    },
  };
}
