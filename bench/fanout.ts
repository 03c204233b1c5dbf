import { freePorts } from '../test/e2e/support/processes.ts';
import {
  createAgent,
  createWorkflows,
  type GraphQLTarget,
  gql,
  inParallel,
  sendPrompt,
} from './support/graphql.ts';
import { startLoadClient } from './support/load-client.ts';
import { canConnect, Deployment, monitor, round, sleep, waitFor } from './support/processes.ts';
import type { LatencySummary } from './support/stats.ts';

export interface FanOutSettings {
  /** Subscriber counts to run, each against the relay and then the gateway. */
  sizes: number[];
  /** Workflows the subscribers are spread over (round-robin); one streaming run each. */
  workflows: number;
  /** Milliseconds between deltas of each run (`!delay`): total rate = workflows × 1000 / delayMs. */
  delayMs: number;
  warmupMs: number;
  windowMs: number;
}

interface Phase {
  target: 'relay' | 'gateway';
  subscribers: number;
  opened: number;
  offeredEventsPerSecond: number;
  deliveredEventsPerSecond: number;
  latencyMs: LatencySummary;
  unexpectedEnds: number;
  server: { cpuPercent: number; rssMb: number; peakRssMb: number };
  client: { cpuPercent: number; peakRssMb: number };
  worker: { cpuPercent: number };
}

export interface FanOutResult {
  settings: FanOutSettings & { publishedEventsPerSecond: number };
  phases: Phase[];
  /** Phases that could not run, and why. */
  failures: string[];
  ratios: {
    subscribers: number;
    throughputRatio: number;
    p99Ratio: number;
    p50Ratio: number;
  }[];
}

const CANCEL = 'mutation($id: ID!) { cancelRun(id: $id) { status } }';
const RUN_STATUS = 'query($id: ID!) { run(id: $id) { status } }';

export async function runFanOut(
  settings: FanOutSettings,
  log: (line: string) => void,
): Promise<FanOutResult> {
  const deployment = new Deployment();
  try {
    const gateway = await deployment.gateway();
    const worker = await deployment.worker(settings.workflows + 10);
    const [relayPort] = await freePorts(1);
    const relay = deployment.helper('relay', 'bench/relay.ts', { PORT: String(relayPort) });
    await waitFor('the relay to listen', () => canConnect(relayPort!), [relay]);
    const relayUrl = `http://127.0.0.1:${relayPort}`;
    const target: GraphQLTarget = { url: gateway.url };
    const agentId = await createAgent(target);
    const workflowIds = await createWorkflows(target, agentId, settings.workflows);
    const client = await startLoadClient();
    const perWorkflowRate = 1000 / settings.delayMs;
    const words = Math.ceil(
      ((settings.warmupMs + settings.windowMs) / 1000 + 30) * perWorkflowRate,
    );
    const phases: Phase[] = [];
    const failures: string[] = [];
    try {
      for (const subscribers of settings.sizes) {
        for (const kind of ['relay', 'gateway'] as const) {
          const base = kind === 'relay' ? relayUrl : gateway.url;
          const ids = Array.from(
            { length: subscribers },
            (_, i) => workflowIds[i % workflowIds.length]!,
          );
          const opened = await client.call<{ opened: number; failed: number; openMs: number }>(
            'open',
            {
              target: kind,
              base,
              workflowIds: ids,
            },
          );
          log(
            `  ${kind} ${subscribers}: ${opened.opened} open (${opened.failed} failed) in ${opened.openMs} ms`,
          );
          const runIds: string[] = [];
          try {
            await inParallel(workflowIds, 16, async (workflowId) => {
              runIds.push(
                await sendPrompt(target, workflowId, `!delay ${settings.delayMs}\n!words ${words}`),
              );
            });
          } catch (error) {
            // A server too overloaded to start the runs is a result: record it and go on.
            const message = `${kind} ${subscribers}: could not start the runs: ${error instanceof Error ? error.message : error}`;
            failures.push(message);
            log(`  ${message}`);
            await client.call('closeAll');
            continue;
          }
          await sleep(settings.warmupMs);
          const watch = monitor({
            server: kind === 'relay' ? relay.pid : gateway.proc.pid,
            client: client.proc.pid,
            worker: worker.pid,
          });
          await client.call('measureStart');
          await sleep(settings.windowMs);
          const measured = await client.call<{
            eventsPerSecond: number;
            latencyMs: LatencySummary;
            unexpectedEnds: number;
          }>('measureStop');
          const usage = watch.stop();
          await client.call('closeAll');
          await inParallel(runIds, 16, async (id) => {
            await gql(target, CANCEL, { id });
          });
          await waitFor('the runs to end', async () => {
            for (const id of runIds) {
              const data = await gql<{ run: { status: string } }>(target, RUN_STATUS, { id });
              if (data.run.status === 'RUNNING' || data.run.status === 'QUEUED') return false;
            }
            return true;
          });
          const phase: Phase = {
            target: kind,
            subscribers,
            opened: opened.opened,
            offeredEventsPerSecond: Math.round(
              (subscribers / settings.workflows) * settings.workflows * perWorkflowRate,
            ),
            deliveredEventsPerSecond: measured.eventsPerSecond,
            latencyMs: measured.latencyMs,
            unexpectedEnds: measured.unexpectedEnds,
            server: usage.server!,
            client: { cpuPercent: usage.client!.cpuPercent, peakRssMb: usage.client!.peakRssMb },
            worker: { cpuPercent: usage.worker!.cpuPercent },
          };
          phases.push(phase);
          log(
            `  ${kind} ${subscribers}: ${phase.deliveredEventsPerSecond}/${phase.offeredEventsPerSecond} ev/s, p50 ${phase.latencyMs.p50} ms, p99 ${phase.latencyMs.p99} ms, server CPU ${phase.server.cpuPercent}% RSS ${phase.server.peakRssMb} MB, client CPU ${phase.client.cpuPercent}%`,
          );
        }
      }
    } finally {
      await client.stop();
    }
    const ratios = settings.sizes.flatMap((subscribers) => {
      const relayPhase = phases.find((p) => p.target === 'relay' && p.subscribers === subscribers);
      const gatewayPhase = phases.find(
        (p) => p.target === 'gateway' && p.subscribers === subscribers,
      );
      if (!relayPhase || !gatewayPhase) return [];
      return {
        subscribers,
        throughputRatio: round(
          gatewayPhase.deliveredEventsPerSecond / relayPhase.deliveredEventsPerSecond,
        ),
        p99Ratio: round(gatewayPhase.latencyMs.p99 / relayPhase.latencyMs.p99),
        p50Ratio: round(gatewayPhase.latencyMs.p50 / relayPhase.latencyMs.p50),
      };
    });
    const result: FanOutResult = {
      settings: { ...settings, publishedEventsPerSecond: settings.workflows * perWorkflowRate },
      phases,
      ratios,
      failures,
    };
    return result;
  } finally {
    await deployment.stop();
  }
}
