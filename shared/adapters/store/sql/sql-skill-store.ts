import type { Skill } from '../../../domain/types.ts';
import { newId } from '../../../ids.ts';
import type { NewSkill, SkillPatch, SkillStore } from '../../../ports/store.ts';
import { type SkillRow, toSkill } from './rows.ts';
import type { SqlDriver } from './sql-driver.ts';
import { tenantTable } from './tenant-table.ts';

/** Patch fields, the columns they write and the cast of their parameter. */
const PATCH_COLUMNS = {
  name: ['name', ''],
  description: ['description', ''],
  instructions: ['instructions', ''],
  tags: ['tags', '::text[]'],
} as const satisfies Record<keyof SkillPatch, readonly [string, string]>;

/** Skills in the `skills` table. */
export function createSqlSkillStore(db: SqlDriver): SkillStore {
  const table = tenantTable<SkillRow, Skill>(db, 'skills', toSkill);
  return {
    async create(input: NewSkill): Promise<Skill> {
      const [row] = await db.query<SkillRow>(
        `INSERT INTO skills (tenant_id, id, created_at, updated_at, name, description, instructions, tags)
         VALUES ($1, $2, $3, $3, $4, $5, $6, $7::text[]) RETURNING *`,
        [
          input.tenantId,
          newId(),
          new Date(),
          input.name,
          input.description,
          input.instructions,
          input.tags,
        ],
      );
      return toSkill(row!);
    },

    getMany: table.getMany,

    list: table.list,

    async listByTags(tenantId: string, tags: readonly string[]): Promise<Skill[]> {
      if (tags.length === 0) return [];
      const rows = await db.query<SkillRow>(
        'SELECT * FROM skills WHERE tenant_id = $1 AND tags && $2::text[] ORDER BY id',
        [tenantId, tags],
      );
      return rows.map(toSkill);
    },

    async update(tenantId: string, id: string, patch: SkillPatch): Promise<Skill | null> {
      const params: unknown[] = [tenantId, id, new Date()];
      const sets = ['updated_at = $3'];
      for (const [field, [column, cast]] of Object.entries(PATCH_COLUMNS)) {
        const value = patch[field as keyof SkillPatch];
        if (value === undefined) continue;
        params.push(value);
        sets.push(`${column} = $${params.length}${cast}`);
      }
      const [row] = await db.query<SkillRow>(
        `UPDATE skills SET ${sets.join(', ')} WHERE tenant_id = $1 AND id = $2 RETURNING *`,
        params,
      );
      return row ? toSkill(row) : null;
    },

    async delete(tenantId: string, id: string): Promise<boolean> {
      // One transaction: no reader sees the skill gone while agents or workflows still name it.
      return db.transaction(async (tx) => {
        if (!(await table.delete(tenantId, id, tx))) return false;
        await tx.query(
          `UPDATE agents SET skill_ids = array_remove(skill_ids, $2)
           WHERE tenant_id = $1 AND $2 = ANY(skill_ids)`,
          [tenantId, id],
        );
        await tx.query(
          `UPDATE workflows SET skill_ids = array_remove(skill_ids, $2)
           WHERE tenant_id = $1 AND $2 = ANY(skill_ids)`,
          [tenantId, id],
        );
        return true;
      });
    },
  };
}
