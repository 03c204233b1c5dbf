import type { Secret } from '../../../domain/types.ts';
import { newId } from '../../../ids.ts';
import type { NewSecret, SecretPatch, SecretStore } from '../../../ports/store.ts';
import { inKeyOrder } from '../store-helpers.ts';
import { type SecretRow, toSecret } from './rows.ts';
import type { SqlExecutor } from './sql-driver.ts';
import { tenantTable } from './tenant-table.ts';

/** Secrets in the `secrets` table; values arrive sealed and are stored as they came. */
export function createSqlSecretStore(db: SqlExecutor): SecretStore {
  const table = tenantTable<SecretRow, Secret>(db, 'secrets', toSecret);
  return {
    async create(input: NewSecret): Promise<Secret | null> {
      const now = new Date();
      const [row] = await db.query<SecretRow>(
        `INSERT INTO secrets (tenant_id, id, created_at, updated_at, name, description,
           masked_suffix, key_id, iv, auth_tag, ciphertext)
         VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (tenant_id, name) DO NOTHING
         RETURNING *`,
        [
          input.tenantId,
          newId(),
          now,
          input.name,
          input.description,
          input.maskedSuffix,
          input.sealed.keyId,
          input.sealed.iv,
          input.sealed.authTag,
          input.sealed.ciphertext,
        ],
      );
      return row ? toSecret(row) : null;
    },

    getMany: table.getMany,

    async getByNames(tenantId: string, names: readonly string[]): Promise<(Secret | null)[]> {
      if (names.length === 0) return [];
      const rows = await db.query<SecretRow>(
        'SELECT * FROM secrets WHERE tenant_id = $1 AND name = ANY($2::text[])',
        [tenantId, names],
      );
      return inKeyOrder(names, rows.map(toSecret), (secret) => secret.name);
    },

    list: table.list,

    async update(tenantId: string, id: string, patch: SecretPatch): Promise<Secret | null> {
      const params: unknown[] = [tenantId, id, new Date()];
      const sets = ['updated_at = $3'];
      const set = (column: string, value: unknown) => {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      };
      if (patch.description !== undefined) set('description', patch.description);
      if (patch.value) {
        set('masked_suffix', patch.value.maskedSuffix);
        set('key_id', patch.value.sealed.keyId);
        set('iv', patch.value.sealed.iv);
        set('auth_tag', patch.value.sealed.authTag);
        set('ciphertext', patch.value.sealed.ciphertext);
      }
      const [row] = await db.query<SecretRow>(
        `UPDATE secrets SET ${sets.join(', ')} WHERE tenant_id = $1 AND id = $2 RETURNING *`,
        params,
      );
      return row ? toSecret(row) : null;
    },

    delete: (tenantId: string, id: string) => table.delete(tenantId, id),

    async listSealedWithout(keyId: string, after: string | null, limit: number) {
      const rows = await db.query<SecretRow>(
        `SELECT * FROM secrets WHERE key_id <> $1 AND ($2::text IS NULL OR id > $2)
         ORDER BY id LIMIT $3`,
        [keyId, after, limit],
      );
      return rows.map(toSecret);
    },

    async reseal(tenantId, id, previousIv, sealed): Promise<boolean> {
      const rows = await db.query<{ id: string }>(
        `UPDATE secrets SET key_id = $4, iv = $5, auth_tag = $6, ciphertext = $7
         WHERE tenant_id = $1 AND id = $2 AND iv = $3 RETURNING id`,
        [tenantId, id, previousIv, sealed.keyId, sealed.iv, sealed.authTag, sealed.ciphertext],
      );
      return rows.length > 0;
    },
  };
}
