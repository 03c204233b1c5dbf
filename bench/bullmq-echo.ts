/**
 * The dispatch baseline's worker: a bare BullMQ Worker whose job publishes its id back on a Redis
 * channel, so the client times add → process → back on the same Redis as the real path.
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `${process.env.REDIS_PREFIX ?? 'agentgate'}-bullmq`;
const publisher = new Redis(url);
const worker = new Worker(
  'bench-echo',
  async (job) => {
    await publisher.publish(`${prefix}:echo`, job.id ?? '');
  },
  { connection: new Redis(url, { maxRetriesPerRequest: null }), prefix, concurrency: 1 },
);
worker.on('error', (error) => console.error(error));
process.on('SIGTERM', async () => {
  await worker.close();
  publisher.disconnect();
  process.exit(0);
});
