import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { App } from './app.ts';

export interface HttpServer {
  server: Server;
  /** The bound address, e.g. `http://127.0.0.1:4000`. */
  url: string;
  /** Stops accepting connections and closes open ones (SSE clients resume elsewhere). */
  close(): Promise<void>;
}

/** Serves the app on `host:port` (port 0 picks a free one). */
export async function listen(app: App, host: string, port: number): Promise<HttpServer> {
  const server = createServer(app);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
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
        server.close(() => resolve());
        server.closeIdleConnections();
        // Open SSE streams never go idle; end them so clients reconnect with their cursor.
        for (const socket of sockets) socket.end();
        setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, 1_000).unref();
      }),
  };
}
