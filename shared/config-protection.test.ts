import { describe, expect, it } from 'vitest';
import { ConfigError, isLoopbackHost, parseConfig } from './config.ts';

function problemsOf(env: Record<string, string>) {
  try {
    parseConfig(env, 'embedded');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig: auth and limits', () => {
  it('lets only an embedded process on loopback without Redis serve without tokens', () => {
    expect(parseConfig({}, 'embedded').auth).toEqual({ bootstrap: null, allowAnonymous: true });
    expect(parseConfig({ HOST: '0.0.0.0' }, 'embedded').auth.allowAnonymous).toBe(false);
    expect(
      parseConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }, 'embedded').auth.allowAnonymous,
    ).toBe(false);
    const distributed = { REDIS_URL: 'redis://r:6379', DATABASE_URL: 'postgres://h/d' };
    expect(parseConfig(distributed, 'gateway').auth.allowAnonymous).toBe(false);
  });

  it('takes a bootstrap token and tenant, the tenant defaulting to the local one', () => {
    const token = `agt_${'x'.repeat(40)}`;
    expect(parseConfig({ AGENTGATE_BOOTSTRAP_TOKEN: token }, 'embedded').auth.bootstrap).toEqual({
      token,
      tenantId: 'default',
    });
    expect(
      parseConfig(
        { AGENTGATE_BOOTSTRAP_TOKEN: token, AGENTGATE_BOOTSTRAP_TENANT: 'acme' },
        'embedded',
      ).auth.bootstrap?.tenantId,
    ).toBe('acme');
  });

  it('refuses a weak bootstrap token, a tenant without a token and a malformed tenant', () => {
    const problems = problemsOf({
      AGENTGATE_BOOTSTRAP_TOKEN: 'short',
      AGENTGATE_BOOTSTRAP_TENANT: 'not a tenant',
    });
    expect(problems.join('\n')).toMatch(/AGENTGATE_BOOTSTRAP_TOKEN: must be 32/);
    expect(problems.join('\n')).toMatch(/npm run token -- generate/);
    expect(problems.join('\n')).toMatch(/AGENTGATE_BOOTSTRAP_TENANT/);
    expect(problemsOf({ AGENTGATE_BOOTSTRAP_TENANT: 'acme' })).toEqual([
      expect.stringContaining('together with AGENTGATE_BOOTSTRAP_TOKEN'),
    ]);
  });

  it('has documented defaults for every limit and switch', () => {
    expect(parseConfig({}, 'embedded').protection).toEqual({
      maxDepth: 12,
      maxCost: 5_000,
      maxAliases: 30,
      maxTokens: 2_000,
      maxBatchOperations: 10,
      maxBodyBytes: 1_048_576,
      ratePerMinute: 6_000,
      maxSubscriptionsPerToken: 1_000,
      graphiql: true,
      introspection: true,
      csrfPrevention: true,
      corsOrigins: [],
    });
  });

  it('reads every limit and switch from the environment', () => {
    const protection = parseConfig(
      {
        MAX_QUERY_DEPTH: '5',
        MAX_QUERY_COST: '100',
        MAX_ALIASES: '0',
        MAX_QUERY_TOKENS: '50',
        MAX_BATCH_OPERATIONS: '0',
        MAX_BODY_BYTES: '2048',
        RATE_LIMIT_PER_MINUTE: '0',
        MAX_SUBSCRIPTIONS_PER_TOKEN: '3',
        GRAPHIQL: 'false',
        INTROSPECTION: '0',
        CSRF_PREVENTION: 'false',
        CORS_ORIGINS: 'https://console.example.com, http://localhost:5173',
      },
      'embedded',
    ).protection;
    expect(protection).toEqual({
      maxDepth: 5,
      maxCost: 100,
      maxAliases: 0,
      maxTokens: 50,
      maxBatchOperations: 0,
      maxBodyBytes: 2048,
      ratePerMinute: 0,
      maxSubscriptionsPerToken: 3,
      graphiql: false,
      introspection: false,
      csrfPrevention: false,
      corsOrigins: ['https://console.example.com', 'http://localhost:5173'],
    });
    expect(parseConfig({ CORS_ORIGINS: '*' }, 'embedded').protection.corsOrigins).toBe('*');
  });

  it('reports malformed limits, switches and origins together', () => {
    const problems = problemsOf({
      MAX_QUERY_DEPTH: '0',
      GRAPHIQL: 'maybe',
      CORS_ORIGINS: 'https://ok.example.com,https://bad.example.com/path',
    });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/MAX_QUERY_DEPTH/);
    expect(problems.join('\n')).toMatch(/GRAPHIQL: must be true or false/);
    expect(problems.join('\n')).toMatch(/CORS_ORIGINS: "https:\/\/bad\.example\.com\/path"/);
  });

  it('knows loopback hosts', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]']) {
      expect(isLoopbackHost(host)).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '127.0.0.1.nip.io']) {
      expect(isLoopbackHost(host)).toBe(false);
    }
  });
});
