import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

const distributed = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
};

function problemsOf(env: Record<string, string>, role: 'embedded' | 'gateway' | 'worker') {
  try {
    parseConfig(env, role);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('reliability settings', () => {
  it('default to hour-long limits, three attempts, a 20 s lock and an 8 s drain', () => {
    const config = parseConfig(distributed, 'worker');

    expect(config.runs).toMatchObject({
      queueTimeoutMs: 3_600_000,
      runTimeoutMs: 3_600_000,
      maxAttempts: 3,
      sweepIntervalMs: 5_000,
      requeueAfterMs: 30_000,
    });
    expect(config.queue).toEqual({ lockDurationMs: 20_000, stalledIntervalMs: 10_000 });
    expect(config.worker.drainMs).toBe(8_000);
    expect(config.models).toMatchObject({ retryBaseMs: 1_000, retryMaxDelayMs: 30_000 });
  });

  it('reads every one from the environment', () => {
    const config = parseConfig(
      {
        ...distributed,
        RUN_QUEUE_TIMEOUT_MS: '5000',
        RUN_TIMEOUT_MS: '6000',
        RUN_MAX_ATTEMPTS: '5',
        RUN_SWEEP_INTERVAL_MS: '250',
        RUN_REQUEUE_AFTER_MS: '2000',
        QUEUE_LOCK_DURATION_MS: '2000',
        QUEUE_STALLED_INTERVAL_MS: '500',
        WORKER_DRAIN_MS: '1000',
        MODEL_RETRY_BASE_MS: '10',
        MODEL_RETRY_MAX_DELAY_MS: '100',
      },
      'worker',
    );

    expect(config.runs).toMatchObject({
      queueTimeoutMs: 5_000,
      runTimeoutMs: 6_000,
      maxAttempts: 5,
      sweepIntervalMs: 250,
      requeueAfterMs: 2_000,
    });
    expect(config.queue).toEqual({ lockDurationMs: 2_000, stalledIntervalMs: 500 });
    expect(config.worker.drainMs).toBe(1_000);
    expect(config.models).toMatchObject({ retryBaseMs: 10, retryMaxDelayMs: 100 });
  });

  it('refuses a worker drain period that leaves no time to hand runs back, but not for a gateway', () => {
    const env = { ...distributed, WORKER_DRAIN_MS: '10000', SHUTDOWN_TIMEOUT_MS: '10000' };

    expect(problemsOf(env, 'worker')).toEqual([
      expect.stringMatching(/^WORKER_DRAIN_MS: must be less than SHUTDOWN_TIMEOUT_MS/),
    ]);
    expect(
      problemsOf({ WORKER_DRAIN_MS: '9000', SHUTDOWN_TIMEOUT_MS: '5000' }, 'embedded'),
    ).toHaveLength(1);
    expect(problemsOf({ ...env, AGENTGATE_BOOTSTRAP_TOKEN: 'x'.repeat(40) }, 'gateway')).toEqual(
      [],
    );
  });

  it('rejects impossible values with the variable named', () => {
    const problems = problemsOf(
      {
        ...distributed,
        RUN_MAX_ATTEMPTS: '0',
        RUN_TIMEOUT_MS: '10',
        QUEUE_LOCK_DURATION_MS: 'soon',
      },
      'worker',
    );

    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'QUEUE_LOCK_DURATION_MS',
      'RUN_MAX_ATTEMPTS',
      'RUN_TIMEOUT_MS',
    ]);
  });
});

describe('MCP connection pool setting', () => {
  it('keeps idle MCP connections 60 s by default; 0 turns reuse off; negative values are refused', () => {
    expect(parseConfig(distributed, 'worker').mcp.poolIdleMs).toBe(60_000);
    expect(parseConfig({ ...distributed, MCP_POOL_IDLE_MS: '0' }, 'worker').mcp.poolIdleMs).toBe(0);
    expect(problemsOf({ ...distributed, MCP_POOL_IDLE_MS: '-1' }, 'worker')[0]).toMatch(
      /^MCP_POOL_IDLE_MS/,
    );
  });
});
