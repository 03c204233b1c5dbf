import type { ApiToken } from '../../../domain/api-tokens.ts';
import { newId } from '../../../ids.ts';
import type { CreateTokenResult, NewApiToken, TokenStore } from '../../../ports/store.ts';
import type { SqlExecutor } from './sql-driver.ts';

type Timestamp = Date | string;

interface TokenRow {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/** Every column but the hash, which never leaves the store. */
const COLUMNS = 'id, tenant_id, name, prefix, created_at, last_used_at, revoked_at';

const toDate = (value: Timestamp) => (value instanceof Date ? value : new Date(value));

function toToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    prefix: row.prefix,
    createdAt: toDate(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : toDate(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : toDate(row.revoked_at),
  };
}

/** API tokens in the `api_tokens` table, unique by `token_hash`. */
export function createSqlTokenStore(db: SqlExecutor): TokenStore {
  async function findByHash(hash: string): Promise<ApiToken | null> {
    const [row] = await db.query<TokenRow>(
      `SELECT ${COLUMNS} FROM api_tokens WHERE token_hash = $1`,
      [hash],
    );
    return row ? toToken(row) : null;
  }

  return {
    async create(input: NewApiToken): Promise<CreateTokenResult> {
      // ON CONFLICT DO NOTHING: racing inserts of one bootstrap token from several processes
      // store it once; the losers read the winner's row.
      const [row] = await db.query<TokenRow>(
        `INSERT INTO api_tokens (id, tenant_id, name, token_hash, prefix, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (token_hash) DO NOTHING
         RETURNING ${COLUMNS}`,
        [newId(), input.tenantId, input.name, input.hash, input.prefix, new Date()],
      );
      if (row) return { token: toToken(row), created: true };
      const existing = await findByHash(input.hash);
      if (!existing) throw new Error('The token was refused as a duplicate but is not stored.');
      return { token: existing, created: false };
    },

    findByHash,

    async list(filter = {}): Promise<ApiToken[]> {
      const rows =
        filter.tenantId === undefined
          ? await db.query<TokenRow>(`SELECT ${COLUMNS} FROM api_tokens ORDER BY id`)
          : await db.query<TokenRow>(
              `SELECT ${COLUMNS} FROM api_tokens WHERE tenant_id = $1 ORDER BY id`,
              [filter.tenantId],
            );
      return rows.map(toToken);
    },

    async revoke(id: string, at: Date): Promise<ApiToken | null> {
      const [row] = await db.query<TokenRow>(
        `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1
         RETURNING ${COLUMNS}`,
        [id, at],
      );
      return row ? toToken(row) : null;
    },

    async touch(id: string, at: Date): Promise<void> {
      await db.query(
        `UPDATE api_tokens SET last_used_at = $2
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)`,
        [id, at],
      );
    },

    async countActive(): Promise<number> {
      const [row] = await db.query<{ count: number | string }>(
        'SELECT count(*) AS count FROM api_tokens WHERE revoked_at IS NULL',
      );
      return Number(row?.count ?? 0);
    },
  };
}
