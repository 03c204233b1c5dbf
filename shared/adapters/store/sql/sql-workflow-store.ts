import type { Workflow } from '../../../domain/types.ts';
import { newId } from '../../../ids.ts';
import type { NewWorkflow, WorkflowStore } from '../../../ports/store.ts';
import { toWorkflow, type WorkflowRow } from './rows.ts';
import type { SqlDriver } from './sql-driver.ts';
import { tenantTable } from './tenant-table.ts';

/** Workflows in the `workflows` table; deleting one takes its runs and messages with it. */
export function createSqlWorkflowStore(db: SqlDriver): WorkflowStore {
  const table = tenantTable<WorkflowRow, Workflow>(db, 'workflows', toWorkflow);
  return {
    async create(input: NewWorkflow): Promise<Workflow> {
      const [row] = await db.query<WorkflowRow>(
        `INSERT INTO workflows
           (tenant_id, id, created_at, max_turns, agent_id, title, model, queue_timeout_ms,
            run_timeout_ms, skill_ids)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text[]) RETURNING *`,
        [
          input.tenantId,
          newId(),
          new Date(),
          input.maxTurns,
          input.agentId,
          input.title,
          input.model,
          input.queueTimeoutMs ?? null,
          input.runTimeoutMs ?? null,
          input.skillIds ?? [],
        ],
      );
      return toWorkflow(row!);
    },

    getMany: table.getMany,

    list: table.list,

    async countByAgent(tenantId: string, agentId: string): Promise<number> {
      const [row] = await db.query<{ count: number | string }>(
        'SELECT count(*) AS count FROM workflows WHERE tenant_id = $1 AND agent_id = $2',
        [tenantId, agentId],
      );
      return Number(row?.count ?? 0);
    },

    async setSkillIds(
      tenantId: string,
      id: string,
      skillIds: readonly string[],
    ): Promise<Workflow | null> {
      const [row] = await db.query<WorkflowRow>(
        'UPDATE workflows SET skill_ids = $3::text[] WHERE tenant_id = $1 AND id = $2 RETURNING *',
        [tenantId, id, skillIds],
      );
      return row ? toWorkflow(row) : null;
    },

    async delete(tenantId: string, id: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        // The workflow row goes first: its row lock makes a concurrent append wait and then find
        // no workflow, so no message can slip in after the messages are deleted.
        if (!(await table.delete(tenantId, id, tx))) return false;
        await tx.query('DELETE FROM runs WHERE tenant_id = $1 AND workflow_id = $2', [
          tenantId,
          id,
        ]);
        await tx.query('DELETE FROM messages WHERE tenant_id = $1 AND workflow_id = $2', [
          tenantId,
          id,
        ]);
        return true;
      });
    },
  };
}
