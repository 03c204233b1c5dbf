/**
 * Micro-benchmark of `RedisEventBus.publish` (the Lua XADD + PUBLISH) on the real Redis: CPU per
 * publish in this process, sequential and with many publishers at once. Keys are removed after.
 *
 *   npx tsx bench/micro/publish.ts
 */
import { createRedisEventBus } from '../../shared/adapters/events/redis-event-bus.ts';
import { deleteKeys, REDIS_URL } from '../support/processes.ts';

const prefix = `bench-micro-${process.pid}`;
const bus = createRedisEventBus({ redis: REDIS_URL, prefix });

async function run(parallel: number, each: number): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async (_, p) => {
      for (let i = 0; i < each; i++) {
        await bus.publish({
          type: 'MessageDeltaEvent',
          tenantId: 'bench',
          workflowId: `wf${p}`,
          runId: 'run',
          at: new Date().toISOString(),
          messageId: 'm',
          delta: 'w1 ',
        });
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  const n = parallel * each;
  console.log(
    `${parallel} publishers: ${((cpu.user + cpu.system) / n).toFixed(1)} µs CPU per publish, ` +
      `${Math.round(n / ((performance.now() - t0) / 1000))} publishes/s`,
  );
}

try {
  await run(1, 2000);
  await run(1, 2000);
  await run(50, 200);
  await run(200, 50);
} finally {
  await bus.close();
  await deleteKeys(prefix);
}
