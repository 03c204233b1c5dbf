import type { Page, PageArgs } from '../../../ports/pagination.ts';
import { inKeyOrder, toPage } from '../store-helpers.ts';
import { assertIdentifier, type SqlExecutor } from './sql-driver.ts';

/**
 * The reads and the delete every tenant-scoped record table (`tenant_id`, `id`, newest id first)
 * answers the same way: a store spreads these into its own and adds what is particular to it.
 */
export function tenantTable<Row, T extends { id: string }>(
  db: SqlExecutor,
  table: string,
  toRecord: (row: Row) => T,
) {
  assertIdentifier(table, 'table');
  return {
    /** One entry per id, in the order asked, null where the tenant has none. */
    async getMany(tenantId: string, ids: readonly string[]): Promise<(T | null)[]> {
      if (ids.length === 0) return [];
      const rows = await db.query<Row>(
        `SELECT * FROM ${table} WHERE tenant_id = $1 AND id = ANY($2::text[])`,
        [tenantId, ids],
      );
      return inKeyOrder(ids, rows.map(toRecord), (record) => record.id);
    },

    /** Newest first. `after` is an id. */
    async list(tenantId: string, page: PageArgs): Promise<Page<T>> {
      const rows = await db.query<Row>(
        `SELECT * FROM ${table} WHERE tenant_id = $1 AND ($2::text IS NULL OR id < $2)
         ORDER BY id DESC LIMIT $3`,
        [tenantId, page.after ?? null, page.first + 1],
      );
      return toPage(rows.map(toRecord), page.first);
    },

    /** True when the record existed and is now gone; `tx` runs it inside a transaction. */
    async delete(tenantId: string, id: string, tx: SqlExecutor = db): Promise<boolean> {
      const rows = await tx.query<{ id: string }>(
        `DELETE FROM ${table} WHERE tenant_id = $1 AND id = $2 RETURNING id`,
        [tenantId, id],
      );
      return rows.length > 0;
    },
  };
}
