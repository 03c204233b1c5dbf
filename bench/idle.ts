import { freePorts } from '../test/e2e/support/processes.ts';
import { createAgent, createWorkflows } from './support/graphql.ts';
import { startLoadClient } from './support/load-client.ts';
import {
  type BenchProcess,
  canConnect,
  Deployment,
  fileDescriptorLimits,
  round,
  sampleProcess,
  sleep,
  waitFor,
} from './support/processes.ts';

export interface IdleSettings {
  /** Idle subscriptions to hold open, one workflow each (the worst case: a channel per subscription). */
  sizes: number[];
}

interface IdleStep {
  target: 'relay' | 'gateway';
  subscriptions: number;
  opened: number;
  failed: number;
  rssBeforeMb: number;
  /** RSS 3 s after the last subscription opened. */
  rssAfter3sMb: number;
  /** RSS once settled ({@link SETTLE_MS} after): what the per-subscription figure is from. */
  rssAfterMb: number;
  bytesPerSubscription: number;
}

/** How long the subscriptions are held before the settled RSS is read, in ms. */
const SETTLE_MS = 25_000;

/** Descriptors a subscription costs the gateway (one socket) and the client (one socket), plus slack. */
const FD_SLACK = 200;

export interface IdleResult {
  settings: IdleSettings;
  fileDescriptors: { soft: number; hard: number; raisedTo: number };
  skipped: number[];
  steps: IdleStep[];
  /**
   * Per target, what one more subscription costs: the growth of settled RSS between the two
   * largest sizes ÷ the difference in subscriptions. Unlike the per-step average, it leaves out
   * what a process costs once for having opened thousands of subscriptions at once (the heap it
   * grew to meanwhile), which the average spreads over N.
   */
  marginal: {
    target: 'relay' | 'gateway';
    from: number;
    to: number;
    bytesPerSubscription: number;
  }[];
}

/** The marginal cost per subscription between the two largest sizes of each target. */
export function marginalCost(steps: readonly IdleStep[]): IdleResult['marginal'] {
  return (['relay', 'gateway'] as const).flatMap((target) => {
    const ofTarget = steps
      .filter((step) => step.target === target && step.opened > 0)
      .sort((a, b) => a.opened - b.opened);
    const [smaller, larger] = ofTarget.slice(-2);
    if (!smaller || !larger || larger.opened === smaller.opened) return [];
    const bytes =
      ((larger.rssAfterMb - smaller.rssAfterMb) * 2 ** 20) / (larger.opened - smaller.opened);
    return [
      { target, from: smaller.opened, to: larger.opened, bytesPerSubscription: Math.round(bytes) },
    ];
  });
}

export async function runIdle(
  settings: IdleSettings,
  log: (line: string) => void,
): Promise<IdleResult> {
  const fd = fileDescriptorLimits();
  const runnable = settings.sizes.filter((size) => size + FD_SLACK <= fd.raisedTo);
  const skipped = settings.sizes.filter((size) => !runnable.includes(size));
  for (const size of skipped) {
    log(`  skipped ${size}: the file descriptor limit (${fd.raisedTo}) is too low`);
  }
  const deployment = new Deployment();
  const client = await startLoadClient();
  const steps: IdleStep[] = [];
  try {
    // Workflows are created once, through a gateway, for the largest size.
    const setup = await deployment.gateway('setup gateway');
    const agentId = await createAgent({ url: setup.url });
    const workflowIds = await createWorkflows(
      { url: setup.url },
      agentId,
      Math.max(0, ...runnable),
      32,
    );
    await deployment.stopProcess(setup.proc);
    for (const size of runnable) {
      for (const target of ['relay', 'gateway'] as const) {
        // A fresh server per step: RSS never shrinks back after a step's connections close.
        let proc: BenchProcess;
        let url: string;
        if (target === 'gateway') {
          const gateway = await deployment.gateway();
          proc = gateway.proc;
          url = gateway.url;
        } else {
          const [port] = await freePorts(1);
          proc = deployment.helper('relay', 'bench/relay.ts', { PORT: String(port) });
          await waitFor('the relay to listen', () => canConnect(port!), [proc]);
          url = `http://127.0.0.1:${port}`;
        }
        // Warm the code paths first, so the step measures subscriptions, not lazy module setup.
        await client.call('open', { target, base: url, workflowIds: workflowIds.slice(0, 100) });
        await client.call('closeAll');
        await sleep(SETTLE_MS);
        const before = sampleProcess(proc.pid).rssBytes;
        const opened = await client.call<{ opened: number; failed: number }>('open', {
          target,
          base: url,
          workflowIds: workflowIds.slice(0, size),
          parallel: 200,
        });
        // RSS right after opening still holds the garbage of handling the requests; V8's memory
        // reducer collects it once the process is idle for a while, so the settled value counts.
        await sleep(3_000);
        const early = sampleProcess(proc.pid).rssBytes;
        await sleep(SETTLE_MS - 3_000);
        const after = sampleProcess(proc.pid).rssBytes;
        await client.call('closeAll');
        const step: IdleStep = {
          target,
          subscriptions: size,
          opened: opened.opened,
          failed: opened.failed,
          rssBeforeMb: round(before / 2 ** 20, 1),
          rssAfter3sMb: round(early / 2 ** 20, 1),
          rssAfterMb: round(after / 2 ** 20, 1),
          bytesPerSubscription: Math.round((after - before) / Math.max(1, opened.opened)),
        };
        steps.push(step);
        log(
          `  ${target} ${size}: ${opened.opened} open (${opened.failed} failed), RSS ${step.rssBeforeMb} → ${step.rssAfter3sMb} (3 s) → ${step.rssAfterMb} MB (settled), ${round(step.bytesPerSubscription / 1024, 1)} KB each`,
        );
        await deployment.stopProcess(proc);
      }
    }
    const marginal = marginalCost(steps);
    for (const m of marginal) {
      log(
        `  ${m.target} marginal ${m.from}→${m.to}: ${round(m.bytesPerSubscription / 1024, 1)} KB per additional subscription`,
      );
    }
    return { settings, fileDescriptors: fd, skipped, steps, marginal };
  } finally {
    await client.stop();
    await deployment.stop();
  }
}
