import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createAgent, createWorkflows } from './support/graphql.ts';
import { startLoadClient } from './support/load-client.ts';
import { Deployment, deleteKeys, REDIS_URL, sleep, waitFor } from './support/processes.ts';
import type { LatencySummary } from './support/stats.ts';

export interface DispatchSettings {
  /** Measured runs per mode (after the warm-up runs). */
  runs: number;
  /** Runs before measuring, to warm the JIT, pools and connections. */
  warmup: number;
  /** Workflows the runs rotate over, each with one open subscription (bounded history). */
  workflows: number;
}

interface ModeResult {
  firstDeltaMs: LatencySummary;
  sendPromptMs: LatencySummary;
}

export interface DispatchResult {
  settings: DispatchSettings & { prompt: string };
  embedded: ModeResult;
  distributed: ModeResult;
  bullmqBaseline: { roundTripMs: LatencySummary };
}

/** A prompt whose answer starts at once: three deltas, no delay. */
const PROMPT = '!words 3';

export async function runDispatch(
  settings: DispatchSettings,
  log: (line: string) => void,
): Promise<DispatchResult> {
  const client = await startLoadClient();
  try {
    const measure = async (url: string): Promise<ModeResult> => {
      const agentId = await createAgent({ url });
      const workflowIds = await createWorkflows({ url }, agentId, settings.workflows);
      return client.call<ModeResult>('dispatch', {
        base: url,
        workflowIds,
        runs: settings.runs,
        warmup: settings.warmup,
        prompt: PROMPT,
      });
    };

    // The BullMQ baseline first, on the same Redis, with an echo worker of its own.
    const baseline = new Deployment();
    let bullmqBaseline: { roundTripMs: LatencySummary };
    try {
      const echo = baseline.helper('bullmq echo worker', 'bench/bullmq-echo.ts');
      const prefix = `${baseline.redisPrefix}-bullmq`;
      await waitFor('the echo worker', async () => (await workerCount(prefix)) > 0, [echo]);
      bullmqBaseline = await client.call('bullmq', {
        redisUrl: REDIS_URL,
        prefix,
        queueName: 'bench-echo',
        channel: `${prefix}:echo`,
        runs: settings.runs,
        warmup: settings.warmup,
      });
      log(
        `  BullMQ add → process → back: p50 ${bullmqBaseline.roundTripMs.p50} ms, p99 ${bullmqBaseline.roundTripMs.p99} ms`,
      );
    } finally {
      await baseline.stop();
      await deleteKeys(`${baseline.redisPrefix}-bullmq`);
    }

    const distributed = new Deployment();
    let distributedResult: ModeResult;
    try {
      const gateway = await distributed.gateway();
      await distributed.worker(20);
      distributedResult = await measure(gateway.url);
      log(
        `  distributed: first delta p50 ${distributedResult.firstDeltaMs.p50} ms, p99 ${distributedResult.firstDeltaMs.p99} ms`,
      );
    } finally {
      await distributed.stop();
    }

    const embedded = new Deployment();
    let embeddedResult: ModeResult;
    try {
      const server = await embedded.embedded();
      await sleep(500);
      embeddedResult = await measure(server.url);
      log(
        `  embedded: first delta p50 ${embeddedResult.firstDeltaMs.p50} ms, p99 ${embeddedResult.firstDeltaMs.p99} ms`,
      );
    } finally {
      await embedded.stop();
    }

    const result: DispatchResult = {
      settings: { ...settings, prompt: PROMPT },
      embedded: embeddedResult,
      distributed: distributedResult,
      bullmqBaseline,
    };
    return result;
  } finally {
    await client.stop();
  }
}

async function workerCount(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  redis.on('error', () => {});
  const queue = new Queue('bench-echo', { connection: redis, prefix });
  try {
    return await queue.getWorkersCount();
  } finally {
    await queue.close();
    redis.disconnect();
  }
}
