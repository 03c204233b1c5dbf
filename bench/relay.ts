/**
 * The fan-out baseline: Redis pub/sub straight into plain Node `http` SSE responses — no GraphQL,
 * no validation, no replay. Like the gateway it holds one Redis subscription per workflow shared by
 * every client of it, and answers once the SUBSCRIBE is confirmed. `GET /events/<workflowId>`.
 */
import { createServer, type ServerResponse } from 'node:http';
import { Redis } from 'ioredis';

const prefix = process.env.REDIS_PREFIX ?? 'agentgate';
const subscriber = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const clients = new Map<string, Set<ServerResponse>>();
subscriber.on('message', (channel: string, message: string) => {
  const frame = `event: next\ndata: ${message}\n\n`;
  for (const res of clients.get(channel) ?? []) res.write(frame);
});

const server = createServer(async (req, res) => {
  const channel = `${prefix}:events-live:${req.url?.split('/')[2] ?? ''}`;
  const set = clients.get(channel) ?? new Set<ServerResponse>();
  clients.set(channel, set);
  set.add(res);
  req.on('close', () => {
    set.delete(res);
    if (set.size === 0 && clients.get(channel) === set) {
      clients.delete(channel);
      void subscriber.unsubscribe(channel);
    }
  });
  await subscriber.subscribe(channel);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(':\n\n');
});
server.listen(Number(process.env.PORT), '127.0.0.1');
