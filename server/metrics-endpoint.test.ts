import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../shared/config.ts';
import { generateToken } from '../shared/domain/api-tokens.ts';
import { createMetricsRegistry } from '../shared/metrics.ts';
import { createGatewayMetrics } from './metrics.ts';
import { type MetricsAccess, metricsAccessFor, useMetricsEndpoint } from './metrics-endpoint.ts';

const schema = createSchema({ typeDefs: 'type Query { ok: Boolean }' });

/** A bare Yoga with only the endpoint, as the gateway places it. */
function appWith(access: MetricsAccess) {
  const metrics = createGatewayMetrics(createMetricsRegistry());
  return createYoga({ schema, plugins: [useMetricsEndpoint(metrics, access)] });
}

async function scrape(app: ReturnType<typeof appWith>, url: string, authorization?: string) {
  const response = await app.fetch(url, { headers: authorization ? { authorization } : {} });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

describe('who may read /metrics on the main port', () => {
  it('is decided by METRICS_PORT, then METRICS_TOKEN, then the local single-user setup', () => {
    const token = generateToken();
    const distributed = { REDIS_URL: 'redis://r:6379', DATABASE_URL: 'postgres://h/d' };
    const access = (env: Record<string, string>, role: 'embedded' | 'gateway' = 'embedded') =>
      metricsAccessFor(parseConfig(env, role));
    expect(access({})).toEqual({ mode: 'local' });
    expect(access({ HOST: '0.0.0.0' })).toEqual({ mode: 'refused' });
    expect(access(distributed, 'gateway')).toEqual({ mode: 'refused' });
    expect(access({ ...distributed, METRICS_TOKEN: token }, 'gateway')).toEqual({
      mode: 'token',
      token,
    });
    expect(
      access({ ...distributed, METRICS_TOKEN: token, METRICS_PORT: '9464' }, 'gateway'),
    ).toEqual({ mode: 'elsewhere' });
  });

  it('refuses by default, naming both settings', async () => {
    const answer = await scrape(appWith({ mode: 'refused' }), 'http://127.0.0.1/metrics');
    expect(answer.status).toBe(404);
    expect(answer.text).toMatch(/METRICS_PORT/);
    expect(answer.text).toMatch(/METRICS_TOKEN/);
    expect(answer.text).not.toMatch(/process_cpu/);
  });

  it('points to METRICS_PORT when the metrics listener serves them', async () => {
    const answer = await scrape(appWith({ mode: 'elsewhere' }), 'http://127.0.0.1/metrics');
    expect(answer.status).toBe(404);
    expect(answer.text).toMatch(/METRICS_PORT/);
  });

  it('asks for the bearer token when METRICS_TOKEN is set', async () => {
    const token = generateToken();
    const app = appWith({ mode: 'token', token });
    const anonymous = await scrape(app, 'http://gateway.example/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect(anonymous.text).toMatch(/METRICS_TOKEN/);
    expect((await scrape(app, 'http://gateway.example/metrics', `Bearer ${token}x`)).status).toBe(
      401,
    );
    const scraped = await scrape(app, 'http://gateway.example/metrics', `Bearer ${token}`);
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(scraped.text).toMatch(/agentgate_sse_streams_open/);
  });

  it('serves the local setup only to requests addressed to a loopback host', async () => {
    const app = appWith({ mode: 'local' });
    expect((await scrape(app, 'http://127.0.0.1:4000/metrics')).status).toBe(200);
    expect((await scrape(app, 'http://localhost:4000/metrics')).status).toBe(200);
    // A page that rebinds its own name to 127.0.0.1 still sends its own name as the host.
    const rebound = await scrape(app, 'http://attacker.example:4000/metrics');
    expect(rebound.status).toBe(404);
    expect(rebound.text).toMatch(/METRICS_TOKEN/);
  });
});
