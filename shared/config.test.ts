import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

function problemsOf(env: Record<string, string>, role: 'embedded' | 'gateway' | 'worker') {
  try {
    parseConfig(env, role);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('runs embedded on loopback with PGlite and in-process queue and events when nothing is set', () => {
    const config = parseConfig({}, 'embedded');
    expect(config.mode).toBe('embedded');
    expect(config.server).toEqual({ host: '127.0.0.1', port: 4000 });
    expect(config.store).toEqual({ kind: 'pglite', dataDir: './data' });
    expect(config.redis).toBeNull();
    expect(config.models.providers).toEqual([]);
  });

  it('switches to the distributed adapters with REDIS_URL and DATABASE_URL', () => {
    const config = parseConfig(
      {
        REDIS_URL: 'redis://127.0.0.1:6379',
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
        WORKER_CONCURRENCY: '7',
      },
      'worker',
    );
    expect(config.mode).toBe('distributed');
    expect(config.store).toEqual({
      kind: 'postgres',
      url: 'postgres://postgres@127.0.0.1:5432/test',
      schema: undefined,
    });
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379', prefix: 'agentgate' });
    expect(config.worker.concurrency).toBe(7);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(
      { PORT: 'eighty', WORKER_CONCURRENCY: '0', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' },
      'gateway',
    );
    expect(problems.join('\n')).toMatch(/PORT/);
    expect(problems.join('\n')).toMatch(/WORKER_CONCURRENCY/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL/);
    expect(problems.length).toBeGreaterThanOrEqual(4);
  });

  it('requires Redis and a store for the distributed roles and says how to run embedded', () => {
    const problems = problemsOf({}, 'gateway');
    expect(problems).toEqual([
      expect.stringContaining('REDIS_URL'),
      expect.stringContaining('npm start'),
    ]);
  });

  it('refuses two stores at once', () => {
    const problems = problemsOf(
      { DATABASE_URL: 'postgres://h/db', MONGODB_URI: 'mongodb://h/db' },
      'embedded',
    );
    expect(problems).toEqual([expect.stringContaining('set one store')]);
  });

  it('adds providers from PROVIDERS and the OpenAI and Anthropic shorthands', () => {
    const config = parseConfig(
      {
        PROVIDERS: JSON.stringify([
          { name: 'ollama', type: 'openai-compatible', baseURL: 'http://127.0.0.1:11434/v1' },
        ]),
        OPENAI_API_KEY: 'sk-1',
        ANTHROPIC_API_KEY: 'sk-ant-1',
        ANTHROPIC_BASE_URL: 'http://127.0.0.1:9999/v1',
      },
      'embedded',
    );
    expect(config.models.providers.map((p) => [p.name, p.type])).toEqual([
      ['ollama', 'openai-compatible'],
      ['openai', 'openai'],
      ['anthropic', 'anthropic'],
    ]);
  });

  it('gives a worker a metrics listener only with METRICS_PORT, and logs JSON unless asked', () => {
    const distributed = {
      REDIS_URL: 'redis://127.0.0.1:6379',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
    };
    expect(parseConfig(distributed, 'worker').metrics).toEqual({
      port: null,
      token: null,
      models: [],
    });
    expect(parseConfig({ ...distributed, METRICS_PORT: '9464' }, 'worker').metrics.port).toBe(9464);
    expect(parseConfig({}, 'embedded').log).toEqual({ level: 'info', format: 'auto' });
    expect(parseConfig({ LOG_FORMAT: 'json' }, 'embedded').log.format).toBe('json');
    const problems = problemsOf({ METRICS_PORT: '70000', LOG_FORMAT: 'xml' }, 'embedded');
    expect(problems.join('\n')).toMatch(/METRICS_PORT/);
    expect(problems.join('\n')).toMatch(/LOG_FORMAT/);
  });

  it('explains a malformed or incomplete PROVIDERS value', () => {
    expect(problemsOf({ PROVIDERS: 'nope' }, 'embedded')[0]).toContain('JSON array');
    expect(
      problemsOf({ PROVIDERS: '[{"name":"x","type":"openai-compatible"}]' }, 'embedded')[0],
    ).toContain('needs a baseURL');
    expect(problemsOf({ PROVIDERS: '[{"name":"demo","type":"openai"}]' }, 'embedded')[0]).toContain(
      'defined twice',
    );
  });
});
