import { Redis } from 'ioredis';
import { createAgent, createWorkflows, inParallel, sendPrompt } from './support/graphql.ts';
import { startLoadClient } from './support/load-client.ts';
import { Deployment, monitor, REDIS_URL, round, sleep, withPg } from './support/processes.ts';
import type { LatencySummary } from './support/stats.ts';

export interface CapacitySettings {
  /** Concurrent runs of the one worker process (its WORKER_CONCURRENCY), one step each. */
  concurrencies: number[];
  /** Deltas per run; at `!delay 50` a run streams words / 20 seconds. */
  words: number;
}

const DELAY_MS = 50;

export interface CapacityStep {
  concurrency: number;
  idealEventsPerSecond: number;
  sustainedEventsPerSecond: number;
  sustainedRatio: number;
  runsCompleted: number;
  runsLost: number;
  statuses: Record<string, number>;
  deltasPerRun: { min: number; max: number; expected: number };
  perRunDeltasPerSecond: LatencySummary;
  allStartedAfterMs: number;
  lastEndedAfterMs: number;
  publishLagMs: LatencySummary;
  worker: { cpuPercent: number; peakRssMb: number };
  redisCpuPercent: number;
}

export interface CapacityResult {
  settings: CapacitySettings & { delayMs: number };
  steps: CapacityStep[];
}

export async function runCapacity(
  settings: CapacitySettings,
  log: (line: string) => void,
): Promise<CapacityResult> {
  const deployment = new Deployment();
  const redis = new Redis(REDIS_URL);
  const client = await startLoadClient();
  try {
    const gateway = await deployment.gateway();
    const target = { url: gateway.url };
    const agentId = await createAgent(target);
    const max = Math.max(...settings.concurrencies);
    const workflowIds = await createWorkflows(target, agentId, max, 32);
    const steps: CapacityStep[] = [];
    const idealSeconds = (settings.words * DELAY_MS) / 1000;
    for (const concurrency of settings.concurrencies) {
      const worker = await deployment.worker(concurrency, `worker C=${concurrency}`);
      await sleep(500);
      await client.call('observeStart', { redisUrl: REDIS_URL, prefix: deployment.redisPrefix });
      const redisCpu0 = await redisCpuMs(redis);
      const t0 = performance.now();
      const watch = monitor({ worker: worker.pid, gateway: gateway.proc.pid });
      const runIds: string[] = [];
      const prompt = `!delay ${DELAY_MS}\n!words ${settings.words}`;
      await inParallel(workflowIds.slice(0, concurrency), 32, async (workflowId) => {
        runIds.push(await sendPrompt(target, workflowId, prompt));
      });
      // Bounded: three times the ideal run time plus a minute, then whatever has not ended is lost.
      const deadline = Date.now() + idealSeconds * 3_000 + 60_000;
      for (;;) {
        const status = await client.call<{ ended: number }>('observeStatus');
        if (status.ended >= concurrency || Date.now() > deadline) break;
        await sleep(250);
      }
      const usage = watch.stop();
      const redisCpuPercent = round(
        (100 * ((await redisCpuMs(redis)) - redisCpu0)) / (performance.now() - t0),
        1,
      );
      const observed = await client.call<{
        deltas: number;
        buckets: number[];
        statuses: Record<string, number>;
        perRunDeltas: { min: number; max: number };
        perRunDeltasPerSecond: LatencySummary;
        firstDeltaSpreadMs: { first: number; last: number };
        endSpreadMs: { first: number; last: number };
        publishLagMs: LatencySummary;
      }>('observeStop');
      const stored = await withPg(async (pg) => {
        const rows = await pg.query<{ status: string; n: string }>(
          `SELECT status, count(*) AS n FROM "${deployment.databaseSchema}".runs WHERE id = ANY($1) GROUP BY status`,
          [runIds],
        );
        return Object.fromEntries(rows.rows.map((r) => [r.status, Number(r.n)]));
      });
      const completed = stored.SUCCEEDED ?? 0;
      const step: CapacityStep = {
        concurrency,
        idealEventsPerSecond: concurrency * (1000 / DELAY_MS),
        sustainedEventsPerSecond: sustainedRate(observed),
        sustainedRatio: 0,
        runsCompleted: completed,
        runsLost: concurrency - completed,
        statuses: stored,
        deltasPerRun: { ...observed.perRunDeltas, expected: settings.words },
        perRunDeltasPerSecond: observed.perRunDeltasPerSecond,
        allStartedAfterMs: observed.firstDeltaSpreadMs.last,
        lastEndedAfterMs: observed.endSpreadMs.last,
        publishLagMs: observed.publishLagMs,
        worker: { cpuPercent: usage.worker!.cpuPercent, peakRssMb: usage.worker!.peakRssMb },
        redisCpuPercent,
      };
      step.sustainedRatio = round(step.sustainedEventsPerSecond / step.idealEventsPerSecond);
      steps.push(step);
      log(
        `  C=${concurrency}: ${step.sustainedEventsPerSecond}/${step.idealEventsPerSecond} ev/s sustained, ${completed}/${concurrency} completed, deltas/run ${step.deltasPerRun.min}..${step.deltasPerRun.max}, per-run rate p50 ${step.perRunDeltasPerSecond.p50}/s, worker CPU ${step.worker.cpuPercent}% peak RSS ${step.worker.peakRssMb} MB, Redis CPU ${redisCpuPercent}%, all started after ${step.allStartedAfterMs} ms, last ended after ${step.lastEndedAfterMs} ms`,
      );
      await deployment.stopProcess(worker);
    }
    return { settings: { ...settings, delayMs: DELAY_MS }, steps };
  } finally {
    await client.stop();
    redis.disconnect();
    await deployment.stop();
  }
}

/**
 * Deltas per second while every run was streaming: the mean of the whole seconds after the last
 * run's first delta and before the first run ended; when that window is empty (runs started
 * slower than they ran), all deltas over the span from first delta to last end.
 */
function sustainedRate(observed: {
  deltas: number;
  buckets: number[];
  firstDeltaSpreadMs: { first: number; last: number };
  endSpreadMs: { first: number; last: number };
}): number {
  const from = Math.ceil(observed.firstDeltaSpreadMs.last / 1000) + 1;
  const to = Math.floor(observed.endSpreadMs.first / 1000) - 1;
  if (to - from >= 2) {
    const window = observed.buckets.slice(from, to);
    return Math.round(window.reduce((a, b) => a + b, 0) / window.length);
  }
  const span = (observed.endSpreadMs.last - observed.firstDeltaSpreadMs.first) / 1000;
  return span > 0 ? Math.round(observed.deltas / span) : 0;
}

async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const user = Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0);
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0);
  return (user + sys) * 1000;
}
