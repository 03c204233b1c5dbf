import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AgentgateClient,
  createAgentgateClient,
  isTerminalEvent,
  type ReconnectInfo,
  type WorkflowEvent,
} from '../../sdk/index.ts';
import { generateToken } from '../../shared/domain/api-tokens.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { type Cluster, type GatewayProcess, startCluster } from './support/processes.ts';

/**
 * The SDK's streams survive the death of the gateway they are connected to: two gateways (A, B)
 * and a worker as real processes on Redis and PostgreSQL, behind a TCP proxy that sends each new
 * connection to A while A is alive and to B after. A is SIGKILLed mid-run.
 */

let cluster: Cluster;
let proxy: TcpProxy;
let a: GatewayProcess;
let b: GatewayProcess;
/** Through the proxy, reconnecting quickly. */
let sdk: AgentgateClient;
/** Straight to gateway B, for setup and the reference replay. */
let direct: AgentgateClient;

const target = (gateway: GatewayProcess) => {
  const url = new URL(gateway.url);
  return { host: url.hostname, port: Number(url.port) };
};

/** Distributed gateways require tokens: provision one at start, as a deployment would. */
const token = generateToken();

beforeAll(async () => {
  cluster = await startCluster({
    gateways: 2,
    workers: 1,
    workerConcurrency: 4,
    env: { AGENTGATE_BOOTSTRAP_TOKEN: token },
  });
  [a, b] = cluster.gateways as [GatewayProcess, GatewayProcess];
  proxy = await startTcpProxy([target(a), target(b)]);
  sdk = createAgentgateClient({
    url: `${proxy.url}/graphql`,
    token,
    retry: { minDelayMs: 50, maxDelayMs: 500, maxAttempts: 20 },
  });
  direct = createAgentgateClient({ url: `${b.url}/graphql`, token });
}, 60_000);

afterAll(async () => {
  sdk?.dispose();
  direct?.dispose();
  await proxy?.close();
  await cluster?.stop();
}, 30_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    console.error(`Output of the Agentgate processes:\n${cluster.logs()}`);
  });
});

async function drain(events: AsyncIterable<WorkflowEvent>): Promise<WorkflowEvent[]> {
  const all: WorkflowEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

describe('SDK streams when the gateway behind them dies', () => {
  it('streamRun and streamWorkflow deliver the full ordered stream after gateway A is SIGKILLed mid-run', async () => {
    const agent = await direct.createAgent({
      name: 'resume',
      systemPrompt: 'Echo.',
      model: 'demo:echo',
    });
    const workflow = await direct.createWorkflow({ agentId: agent.id });
    // About two seconds of deltas: A dies a few words in, the run goes on in the worker.
    const run = await sdk.sendPrompt({ workflowId: workflow.id, prompt: '!delay 40\n!words 50' });
    expect(proxy.connections.at(-1)).toBe(`${target(a).host}:${target(a).port}`);

    const reconnects: ReconnectInfo[] = [];
    const onReconnect = (info: ReconnectInfo) => reconnects.push(info);
    // The workflow stream replays from the start ("0-0") so it cannot miss the run's first events.
    const workflowEvents = (async () => {
      const events: WorkflowEvent[] = [];
      for await (const event of sdk.streamWorkflow(workflow.id, { after: '0-0', onReconnect })) {
        events.push(event);
        if (event.runId === run.id && isTerminalEvent(event)) break;
      }
      return events;
    })();

    const runEvents: WorkflowEvent[] = [];
    let killed: Promise<unknown> | undefined;
    for await (const event of sdk.streamRun(run.id, { onReconnect })) {
      runEvents.push(event);
      const deltas = runEvents.filter((e) => e.__typename === 'MessageDeltaEvent').length;
      if (deltas === 8 && !killed) killed = a.kill();
    }
    expect(killed, 'gateway A was killed mid-run').toBeDefined();
    expect(await killed).toMatchObject({ signal: 'SIGKILL' });

    const replay = await drain(direct.streamRun(run.id));
    expect(replay.at(-1)).toMatchObject({ __typename: 'RunStatusEvent', status: 'SUCCEEDED' });
    expect(runEvents).toEqual(replay);
    expect((await workflowEvents).filter((e) => e.runId === run.id)).toEqual(replay);

    // Both streams lost A and resumed through B.
    expect(reconnects.length).toBeGreaterThanOrEqual(2);
    expect(reconnects.every((r) => r.error.code === 'NETWORK_ERROR')).toBe(true);
    expect(proxy.connections).toContain(`${target(b).host}:${target(b).port}`);
    const answer = replay.find(
      (e) => e.__typename === 'MessageEvent' && e.message.role === 'ASSISTANT',
    );
    const deltas = replay.flatMap((e) => (e.__typename === 'MessageDeltaEvent' ? [e.delta] : []));
    expect(deltas).toHaveLength(50);
    expect(answer?.__typename === 'MessageEvent' && answer.message.content).toBe(deltas.join(''));
  }, 60_000);
});
