import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteStore } from '../adapters/store/sql/pglite-store.ts';
import { newId } from '../ids.ts';
import type { Store } from '../ports/store.ts';
import { rotateSecrets } from './rotate.ts';
import { createSecretCipher, secretContext } from './secret-cipher.ts';
import { createSecretResolver } from './secret-resolver.ts';

let store: Store;
beforeAll(async () => {
  store = createPgliteStore();
  await store.init();
});
afterAll(async () => {
  await store.close();
});

describe('rotating the secrets key', () => {
  it('re-seals every secret under the new key; the old key opens them until then', async () => {
    const k1 = { id: 'k1', key: randomBytes(32) };
    const k2 = { id: 'k2', key: randomBytes(32) };
    const tenants = [`a-${newId()}`, `b-${newId()}`];
    const old = createSecretCipher([k1]);
    for (const tenantId of tenants) {
      await store.secrets.create({
        tenantId,
        name: 'TOKEN',
        description: null,
        maskedSuffix: null,
        sealed: old.seal(`value of ${tenantId}`, secretContext(tenantId, 'TOKEN')),
      });
    }
    const both = createSecretCipher([k2, k1]);
    // Before rotation, the old key still opens them.
    const [first] = tenants;
    expect(await createSecretResolver(store.secrets, both).resolve(first!, ['TOKEN'])).toEqual(
      new Map([['TOKEN', `value of ${first}`]]),
    );

    const report = await rotateSecrets(store.secrets, both);

    expect(report.resealed).toBeGreaterThanOrEqual(2);
    expect(await rotateSecrets(store.secrets, both)).toEqual({ resealed: 0, skipped: 0 });
    // k1 can now be retired.
    const onlyNew = createSecretResolver(store.secrets, createSecretCipher([k2]));
    for (const tenantId of tenants) {
      expect((await onlyNew.resolve(tenantId, ['TOKEN'])).get('TOKEN')).toBe(
        `value of ${tenantId}`,
      );
      const [stored] = await store.secrets.getByNames(tenantId, ['TOKEN']);
      expect(stored?.sealed.keyId).toBe('k2');
    }
  });

  it('fails a resolve clearly when the key that sealed a value is gone', async () => {
    const tenantId = `c-${newId()}`;
    const lost = createSecretCipher([{ id: 'lost', key: randomBytes(32) }]);
    await store.secrets.create({
      tenantId,
      name: 'ORPHAN',
      description: null,
      maskedSuffix: null,
      sealed: lost.seal('orphaned value', secretContext(tenantId, 'ORPHAN')),
    });
    const resolver = createSecretResolver(
      store.secrets,
      createSecretCipher([{ id: 'other', key: randomBytes(32) }]),
    );
    await expect(resolver.resolve(tenantId, ['ORPHAN'])).rejects.toMatchObject({
      code: 'SECRET_UNREADABLE',
    });
    await expect(
      createSecretResolver(store.secrets, null).resolve(tenantId, ['ORPHAN']),
    ).rejects.toMatchObject({
      code: 'SECRETS_UNAVAILABLE',
    });
  });
});
