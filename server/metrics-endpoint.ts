import type { Plugin } from 'graphql-yoga';
import { type Config, isLoopbackHost } from '../shared/config.ts';
import { isMetricsTokenValid } from '../shared/metrics.ts';
import type { GatewayMetrics } from './metrics.ts';

/**
 * Who may read `/metrics` on the gateway's main port (docs/metrics.md). The metrics describe
 * every tenant's traffic, so the public port never serves them to anonymous callers:
 *
 * - `elsewhere`: `METRICS_PORT` serves them on a listener of its own; this port answers 404.
 * - `token`: `METRICS_TOKEN` is set; requests without `Authorization: Bearer <token>` get 401.
 * - `local`: the single-user setup (embedded, bound to loopback): requests addressed to a
 *   loopback host only, so a web page cannot read them through DNS rebinding.
 * - `refused`: none of these; 404 with a message naming the settings.
 * - `open`: anyone. Only for an app that is not exposed (tests).
 */
export type MetricsAccess =
  | { mode: 'elsewhere' }
  | { mode: 'token'; token: string }
  | { mode: 'local' }
  | { mode: 'refused' }
  | { mode: 'open' };

/** The access the configuration gives: METRICS_PORT, else METRICS_TOKEN, else local or none. */
export function metricsAccessFor(config: Pick<Config, 'metrics' | 'auth'>): MetricsAccess {
  if (config.metrics.port !== null) return { mode: 'elsewhere' };
  if (config.metrics.token) return { mode: 'token', token: config.metrics.token };
  if (config.auth.allowAnonymous) return { mode: 'local' };
  return { mode: 'refused' };
}

const NOT_HERE =
  '/metrics is not served on this port: set METRICS_PORT to serve it on a listener of its own, or METRICS_TOKEN to serve it here to "Authorization: Bearer <token>" (docs/metrics.md).';

/**
 * `GET /metrics`: the registry in Prometheus's text format, to whom `access` allows. Placed
 * before authentication (like `/healthz`): Prometheus has no API token, and the answer does not
 * depend on a tenant.
 */
export function useMetricsEndpoint(metrics: GatewayMetrics, access: MetricsAccess): Plugin {
  const { registry } = metrics;
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET' || url.pathname !== '/metrics') return;
      const refuse = (status: number, message: string, headers: Record<string, string> = {}) =>
        endResponse(fetchAPI.Response.json({ status: 'refused', message }, { status, headers }));
      switch (access.mode) {
        case 'elsewhere':
          return refuse(404, '/metrics is served on the metrics listener (METRICS_PORT).');
        case 'refused':
          return refuse(404, NOT_HERE);
        case 'local':
          if (!isLoopbackHost(url.hostname)) return refuse(404, NOT_HERE);
          break;
        case 'token':
          if (!isMetricsTokenValid(request.headers.get('authorization'), access.token)) {
            return refuse(
              401,
              'Send the metrics token (METRICS_TOKEN) as "Authorization: Bearer <token>".',
              { 'www-authenticate': 'Bearer' },
            );
          }
          break;
        case 'open':
          break;
      }
      const body = await registry.metrics();
      endResponse(
        new fetchAPI.Response(body, { headers: { 'content-type': registry.contentType } }),
      );
    },
  };
}
