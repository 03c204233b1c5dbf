import { describe, expect, it } from 'vitest';
import { ConfigError, defaultClients, parseConfig } from './config.ts';

function problemsOf(env: Record<string, string>, role: 'embedded' | 'gateway' = 'embedded') {
  try {
    parseConfig(env, role);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const token = `agt_${'m'.repeat(40)}`;

describe('parseConfig: metrics access and labels', () => {
  it('takes METRICS_TOKEN and METRICS_MODELS, none by default', () => {
    expect(parseConfig({}, 'embedded').metrics).toEqual({ port: null, token: null, models: [] });
    const config = parseConfig(
      {
        METRICS_PORT: '9464',
        METRICS_TOKEN: token,
        METRICS_MODELS: 'openai:gpt-4.1, anthropic:claude-sonnet-4-5,',
      },
      'embedded',
    );
    expect(config.metrics).toEqual({
      port: 9464,
      token,
      models: ['openai:gpt-4.1', 'anthropic:claude-sonnet-4-5'],
    });
  });

  it('refuses a guessable token, a model list entry that is no model string, and PORT twice', () => {
    expect(problemsOf({ METRICS_TOKEN: 'secret' })).toMatch(/METRICS_TOKEN: must be 32/);
    expect(problemsOf({ METRICS_MODELS: 'gpt-4.1' })).toMatch(/METRICS_MODELS: "gpt-4.1"/);
    expect(problemsOf({ METRICS_MODELS: `openai:${'x'.repeat(300)}` })).toMatch(/at most 200/);
    expect(problemsOf({ METRICS_PORT: '4000' })).toMatch(/METRICS_PORT: must differ from PORT/);
    expect(problemsOf({ PORT: '8080', METRICS_PORT: '8080' })).toMatch(/must differ/);
    // A worker does not listen on PORT.
    const distributed = { REDIS_URL: 'redis://r:6379', DATABASE_URL: 'postgres://h/d' };
    expect(parseConfig({ ...distributed, METRICS_PORT: '4000' }, 'worker').metrics.port).toBe(4000);
  });
});

describe('parseConfig: client addresses and failed authentications', () => {
  it('limits 30 failed authentications per address and minute, behind no proxy, by default', () => {
    expect(defaultClients()).toEqual({ trustProxyHops: 0, authFailuresPerMinute: 30 });
    expect(
      parseConfig({ TRUST_PROXY_HOPS: '1', AUTH_FAILURES_PER_MINUTE: '0' }, 'embedded').clients,
    ).toEqual({ trustProxyHops: 1, authFailuresPerMinute: 0 });
  });

  it('refuses impossible values', () => {
    const problems = problemsOf({ TRUST_PROXY_HOPS: '-1', AUTH_FAILURES_PER_MINUTE: 'many' });
    expect(problems).toMatch(/TRUST_PROXY_HOPS/);
    expect(problems).toMatch(/AUTH_FAILURES_PER_MINUTE/);
  });
});
