import { describe, expect, it } from 'vitest';
import type { NewMcpServer } from '../../../ports/store.ts';
import type { ContractContext } from './context.ts';
import { fixtures } from './context.ts';

export function describeMcpServers(ctx: ContractContext): void {
  const make = fixtures(ctx);
  const server = (overrides: Partial<NewMcpServer> = {}) =>
    ctx.store.mcpServers.create({
      tenantId: ctx.tenant,
      name: 'files',
      transport: 'stdio',
      command: 'node',
      args: ['server.js', '--flag'],
      env: { LEVEL: 'debug' },
      url: null,
      headers: {},
      allowedTools: ['read'],
      tags: ['fs', 'local'],
      ...overrides,
    });

  describe('mcp servers', () => {
    it('creates a server and reads back every field', async () => {
      const created = await server();
      expect(created).toMatchObject({
        tenantId: ctx.tenant,
        name: 'files',
        transport: 'stdio',
        command: 'node',
        args: ['server.js', '--flag'],
        env: { LEVEL: 'debug' },
        url: null,
        headers: {},
        allowedTools: ['read'],
        tags: ['fs', 'local'],
      });
      expect(await ctx.store.mcpServers.getMany(ctx.tenant, [created.id, 'missing'])).toEqual([
        created,
        null,
      ]);
    });

    it('lists newest first, updates present fields only, and deletes', async () => {
      const first = await server({ name: 'one' });
      const second = await server({
        name: 'two',
        transport: 'http',
        command: null,
        args: [],
        url: 'http://127.0.0.1:1/mcp',
        headers: { 'x-key': 'k' },
      });
      const page = await ctx.store.mcpServers.list(ctx.tenant, { first: 10 });
      expect(page.items.map((s) => s.name)).toEqual(['two', 'one']);

      const updated = await ctx.store.mcpServers.update(ctx.tenant, second.id, {
        tags: ['web'],
        headers: { 'x-key': 'k2' },
        allowedTools: [],
      });
      expect(updated).toMatchObject({
        name: 'two',
        url: 'http://127.0.0.1:1/mcp',
        tags: ['web'],
        headers: { 'x-key': 'k2' },
        allowedTools: [],
      });
      expect(await ctx.store.mcpServers.update(ctx.tenant, 'missing', { name: 'x' })).toBeNull();
      expect(await ctx.store.mcpServers.delete(ctx.tenant, first.id)).toBe(true);
      expect(await ctx.store.mcpServers.delete(ctx.tenant, first.id)).toBe(false);
    });

    it('finds servers by any of the tags, oldest first, only the tenant’s', async () => {
      const a = await server({ name: 'a', tags: ['x'] });
      const b = await server({ name: 'b', tags: ['y', 'z'] });
      await server({ name: 'c', tags: ['w'] });
      await ctx.store.mcpServers.create({
        tenantId: ctx.other,
        name: 'other',
        transport: 'sse',
        command: null,
        args: [],
        env: {},
        url: 'http://127.0.0.1:1/sse',
        headers: {},
        allowedTools: [],
        tags: ['x'],
      });
      const found = await ctx.store.mcpServers.listByTags(ctx.tenant, ['x', 'z']);
      expect(found.map((s) => s.id)).toEqual([a.id, b.id]);
      expect(await ctx.store.mcpServers.listByTags(ctx.tenant, [])).toEqual([]);
      expect(await ctx.store.mcpServers.getMany(ctx.other, [a.id])).toEqual([null]);
    });

    it('stores an agent’s servers by id and tag', async () => {
      const agent = await make.agent({ name: 'Tools' });
      expect(agent).toMatchObject({ mcpServerIds: [], mcpServerTags: [] });
      const updated = await ctx.store.agents.update(ctx.tenant, agent.id, {
        mcpServerIds: ['s1', 's2'],
        mcpServerTags: ['fs'],
      });
      expect(updated).toMatchObject({ mcpServerIds: ['s1', 's2'], mcpServerTags: ['fs'] });
      const [read] = await ctx.store.agents.getMany(ctx.tenant, [agent.id]);
      expect(read).toMatchObject({ mcpServerIds: ['s1', 's2'], mcpServerTags: ['fs'] });
    });
  });
}
