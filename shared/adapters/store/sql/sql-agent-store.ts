import type { Agent } from '../../../domain/types.ts';
import { newId } from '../../../ids.ts';
import type { AgentPatch, AgentStore, NewAgent } from '../../../ports/store.ts';
import { type AgentRow, toAgent } from './rows.ts';
import type { SqlExecutor } from './sql-driver.ts';
import { tenantTable } from './tenant-table.ts';

/** Patch fields and the columns they write. */
const PATCH_COLUMNS = {
  name: 'name',
  systemPrompt: 'system_prompt',
  model: 'model',
  description: 'description',
  mcpServerIds: 'mcp_server_ids',
  mcpServerTags: 'mcp_server_tags',
  skillIds: 'skill_ids',
  skillTags: 'skill_tags',
  contextBudget: 'context_budget',
} as const satisfies Record<keyof AgentPatch, string>;

/** Agents in the `agents` table. */
export function createSqlAgentStore(db: SqlExecutor): AgentStore {
  const table = tenantTable<AgentRow, Agent>(db, 'agents', toAgent);
  return {
    async create(input: NewAgent): Promise<Agent> {
      const now = new Date();
      const [row] = await db.query<AgentRow>(
        `INSERT INTO agents (tenant_id, id, created_at, updated_at, name, system_prompt, model, description,
           mcp_server_ids, mcp_server_tags, skill_ids, skill_tags, context_budget)
         VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8::text[], $9::text[], $10::text[], $11::text[], $12)
         RETURNING *`,
        [
          input.tenantId,
          newId(),
          now,
          input.name,
          input.systemPrompt,
          input.model,
          input.description,
          input.mcpServerIds ?? [],
          input.mcpServerTags ?? [],
          input.skillIds ?? [],
          input.skillTags ?? [],
          input.contextBudget ?? null,
        ],
      );
      return toAgent(row!);
    },

    getMany: table.getMany,

    list: table.list,

    async update(tenantId: string, id: string, patch: AgentPatch): Promise<Agent | null> {
      const params: unknown[] = [tenantId, id, new Date()];
      const sets = ['updated_at = $3'];
      for (const [field, column] of Object.entries(PATCH_COLUMNS)) {
        const value = patch[field as keyof AgentPatch];
        if (value === undefined) continue;
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      }
      const [row] = await db.query<AgentRow>(
        `UPDATE agents SET ${sets.join(', ')} WHERE tenant_id = $1 AND id = $2 RETURNING *`,
        params,
      );
      return row ? toAgent(row) : null;
    },

    delete: (tenantId: string, id: string) => table.delete(tenantId, id),
  };
}
