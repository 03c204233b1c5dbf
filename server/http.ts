import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { App } from './app.ts';

export interface HttpServer {
  server: Server;
  /** Starts serving `app` (a server listened with none answers "starting" until then). */
  serve(app: App): void;
  /** The bound address, e.g. `http://127.0.0.1:4000`. */
  url: string;
  /**
   * Graceful stop: accepts no new connections and no new requests on kept-alive ones, lets
   * requests in flight finish (each answered with `connection: close`), and ends every SSE
   * stream at once with a TCP FIN (never a reset), so its client reconnects to another gateway
   * with the id of the last event it received. Whatever is still open after
   * {@link CLOSE_GRACE_MS} is destroyed.
   */
  close(): Promise<void>;
}

/** How long requests in flight get to finish after `close()`, in ms. */
export const CLOSE_GRACE_MS = 5_000;

/** Bodies of SSE requests up to this size are read before the app sees the request. */
const PREREAD_MAX_BYTES = 64 * 1024;

/**
 * An SSE request (a subscription: `Accept: text/event-stream`) lives as long as its stream. Its
 * small JSON body is read here and handed over as `request.body`, which `@whatwg-node/server`
 * takes as the request's body as is; otherwise it reads the body through a stream pipeline that
 * stays attached to the request — with the fetch `Request` — for the life of the connection,
 * several KB per open stream (BENCHMARKS.md, idle subscriptions). Other requests, and bodies
 * without a length or over {@link PREREAD_MAX_BYTES}, go to the app untouched.
 */
function withPrereadSseBodies(
  appOf: () => App,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const app = appOf();
    const length = Number(request.headers['content-length'] ?? Number.NaN);
    const sse = (request.headers.accept ?? '').includes('text/event-stream');
    if (request.method !== 'POST' || !sse || !(length > 0 && length <= PREREAD_MAX_BYTES)) {
      void app(request, response);
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    // A client that goes away (or sends more than it announced) gets nothing more.
    request.once('error', () => response.destroy());
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= length) chunks.push(chunk);
      else {
        request.destroy();
        response.destroy();
      }
    });
    request.once('end', () => {
      (request as IncomingMessage & { body?: Buffer }).body = Buffer.concat(chunks, received);
      void app(request, response);
    });
  };
}

/**
 * Answers while the process starts: `/healthz` is alive, everything else 503 with Retry-After,
 * so probes, load balancers and clients know to come back.
 */
export const startingApp = ((request: IncomingMessage, response: ServerResponse) => {
  request.resume();
  const alive = request.url?.split('?')[0] === '/healthz';
  response.writeHead(alive ? 200 : 503, {
    'content-type': 'application/json',
    ...(alive ? {} : { 'retry-after': '1' }),
  });
  response.end(
    JSON.stringify(
      alive
        ? { status: 'ok', starting: true }
        : { status: 'starting', message: 'Agentgate is starting; retry in a moment.' },
    ),
  );
}) as unknown as App;

/** Raised when the port is taken: says which, and what to do. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(host: string, port: number) {
    super(
      `Port ${port} on ${host} is already in use (another Agentgate, or another program). Stop it, or choose another port with PORT=<port>.`,
    );
  }
}

/**
 * Serves the app on `host:port` (port 0 picks a free one). With `app` null it answers with
 * {@link startingApp} until {@link HttpServer.serve} is called: entry points bind the port before
 * they start anything else.
 *
 * @throws PortInUseError when the address is taken.
 */
export async function listen(app: App | null, host: string, port: number): Promise<HttpServer> {
  let current = app ?? startingApp;
  const server = createServer(withPrereadSseBodies(() => current));
  const sockets = new Set<Socket>();
  /** Sockets with a request in flight, and whether that request is an SSE stream. */
  const busy = new Map<Socket, { sse: boolean }>();
  let closing = false;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (request, response) => {
    const { socket } = request;
    busy.set(socket, { sse: (request.headers.accept ?? '').includes('text/event-stream') });
    if (closing) response.setHeader('connection', 'close');
    response.once('close', () => {
      busy.delete(socket);
      if (closing) socket.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(host, port) : error),
    );
    server.listen(port, host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const displayHost = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    serve(next) {
      current = next;
    },
    url: `http://${displayHost}:${boundPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        server.close(() => resolve());
        server.closeIdleConnections();
        for (const socket of sockets) {
          const request = busy.get(socket);
          // Idle keep-alive sockets and SSE streams (which never go idle) end now; other
          // requests finish first and end their socket when they have been answered.
          if (!request || request.sse) socket.end();
        }
        setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, CLOSE_GRACE_MS).unref();
      }),
  };
}
