/**
 * Micro-benchmark of the worker's agent loop alone (the model's `doStream` over demo:echo, a sink
 * that does nothing): CPU per delta, in one process, no Redis, no store. Used for the worker
 * capacity analysis in BENCHMARKS.md.
 *
 *   npx tsx bench/micro/agent-loop.ts            # 20 runs × 2000 deltas, back to back
 *   DELAY=50 WORDS=100 npx tsx bench/micro/agent-loop.ts   # paced like the capacity benchmark
 */
import { performance } from 'node:perf_hooks';
import { runAgentLoop } from '../../worker/agent-loop.ts';
import { createDemoModel } from '../../worker/models/demo-model.ts';

const words = Number(process.env.WORDS ?? 2000);
const delay = Number(process.env.DELAY ?? 0);
const parallel = Number(process.env.PARALLEL ?? 20);

async function once(label: string): Promise<void> {
  const loop0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  let deltas = 0;
  await Promise.all(
    Array.from({ length: parallel }, () =>
      runAgentLoop({
        model: createDemoModel(),
        system: 'Be brief.',
        history: [],
        prompt: delay > 0 ? `!delay ${delay}\n!words ${words}` : `!words ${words}`,
        maxTurns: 1,
        maxRetries: 0,
        signal: new AbortController().signal,
        newMessageId: () => 'm',
        sink: {
          delta: async () => {
            deltas++;
          },
          message: async () => {},
          usage: async () => {},
          log: async () => {},
          toolCall: async () => {},
        },
      }),
    ),
  );
  const cpu = process.cpuUsage(cpu0);
  const loop = performance.eventLoopUtilization(loop0);
  console.log(
    `${label}: ${parallel} runs × ${words} deltas${delay ? ` every ${delay} ms` : ''}: ` +
      `${((cpu.user + cpu.system) / deltas).toFixed(0)} µs CPU per delta, ` +
      `${((loop.active * 1000) / deltas).toFixed(0)} µs event-loop time per delta`,
  );
}

await once('warm-up');
await once('measured');
