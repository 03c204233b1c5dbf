import { describe, expect, it } from 'vitest';
import { generateToken, hashToken, tokenPrefix } from '../../../domain/api-tokens.ts';
import type { NewApiToken } from '../../../ports/store.ts';
import type { ContractContext } from './context.ts';

export function describeTokens(ctx: ContractContext): void {
  const newToken = (tenantId = ctx.tenant, name = 'ci'): NewApiToken & { secret: string } => {
    const secret = generateToken();
    return { tenantId, name, hash: hashToken(secret), prefix: tokenPrefix(secret), secret };
  };

  describe('tokens', () => {
    it('stores a token by its hash and finds it by that hash only', async () => {
      const input = newToken();

      const { token, created } = await ctx.store.tokens.create(input);

      expect(created).toBe(true);
      expect(token).toEqual({
        id: expect.any(String),
        tenantId: ctx.tenant,
        name: 'ci',
        prefix: input.prefix,
        createdAt: expect.any(Date),
        lastUsedAt: null,
        revokedAt: null,
      });
      expect(JSON.stringify(token)).not.toContain(input.secret);
      expect(JSON.stringify(token)).not.toContain(input.hash);
      expect(await ctx.store.tokens.findByHash(input.hash)).toEqual(token);
      expect(await ctx.store.tokens.findByHash(hashToken(generateToken()))).toBeNull();
    });

    it('returns the stored token when the same hash is created again, also concurrently', async () => {
      const input = newToken();

      const results = await Promise.all([
        ctx.store.tokens.create(input),
        ctx.store.tokens.create({ ...input, name: 'again' }),
        ctx.store.tokens.create({ ...input, tenantId: ctx.other }),
      ]);

      expect(results.filter((r) => r.created)).toHaveLength(1);
      const stored = results.find((r) => r.created)!.token;
      for (const result of results) expect(result.token).toEqual(stored);
      const all = [
        ...(await ctx.store.tokens.list({ tenantId: ctx.tenant })),
        ...(await ctx.store.tokens.list({ tenantId: ctx.other })),
      ];
      expect(all).toHaveLength(1);
    });

    it("lists a tenant's tokens oldest first, and every tenant's without a filter", async () => {
      const first = (await ctx.store.tokens.create(newToken(ctx.tenant, 'first'))).token;
      const second = (await ctx.store.tokens.create(newToken(ctx.tenant, 'second'))).token;
      const theirs = (await ctx.store.tokens.create(newToken(ctx.other, 'theirs'))).token;

      expect(await ctx.store.tokens.list({ tenantId: ctx.tenant })).toEqual([first, second]);
      expect(await ctx.store.tokens.list({ tenantId: ctx.other })).toEqual([theirs]);
      const all = await ctx.store.tokens.list();
      expect(all).toEqual(expect.arrayContaining([first, second, theirs]));
      const ids = all.map((t) => t.id);
      expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id));
    });

    it('revokes a token once, keeps it listed, and counts only active tokens', async () => {
      const before = await ctx.store.tokens.countActive();
      const input = newToken();
      const { token } = await ctx.store.tokens.create(input);
      expect(await ctx.store.tokens.countActive()).toBe(before + 1);

      const at = new Date('2030-01-01T00:00:00.000Z');
      const revoked = await ctx.store.tokens.revoke(token.id, at);
      const again = await ctx.store.tokens.revoke(token.id, new Date('2031-01-01T00:00:00.000Z'));

      expect(revoked).toEqual({ ...token, revokedAt: at });
      expect(again).toEqual(revoked);
      expect(await ctx.store.tokens.findByHash(input.hash)).toEqual(revoked);
      expect(await ctx.store.tokens.list({ tenantId: ctx.tenant })).toEqual([revoked]);
      expect(await ctx.store.tokens.countActive()).toBe(before);
      expect(await ctx.store.tokens.revoke('no-such-token', at)).toBeNull();
    });

    it('records the last use and never moves it backwards', async () => {
      const input = newToken();
      const { token } = await ctx.store.tokens.create(input);
      const later = new Date('2030-01-02T00:00:00.000Z');
      const earlier = new Date('2030-01-01T00:00:00.000Z');

      await ctx.store.tokens.touch(token.id, later);
      await ctx.store.tokens.touch(token.id, earlier);

      expect((await ctx.store.tokens.findByHash(input.hash))?.lastUsedAt).toEqual(later);
      await expect(ctx.store.tokens.touch('no-such-token', later)).resolves.toBeUndefined();
    });
  });
}
