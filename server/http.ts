import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { App } from './app.ts';

export interface HttpServer {
  server: Server;
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

/** Serves the app on `host:port` (port 0 picks a free one). */
export async function listen(app: App, host: string, port: number): Promise<HttpServer> {
  const server = createServer(app);
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
    server,
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
