import type { CapacityResult } from './capacity.ts';
import type { DispatchResult } from './dispatch.ts';
import type { FanOutResult } from './fanout.ts';
import type { IdleResult } from './idle.ts';
import type { StorageResult } from './storage.ts';

type Row = [benchmark: string, measure: string, result: string, target: string, met: string];

const check = (ok: boolean | undefined) => (ok === undefined ? '' : ok ? 'yes' : 'NO');

/** The rows of the results table: one line per reported number, with its target where it has one. */
export function summaryRows(results: Record<string, unknown>): Row[] {
  const rows: Row[] = [];
  const fanout = results.fanout as FanOutResult | undefined;
  if (fanout?.phases) {
    for (const phase of fanout.phases) {
      rows.push([
        `fan-out ${phase.subscribers} ${phase.target}`,
        'delivered ev/s (offered); p50 / p99 ms; server CPU, peak RSS',
        `${phase.deliveredEventsPerSecond} (${phase.offeredEventsPerSecond}); ${phase.latencyMs.p50} / ${phase.latencyMs.p99}; ${phase.server.cpuPercent}%, ${phase.server.peakRssMb} MB`,
        '',
        '',
      ]);
    }
    for (const failure of fanout.failures ?? []) {
      rows.push(['fan-out (failed phase)', failure.slice(0, 120), '', '', '']);
    }
    for (const ratio of fanout.ratios) {
      const big = ratio.subscribers === Math.max(...fanout.settings.sizes);
      rows.push([
        `fan-out ${ratio.subscribers} gateway ÷ relay`,
        'throughput; p99',
        `${ratio.throughputRatio}; ${ratio.p99Ratio}`,
        big ? '≥ 0.7; ≤ 2' : '',
        big ? check(ratio.throughputRatio >= 0.7 && ratio.p99Ratio <= 2) : '',
      ]);
    }
  }
  const dispatch = results.dispatch as DispatchResult | undefined;
  if (dispatch?.distributed) {
    const d = dispatch.distributed.firstDeltaMs;
    rows.push([
      'dispatch distributed',
      'sendPrompt → first delta p50 / p99 ms',
      `${d.p50} / ${d.p99}`,
      '≤ 10 / ≤ 50',
      check(d.p50 <= 10 && d.p99 <= 50),
    ]);
    const e = dispatch.embedded.firstDeltaMs;
    rows.push([
      'dispatch embedded',
      'sendPrompt → first delta p50 / p99 ms',
      `${e.p50} / ${e.p99}`,
      '',
      '',
    ]);
    const b = dispatch.bullmqBaseline.roundTripMs;
    rows.push([
      'dispatch baseline',
      'BullMQ add → process → back p50 / p99 ms',
      `${b.p50} / ${b.p99}`,
      '',
      '',
    ]);
  }
  const capacity = results.capacity as CapacityResult | undefined;
  if (capacity?.steps) {
    for (const step of capacity.steps) {
      const targeted = step.concurrency === 500;
      rows.push([
        `worker C=${step.concurrency}`,
        'sustained ev/s (ideal); completed / lost; peak RSS',
        `${step.sustainedEventsPerSecond} (${step.idealEventsPerSecond}); ${step.runsCompleted} / ${step.runsLost}; ${step.worker.peakRssMb} MB`,
        targeted ? '500 runs, RSS ≤ 300 MB, 0 lost' : '',
        targeted
          ? check(step.runsLost === 0 && step.worker.peakRssMb <= 300 && step.sustainedRatio >= 0.9)
          : '',
      ]);
    }
  }
  const idle = results.idle as IdleResult | undefined;
  if (idle?.steps) {
    for (const step of idle.steps) {
      rows.push([
        `idle ${step.subscriptions} ${step.target}`,
        'bytes per subscription',
        `${step.bytesPerSubscription} (${step.opened} open)`,
        step.target === 'gateway' ? '≤ 20480' : '',
        step.target === 'gateway' ? check(step.bytesPerSubscription <= 20_480) : '',
      ]);
    }
    for (const m of idle.marginal ?? []) {
      rows.push([
        `idle marginal ${m.target}`,
        `bytes per additional subscription, ${m.from}→${m.to}`,
        String(m.bytesPerSubscription),
        m.target === 'gateway' ? '≤ 20480' : '',
        m.target === 'gateway' ? check(m.bytesPerSubscription <= 20_480) : '',
      ]);
    }
  }
  const storage = results.storage as StorageResult | undefined;
  if (storage?.postgres) {
    rows.push([
      'storage PostgreSQL',
      'bytes per 1 KB message (table + indexes)',
      `${storage.postgres.bytesPerMessage.total} (+${storage.postgres.overheadBytes})`,
      `≤ content + 500`,
      check(storage.postgres.overheadBytes <= 500),
    ]);
    rows.push([
      'storage Redis',
      'bytes per retained event: delta log; run logs',
      `${storage.redis.deltaLog.bytesPerEvent}; ${storage.redis.runLogs.bytesPerEvent}`,
      '',
      '',
    ]);
  }
  return rows;
}

export function printSummary(results: Record<string, unknown>): void {
  const header: Row = ['benchmark', 'measure', 'result', 'target', 'met'];
  const rows = [header, ...summaryRows(results)];
  const widths = header.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  console.log(`\nAgentgate benchmarks, ${String(results.mode)} mode, ${String(results.date)}\n`);
  for (const [index, row] of rows.entries()) {
    console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | '));
    if (index === 0) console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  }
}
