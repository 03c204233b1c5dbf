import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteStore } from '../shared/adapters/store/sql/pglite-store.ts';
import { hashToken, isPlausibleToken } from '../shared/domain/api-tokens.ts';
import type { Store } from '../shared/ports/store.ts';
import { runTokenCommand } from './token-commands.ts';

let store: Store;
beforeAll(async () => {
  store = createPgliteStore();
  await store.init();
});
afterAll(async () => {
  await store.close();
});

/** Runs a command against the shared store; what it wrote, split by stream. */
async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  let opened = 0;
  const code = await runTokenCommand(
    argv,
    { out: (line) => out.push(line), err: (line) => err.push(line) },
    async () => {
      opened++;
      return { tokens: store.tokens, close: async () => {} };
    },
  );
  return { code, out, err: err.join('\n'), opened };
}

describe('npm run token', () => {
  it('creates a token, prints it once on stdout and stores only its hash', async () => {
    const { code, out, err } = await run('create', '--tenant', 'acme', '--name', 'ci');

    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    const secret = out[0]!;
    expect(isPlausibleToken(secret)).toBe(true);
    expect(secret).toMatch(/^agt_[A-Za-z0-9_-]{43}$/);
    expect(err).toMatch(/shown once/);
    expect(err).not.toContain(secret);
    const stored = await store.tokens.findByHash(hashToken(secret));
    expect(stored).toMatchObject({ tenantId: 'acme', name: 'ci', revokedAt: null });
  });

  it('lists tokens with name, tenant, creation and last use, never the secret', async () => {
    const { out: created } = await run('create', '--tenant', 'listed', '--name', 'deploy bot');
    const { code, out } = await run('list', '--tenant', 'listed');

    expect(code).toBe(0);
    expect(out[0]).toMatch(/^ID +TENANT +NAME +PREFIX +CREATED +LAST USED +REVOKED$/);
    expect(out).toHaveLength(2);
    expect(out[1]).toMatch(/ listed +deploy bot +agt_\S{8}… +\d{4}-\d\d-\d\dT\S+Z +- +-$/);
    expect(out.join('\n')).not.toContain(created[0]);
    expect((await run('list')).out.length).toBeGreaterThanOrEqual(3);
  });

  it('revokes a token by id', async () => {
    const { out } = await run('create', '--tenant', 'revoked', '--name', 'old');
    const token = await store.tokens.findByHash(hashToken(out[0]!));

    const { code, err } = await run('revoke', token!.id);

    expect(code).toBe(0);
    expect(err).toMatch(/Revoked token/);
    expect((await store.tokens.findByHash(hashToken(out[0]!)))?.revokedAt).toBeInstanceOf(Date);
    expect((await run('list', '--tenant', 'revoked')).out[1]).toMatch(/Z$/);
    expect((await run('revoke', 'no-such-id')).code).toBe(1);
  });

  it('generates a token for AGENTGATE_BOOTSTRAP_TOKEN without opening the store', async () => {
    const { code, out, opened } = await run('generate');
    expect(code).toBe(0);
    expect(isPlausibleToken(out[0]!)).toBe(true);
    expect(opened).toBe(0);
  });

  it.each([
    [[]],
    [['create', '--name', 'no tenant']],
    [['create', '--tenant', 'no name']],
    [['create', '--tenant', 'bad tenant!', '--name', 'x']],
    [['create', '--tenant', 'acme', '--name', 'x', '--bogus']],
    [['revoke']],
    [['frobnicate']],
  ])('answers a usage error %j with the usage and exit code 2', async (argv) => {
    const { code, err, out } = await run(...argv);
    expect(code).toBe(2);
    expect(err).toContain('Usage: npm run token');
    expect(out).toEqual([]);
  });
});
