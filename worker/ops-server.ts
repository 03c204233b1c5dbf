import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../shared/logger.ts';
import { isMetricsTokenValid } from '../shared/metrics.ts';
import { unreadyBody } from '../shared/readiness.ts';
import type { Runtime } from '../shared/runtime.ts';

export interface OpsServerDeps {
  registry: Registry;
  /** Resolves when the store, the queue and the event bus answer; rejects with the reason. */
  readiness: () => Promise<void>;
  logger: Logger;
  /**
   * `METRICS_TOKEN`: when set, `/metrics` answers only `Authorization: Bearer <token>` (401
   * otherwise). Null or absent: anyone who reaches the port. `/healthz` and `/readyz` stay open.
   */
  token?: string | null;
}

export interface OpsServer {
  /** The bound address, e.g. `http://127.0.0.1:9464`. */
  url: string;
  close(): Promise<void>;
}

/**
 * The operations listener of any process on `METRICS_PORT` (it serves no API): `GET /metrics`
 * (Prometheus text format), `GET /healthz` (the process is alive) and `GET /readyz` (its backing
 * services answer; 503 with a state per service otherwise), the same answers as a gateway's main
 * port gives. A gateway with this listener serves `/metrics` only here.
 */
export async function listenOps(
  deps: OpsServerDeps,
  host: string,
  port: number,
): Promise<OpsServer> {
  const server = createServer((request, response) => {
    handle(deps, request, response).catch((error) => {
      deps.logger.error({ err: error, path: request.url }, 'ops request failed');
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const displayHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${displayHost}:${boundPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(deps: OpsServerDeps, request: IncomingMessage, response: ServerResponse) {
  const path = new URL(request.url ?? '/', 'http://ops').pathname;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return send(response, 405, { status: 'method not allowed' });
  }
  if (path === '/healthz') return send(response, 200, { status: 'ok' });
  if (path === '/readyz') {
    try {
      await deps.readiness();
      return send(response, 200, { status: 'ready' });
    } catch (error) {
      // The reason is for operators; the unauthenticated caller gets a state per service.
      deps.logger.warn({ err: error }, 'not ready');
      return send(response, 503, unreadyBody(error));
    }
  }
  if (path === '/metrics') {
    if (deps.token && !isMetricsTokenValid(request.headers.authorization, deps.token)) {
      response.setHeader('www-authenticate', 'Bearer');
      return send(response, 401, {
        status: 'unauthorized',
        message: 'Send the metrics token (METRICS_TOKEN) as "Authorization: Bearer <token>".',
      });
    }
    const body = await deps.registry.metrics();
    response.writeHead(200, { 'content-type': deps.registry.contentType });
    response.end(body);
    return;
  }
  send(response, 404, { status: 'not found' });
}

function send(response: ServerResponse, status: number, body: object) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/**
 * The operations listener of a runtime when `METRICS_PORT` is set (null otherwise), on
 * `server.host`, with `METRICS_TOKEN`.
 */
export async function listenOpsFor(runtime: Runtime): Promise<OpsServer | null> {
  const { config, logger } = runtime;
  if (config.metrics.port === null) return null;
  return listenOps(
    {
      registry: runtime.metrics.registry,
      readiness: runtime.adapters.ready,
      logger,
      token: config.metrics.token,
    },
    config.server.host,
    config.metrics.port,
  );
}
