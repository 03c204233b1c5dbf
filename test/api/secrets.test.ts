import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.ts';

/** The secrets API: values go in, never come out (names and a masked suffix only). */

let t: TestApp;
const VALUE = 'sk-test-value-that-must-stay-hidden-1234';
/** Every response of this file, to prove the value never appears in one. */
const seen: string[] = [];

async function gql(query: string, variables: Record<string, unknown> = {}) {
  const result = await t.gql<Record<string, unknown>>(query, variables);
  seen.push(JSON.stringify(result));
  return result;
}

const create = (input: Record<string, unknown>) =>
  gql(
    `mutation ($input: CreateSecretInput!) { createSecret(input: $input) { id name description maskedValue createdAt updatedAt } }`,
    { input },
  );

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
  for (const response of seen) expect(response).not.toContain(VALUE);
});

describe('secrets', () => {
  it('stores a secret and shows only its name and the last 4 characters', async () => {
    const created = await create({ name: 'OPENAI_KEY', value: VALUE, description: 'BYOK' });
    const secret = created.data?.createSecret as Record<string, string>;
    expect(secret).toMatchObject({
      name: 'OPENAI_KEY',
      description: 'BYOK',
      maskedValue: '********1234',
    });
    const read = await gql(
      `query ($id: ID!) { secret(id: $id) { id name description maskedValue createdAt updatedAt } }`,
      {
        id: secret.id,
      },
    );
    expect(read.data?.secret).toEqual(secret);
    const list = await gql(`{ secrets(first: 50) { edges { node { name maskedValue } } } }`);
    expect(JSON.stringify(list.data)).toContain('OPENAI_KEY');
  });

  it('masks short values entirely', async () => {
    const created = await create({ name: 'PIN', value: 'short-pin' });
    expect(created.data?.createSecret).toMatchObject({ maskedValue: '********' });
  });

  it('replaces the value and description, and deletes', async () => {
    const { createSecret } = (await create({ name: 'ROTATING', value: 'first-value-0000' }))
      .data as { createSecret: { id: string; updatedAt: string } };
    const updated = await gql(
      `mutation ($id: ID!, $input: UpdateSecretInput!) { updateSecret(id: $id, input: $input) { id name description maskedValue createdAt updatedAt } }`,
      { id: createSecret.id, input: { value: `${VALUE}-next-9999`, description: 'rotated' } },
    );
    expect(updated.data?.updateSecret).toMatchObject({
      name: 'ROTATING',
      description: 'rotated',
      maskedValue: '********9999',
    });
    const deleted = await gql('mutation ($id: ID!) { deleteSecret(id: $id) }', {
      id: createSecret.id,
    });
    expect(deleted.data?.deleteSecret).toBe(createSecret.id);
    const again = await gql('mutation ($id: ID!) { deleteSecret(id: $id) }', {
      id: createSecret.id,
    });
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses a name already taken (CONFLICT) and a malformed name (BAD_USER_INPUT)', async () => {
    await create({ name: 'TAKEN', value: VALUE });
    const duplicate = await create({ name: 'TAKEN', value: VALUE });
    expect(duplicate.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    for (const name of ['1STARTS_WITH_DIGIT', 'has-dash', 'x'.repeat(129), '']) {
      const bad = await create({ name, value: VALUE });
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('refuses an empty or too large value without echoing it', async () => {
    const empty = await create({ name: 'EMPTY', value: '' });
    expect(empty.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const huge = `${VALUE}${'x'.repeat(70_000)}`;
    const big = await create({ name: 'HUGE', value: huge });
    expect(big.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(big.errors?.[0]?.message).toMatch(/limit is 65536/);
  });

  it('answers FORBIDDEN where the deployment has no secrets key', async () => {
    const keyless = await createTestApp({ secretKeys: null, worker: false });
    try {
      const result = await keyless.gql(
        'mutation ($input: CreateSecretInput!) { createSecret(input: $input) { id } }',
        { input: { name: 'NOPE', value: VALUE } },
      );
      seen.push(JSON.stringify(result));
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(result.errors?.[0]?.message).toContain('SECRETS_KEYS');
    } finally {
      await keyless.close();
    }
  });
});
