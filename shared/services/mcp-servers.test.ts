import { describe, expect, it } from 'vitest';
import { createPgliteStore } from '../adapters/store/sql/pglite-store.ts';
import { parseConfig } from '../config.ts';
import { BadUserInputError } from '../errors.ts';
import { createMcpServerService } from './mcp-servers.ts';

const viewer = { tenantId: 'tenant-stdio' };

describe('stdio MCP servers', () => {
  it('are left to the single-user local check unless MCP_ALLOW_STDIO says true or false', () => {
    expect(parseConfig({}, 'embedded').mcp.stdio).toBe('local');
    const distributed = { REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://h/db' };
    expect(parseConfig(distributed, 'worker').mcp.stdio).toBe('local');
    expect(parseConfig({ ...distributed, MCP_ALLOW_STDIO: 'true' }, 'worker').mcp.stdio).toBe('on');
    expect(parseConfig({ MCP_ALLOW_STDIO: 'false' }, 'embedded').mcp.stdio).toBe('off');
    // Only the embedded setup on loopback may ever count as one local user.
    expect(parseConfig(distributed, 'worker').auth.allowAnonymous).toBe(false);
    expect(parseConfig({ HOST: '0.0.0.0' }, 'embedded').auth.allowAnonymous).toBe(false);
  });

  it('are refused with BAD_USER_INPUT when switched off, and nothing is stored', async () => {
    const store = createPgliteStore();
    await store.init();
    try {
      const service = createMcpServerService({ store, mcpStdioAllowed: async () => false });
      const attempt = service.create(viewer, { name: 'shell', transport: 'stdio', command: 'sh' });
      await expect(attempt).rejects.toBeInstanceOf(BadUserInputError);
      await expect(attempt).rejects.toThrow(/MCP_ALLOW_STDIO/);
      const http = await service.create(viewer, {
        name: 'web',
        transport: 'http',
        url: 'http://127.0.0.1:9/mcp',
      });
      await expect(
        service.update(viewer, http.id, { transport: 'stdio', command: 'sh' }),
      ).rejects.toBeInstanceOf(BadUserInputError);
      const listed = await service.list(viewer, { first: 10 });
      expect(listed.items.map((s) => s.transport)).toEqual(['http']);
    } finally {
      await store.close();
    }
  });
});
