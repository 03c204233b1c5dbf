import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateToken } from '../../shared/domain/api-tokens.ts';
import { scrape, series, sumOf } from '../support/prometheus.ts';
import {
  type AgentgateClient,
  createAgentgateClient,
  isTerminalStatusEvent,
  type WorkflowEvent,
} from './support/graphql-client.ts';
import { type Cluster, startCluster } from './support/processes.ts';

/**
 * Metrics and logs of real processes: a gateway and a worker (one run at a time) on Redis and
 * PostgreSQL, scraped over HTTP the way Prometheus does, their output read as JSON lines.
 */

const TEST_TIMEOUT_MS = 30_000;
/** Distributed gateways require tokens: provision one at start, as a deployment would. */
const token = generateToken();

let cluster: Cluster;
let client: AgentgateClient;
let agentId: string;

beforeAll(async () => {
  cluster = await startCluster({
    gateways: 1,
    workers: 1,
    workerConcurrency: 1,
    env: { LOG_LEVEL: 'debug', AGENTGATE_BOOTSTRAP_TOKEN: token },
  });
  client = createAgentgateClient(cluster.gateways[0]!.url, { token });
  agentId = await client.createAgent({
    name: 'metrics',
    systemPrompt: 'Echo.',
    model: 'demo:echo',
  });
}, 60_000);

afterAll(async () => {
  client?.close();
  await cluster?.stop();
}, 30_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => console.error(`Output of the Agentgate processes:\n${cluster.logs()}`));
});

const gatewayMetrics = () => scrape(`${cluster.gatewayMetricsUrls[0]}/metrics`);
const workerMetrics = () => scrape(`${cluster.workers[0]!.metricsUrl}/metrics`);

async function runToTheEnd(prompt: string): Promise<WorkflowEvent[]> {
  const workflowId = await client.createWorkflow(agentId);
  const run = await client.sendPrompt(workflowId, prompt);
  const events: WorkflowEvent[] = [];
  for await (const event of client.runEvents(run.id)) {
    events.push(event);
    if (isTerminalStatusEvent(event)) break;
  }
  return events;
}

/** The JSON records a process wrote (pino: one object per line). */
function records(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('metrics of a gateway and a worker process', () => {
  it(
    'count the run on both sides: queued and streamed on the gateway, executed on the worker',
    async () => {
      const events = await runToTheEnd('!delay 10\nhello metrics');
      expect(events.at(-1)).toMatchObject({ status: 'SUCCEEDED' });

      const gateway = await gatewayMetrics();
      expect(sumOf(gateway, 'agentgate_runs_total', { status: 'QUEUED' })).toBeGreaterThanOrEqual(
        1,
      );
      expect(sumOf(gateway, 'agentgate_events_delivered_total')).toBeGreaterThanOrEqual(
        events.length,
      );
      expect(sumOf(gateway, 'agentgate_event_delivery_lag_seconds_count')).toBeGreaterThan(0);
      expect(
        sumOf(gateway, 'graphql_envelop_phase_execute_count', { operationType: 'mutation' }),
      ).toBeGreaterThan(0);
      await vi.waitFor(async () =>
        expect(sumOf(await gatewayMetrics(), 'agentgate_sse_streams_open')).toBe(0),
      );

      const worker = await workerMetrics();
      expect(sumOf(worker, 'agentgate_runs_total', { status: 'RUNNING' })).toBeGreaterThanOrEqual(
        1,
      );
      expect(sumOf(worker, 'agentgate_runs_total', { status: 'SUCCEEDED' })).toBeGreaterThanOrEqual(
        1,
      );
      expect(
        sumOf(worker, 'agentgate_run_duration_seconds_count', { status: 'SUCCEEDED' }),
      ).toBeGreaterThanOrEqual(1);
      expect(
        sumOf(worker, 'agentgate_tokens_total', { model: 'demo:echo', kind: 'output' }),
      ).toBeGreaterThanOrEqual(3);
      expect(sumOf(worker, 'agentgate_worker_slots')).toBe(1);
      expect(
        series(worker, 'agentgate_queue_jobs')
          .map((s) => s.labels.state)
          .sort(),
      ).toEqual(['active', 'delayed', 'prioritized', 'waiting']);
      expect((await fetch(`${cluster.workers[0]!.metricsUrl}/readyz`)).status).toBe(200);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "report the real queue's depth by state and the busy slot while runs wait",
    async () => {
      const workflows = await Promise.all([1, 2, 3].map(() => client.createWorkflow(agentId)));
      const runs = await Promise.all(
        workflows.map((id) => client.sendPrompt(id, '!sleep 1500\nbusy')),
      );
      // One slot: one run active, the other two waiting in BullMQ's wait list.
      await vi.waitFor(
        async () => {
          const worker = await workerMetrics();
          expect(sumOf(worker, 'agentgate_queue_jobs', { state: 'active' })).toBe(1);
          expect(sumOf(worker, 'agentgate_queue_jobs', { state: 'waiting' })).toBe(2);
          expect(sumOf(worker, 'agentgate_worker_slots_busy')).toBe(1);
        },
        { timeout: 5_000, interval: 100 },
      );
      for (const run of runs) {
        for await (const event of client.runEvents(run.id)) {
          if (isTerminalStatusEvent(event)) break;
        }
      }
      await vi.waitFor(async () => {
        const worker = await workerMetrics();
        expect(sumOf(worker, 'agentgate_queue_jobs')).toBe(0);
        expect(sumOf(worker, 'agentgate_worker_slots_busy')).toBe(0);
      });
    },
    TEST_TIMEOUT_MS,
  );
});

describe('logs', () => {
  it('are JSON lines with the request id on the gateway and the run, workflow and job ids on the worker', async () => {
    await runToTheEnd('logs');
    const gateway = records(cluster.gateways[0]!.output());
    expect(gateway.find((r) => r.msg === 'request' && r.path === '/graphql')).toMatchObject({
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 200,
      name: 'agentgate-gateway',
    });
    const worker = records(cluster.workers[0]!.output());
    const started = worker.find((r) => r.msg === 'run job started');
    expect(started).toMatchObject({
      runId: expect.any(String),
      workflowId: expect.any(String),
      jobId: started?.runId,
      name: 'agentgate-worker',
    });
  });
});
