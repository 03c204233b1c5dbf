import { describe, expect, it } from 'vitest';
import type { NewSecret } from '../../../ports/store.ts';
import type { ContractContext } from './context.ts';

/** Sealed values are opaque to the store: these are placeholders of the right shape. */
const sealed = (tag: string) => ({
  keyId: 'k1',
  iv: `iv-${tag}`,
  authTag: `tag-${tag}`,
  ciphertext: `ct-${tag}`,
});

export function describeSecrets(ctx: ContractContext): void {
  const secret = (overrides: Partial<NewSecret> = {}) =>
    ctx.store.secrets.create({
      tenantId: ctx.tenant,
      name: 'API_KEY',
      description: 'the key',
      maskedSuffix: 'wxyz',
      sealed: sealed('a'),
      ...overrides,
    });

  describe('secrets', () => {
    it('creates a secret, reads it back by id and by name, and refuses a second of the name', async () => {
      const created = await secret();
      expect(created).toMatchObject({
        tenantId: ctx.tenant,
        name: 'API_KEY',
        description: 'the key',
        maskedSuffix: 'wxyz',
        sealed: sealed('a'),
      });
      expect(await ctx.store.secrets.getMany(ctx.tenant, [created!.id, 'missing'])).toEqual([
        created,
        null,
      ]);
      expect(await ctx.store.secrets.getByNames(ctx.tenant, ['NOPE', 'API_KEY'])).toEqual([
        null,
        created,
      ]);
      expect(await secret({ sealed: sealed('b') })).toBeNull();
      // Names are per tenant.
      expect(await secret({ tenantId: ctx.other })).toMatchObject({ tenantId: ctx.other });
      expect(await ctx.store.secrets.getByNames(ctx.other, ['API_KEY'])).not.toEqual([created]);
    });

    it('lists newest first, updates the value and description, and deletes', async () => {
      const first = await secret({ name: 'ONE' });
      const second = await secret({ name: 'TWO', description: null, maskedSuffix: null });
      const page = await ctx.store.secrets.list(ctx.tenant, { first: 10 });
      expect(page.items.map((s) => s.name)).toEqual(['TWO', 'ONE']);

      const described = await ctx.store.secrets.update(ctx.tenant, second!.id, {
        description: 'now described',
      });
      expect(described).toMatchObject({ description: 'now described', sealed: sealed('a') });
      const revalued = await ctx.store.secrets.update(ctx.tenant, second!.id, {
        value: { sealed: sealed('new'), maskedSuffix: '9876' },
      });
      expect(revalued).toMatchObject({
        description: 'now described',
        sealed: sealed('new'),
        maskedSuffix: '9876',
      });
      expect(
        await ctx.store.secrets.update(ctx.other, second!.id, { description: 'x' }),
      ).toBeNull();
      expect(await ctx.store.secrets.delete(ctx.other, first!.id)).toBe(false);
      expect(await ctx.store.secrets.delete(ctx.tenant, first!.id)).toBe(true);
      expect(await ctx.store.secrets.delete(ctx.tenant, first!.id)).toBe(false);
    });

    it('lists secrets of every tenant sealed with another key and re-seals them only once', async () => {
      const keyId = `rotation-${ctx.tenant}`;
      const old = await secret({ name: 'OLD' });
      const current = await secret({ name: 'CURRENT', sealed: { ...sealed('c'), keyId } });
      const elsewhere = await secret({ tenantId: ctx.other, name: 'OLD' });
      const pending: string[] = [];
      let after: string | null = null;
      for (;;) {
        const batch = await ctx.store.secrets.listSealedWithout(keyId, after, 50);
        if (batch.length === 0) break;
        pending.push(...batch.map((s) => s.id));
        after = batch.at(-1)!.id;
      }
      expect(pending).toEqual(expect.arrayContaining([old!.id, elsewhere!.id]));
      expect(pending).not.toContain(current!.id);

      const next = { ...sealed('rotated'), keyId };
      expect(await ctx.store.secrets.reseal(ctx.tenant, old!.id, old!.sealed.iv, next)).toBe(true);
      // The value changed meanwhile (another IV): a second re-seal from the old one is refused.
      expect(await ctx.store.secrets.reseal(ctx.tenant, old!.id, old!.sealed.iv, next)).toBe(false);
      const [read] = await ctx.store.secrets.getMany(ctx.tenant, [old!.id]);
      expect(read).toMatchObject({ sealed: next, name: 'OLD', maskedSuffix: 'wxyz' });
    });
  });
}
