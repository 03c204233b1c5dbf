import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteStore } from '../shared/adapters/store/sql/pglite-store.ts';
import { type Config, parseConfig } from '../shared/config.ts';
import { generateToken, hashToken, tokenPrefix } from '../shared/domain/api-tokens.ts';
import { DEFAULT_TENANT_ID } from '../shared/domain/types.ts';
import { newId } from '../shared/ids.ts';
import { createSilentLogger } from '../shared/logger.ts';
import type { Store, TokenStore } from '../shared/ports/store.ts';
import {
  AuthSetupError,
  createLocalAuthenticator,
  createTokenAuthenticator,
  prepareAuth,
} from './auth.ts';

const logger = createSilentLogger();
const request = (url: string, token?: string) =>
  new Request(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });

/** A fresh, empty store per test: whether any token exists is what is under test. */
async function emptyStore(): Promise<Store> {
  const store = createPgliteStore();
  await store.init();
  return store;
}

function config(env: Record<string, string>, role: Config['role'] = 'embedded') {
  return parseConfig(
    role === 'embedded'
      ? env
      : { REDIS_URL: 'redis://r:6379', DATABASE_URL: 'postgres://h/d', ...env },
    role,
  );
}

describe('prepareAuth: who may start without tokens', () => {
  let store: Store;
  beforeAll(async () => {
    store = await emptyStore();
  });
  afterAll(async () => {
    await store.close();
  });

  it('serves the local tenant without tokens when embedded on loopback and no token exists', async () => {
    for (const HOST of ['127.0.0.1', 'localhost', '::1']) {
      const auth = await prepareAuth(config({ HOST }), store.tokens, logger);
      expect(auth.mode).toBe('local');
      expect(await auth.authenticate(request('http://127.0.0.1:4000/graphql'))).toEqual({
        tenantId: DEFAULT_TENANT_ID,
      });
    }
  });

  it.each([
    ['embedded on every address', config({ HOST: '0.0.0.0' }), /HOST=0\.0\.0\.0 is not a loopback/],
    ['embedded on a public address', config({ HOST: '10.1.2.3' }), /HOST=10\.1\.2\.3/],
    ['embedded on Redis', config({ REDIS_URL: 'redis://r:6379' }), /REDIS_URL/],
    ['a gateway of the distributed mode', config({}, 'gateway'), /npm run gateway/],
  ])('refuses to start %s without tokens, and says how to configure them', async (_, cfg, why) => {
    const refusal = prepareAuth(cfg, store.tokens, logger);
    await expect(refusal).rejects.toBeInstanceOf(AuthSetupError);
    await expect(refusal).rejects.toThrow(why);
    await expect(refusal).rejects.toThrow(/npm run token -- create --tenant/);
    await expect(refusal).rejects.toThrow(/AGENTGATE_BOOTSTRAP_TOKEN/);
  });
});

describe('prepareAuth with tokens', () => {
  it('requires tokens on loopback too, once one exists', async () => {
    const store = await emptyStore();
    try {
      const secret = generateToken();
      await store.tokens.create({
        tenantId: 'acme',
        name: 'ci',
        hash: hashToken(secret),
        prefix: tokenPrefix(secret),
      });
      const auth = await prepareAuth(config({}), store.tokens, logger);
      expect(auth.mode).toBe('tokens');
      await expect(auth.authenticate(request('http://127.0.0.1/graphql'))).rejects.toThrow(
        /Bearer/,
      );
      expect(await auth.authenticate(request('http://127.0.0.1/graphql', secret))).toMatchObject({
        tenantId: 'acme',
      });
    } finally {
      await store.close();
    }
  });

  it('stores the bootstrap token once, as a hash, and starts a gateway with it', async () => {
    const store = await emptyStore();
    try {
      const secret = generateToken();
      const env = { AGENTGATE_BOOTSTRAP_TOKEN: secret, AGENTGATE_BOOTSTRAP_TENANT: 'acme' };
      await Promise.all([
        prepareAuth(config(env, 'gateway'), store.tokens, logger),
        prepareAuth(config(env, 'gateway'), store.tokens, logger),
      ]);
      const auth = await prepareAuth(config(env, 'gateway'), store.tokens, logger);

      const tokens = await store.tokens.list();
      expect(tokens).toEqual([
        expect.objectContaining({
          tenantId: 'acme',
          name: 'bootstrap',
          prefix: tokenPrefix(secret),
        }),
      ]);
      expect(await store.tokens.findByHash(hashToken(secret))).toEqual(tokens[0]);
      expect(await auth.authenticate(request('http://gw/graphql', secret))).toEqual({
        tenantId: 'acme',
        tokenId: tokens[0]!.id,
      });
    } finally {
      await store.close();
    }
  });
});

describe('the local authenticator', () => {
  it('answers only requests addressed to a loopback host, so DNS rebinding finds nothing', async () => {
    const auth = createLocalAuthenticator();
    await expect(auth.authenticate(request('http://[::1]:4000/graphql'))).resolves.toBeDefined();
    await expect(
      auth.authenticate(request('http://localhost:4000/graphql')),
    ).resolves.toBeDefined();
    await expect(
      auth.authenticate(request('http://attacker.example:4000/graphql')),
    ).rejects.toThrow(/only to localhost/);
  });
});

describe('the token authenticator', () => {
  function countingStore(inner: TokenStore) {
    const calls = { findByHash: 0, touch: 0 };
    const tokens: TokenStore = {
      ...inner,
      findByHash: (hash) => {
        calls.findByHash++;
        return inner.findByHash(hash);
      },
      touch: (id, at) => {
        calls.touch++;
        return inner.touch(id, at);
      },
    };
    return { tokens, calls };
  }

  it('looks a token up once per cache period and records its use once per interval', async () => {
    const store = await emptyStore();
    try {
      const secret = generateToken();
      await store.tokens.create({
        tenantId: `t-${newId()}`,
        name: 'n',
        hash: hashToken(secret),
        prefix: tokenPrefix(secret),
      });
      const { tokens, calls } = countingStore(store.tokens);
      const auth = createTokenAuthenticator(tokens, { logger, cacheTtlMs: 60_000 });

      for (let i = 0; i < 5; i++) await auth.authenticate(request('http://gw/', secret));

      expect(calls).toEqual({ findByHash: 1, touch: 1 });
    } finally {
      await store.close();
    }
  });
});
