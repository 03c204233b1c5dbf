import { describe, expect, it } from 'vitest';
import type { NewProvider } from '../../../ports/store.ts';
import type { ContractContext } from './context.ts';

export function describeProviders(ctx: ContractContext): void {
  const provider = (overrides: Partial<NewProvider> = {}) =>
    ctx.store.providers.create({
      tenantId: ctx.tenant,
      name: 'mine',
      type: 'openai-compatible',
      baseURL: 'http://127.0.0.1:1/v1',
      apiKeySecret: 'MY_KEY',
      headers: { 'x-org': '{{secret:ORG}}' },
      ...overrides,
    });

  describe('providers', () => {
    it('creates a provider, reads it back by id and name, and refuses a second of the name', async () => {
      const created = await provider();
      expect(created).toMatchObject({
        tenantId: ctx.tenant,
        name: 'mine',
        type: 'openai-compatible',
        baseURL: 'http://127.0.0.1:1/v1',
        apiKeySecret: 'MY_KEY',
        headers: { 'x-org': '{{secret:ORG}}' },
      });
      expect(await ctx.store.providers.getMany(ctx.tenant, [created!.id, 'missing'])).toEqual([
        created,
        null,
      ]);
      expect(await ctx.store.providers.getByName(ctx.tenant, 'mine')).toEqual(created);
      expect(await ctx.store.providers.getByName(ctx.other, 'mine')).toBeNull();
      expect(await provider({ type: 'openai' })).toBeNull();
      expect(await provider({ tenantId: ctx.other })).toMatchObject({ tenantId: ctx.other });
    });

    it('lists newest first, updates present fields only, and deletes', async () => {
      const first = await provider({ name: 'one' });
      const second = await provider({ name: 'two', type: 'anthropic', baseURL: null });
      const page = await ctx.store.providers.list(ctx.tenant, { first: 10 });
      expect(page.items.map((p) => p.name)).toEqual(['two', 'one']);
      const updated = await ctx.store.providers.update(ctx.tenant, second!.id, {
        apiKeySecret: null,
        headers: {},
      });
      expect(updated).toMatchObject({
        name: 'two',
        type: 'anthropic',
        baseURL: null,
        apiKeySecret: null,
        headers: {},
      });
      expect(
        await ctx.store.providers.update(ctx.other, second!.id, { type: 'openai' }),
      ).toBeNull();
      expect(await ctx.store.providers.delete(ctx.tenant, first!.id)).toBe(true);
      expect(await ctx.store.providers.delete(ctx.tenant, first!.id)).toBe(false);
      expect(await ctx.store.providers.getByName(ctx.tenant, 'one')).toBeNull();
    });
  });
}
