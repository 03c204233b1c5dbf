import { connect, createServer, type Socket } from 'node:net';

/** One upstream of the proxy. */
export interface ProxyTarget {
  host: string;
  port: number;
}

export interface TcpProxy {
  /** `http://127.0.0.1:<port>`: where clients connect. */
  readonly url: string;
  /** Connections accepted so far, and the upstream each one went to (`host:port`). */
  readonly connections: readonly string[];
  /** Cuts every open connection, both sides, as a failing network would. */
  severAll(): void;
  close(): Promise<void>;
}

/**
 * A load balancer in miniature, for tests: each client connection goes to the first target that
 * accepts a TCP connection, in the order given (a dead gateway refuses, so traffic fails over to
 * the next), and is piped both ways. When either side ends or breaks, the other is destroyed, so
 * a client sees its upstream die.
 */
export async function startTcpProxy(targets: readonly ProxyTarget[]): Promise<TcpProxy> {
  const open = new Set<Socket>();
  const connections: string[] = [];

  const track = (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };

  function dial(index: number, client: Socket): void {
    const target = targets[index];
    if (!target) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    track(upstream);
    let connected = false;
    upstream.once('error', () => {
      upstream.destroy();
      // Refused before it connected: try the next target; broken later: cut the client too.
      if (!connected && !client.destroyed) dial(index + 1, client);
      else client.destroy();
    });
    upstream.once('connect', () => {
      connected = true;
      connections.push(`${target.host}:${target.port}`);
      client.pipe(upstream);
      upstream.pipe(client);
      upstream.once('close', () => client.destroy());
      client.once('close', () => upstream.destroy());
      client.resume();
    });
  }

  const server = createServer({ pauseOnConnect: true }, (client) => {
    track(client);
    client.on('error', () => client.destroy());
    dial(0, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the proxy bound no port');

  return {
    url: `http://127.0.0.1:${address.port}`,
    connections,
    severAll() {
      for (const socket of open) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
