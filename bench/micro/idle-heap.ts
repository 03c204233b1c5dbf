/**
 * Where an idle subscription's memory goes: starts a gateway (real Redis and PostgreSQL), opens
 * N idle `workflowEvents` subscriptions (one workflow each) from the load client, takes a V8 heap
 * snapshot of the gateway, and prints the object kinds whose count grew by about N or more, with
 * their bytes per subscription (shallow sizes, so it adds up to the heap part of RSS only).
 *
 *   npx tsx bench/micro/idle-heap.ts [N=2000]
 *
 * With KEEP_SNAPSHOTS=1 the two snapshots are kept (their paths are printed) for a retainer
 * analysis in Chrome DevTools.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createWorkflows } from '../support/graphql.ts';
import { startLoadClient } from '../support/load-client.ts';
import { buildForBench, Deployment, sleep } from '../support/processes.ts';

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Count and shallow bytes per "type:name" of a snapshot. */
function histogram(path: string): Map<string, { count: number; bytes: number }> {
  const heap = JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const result = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < heap.nodes.length; i += width) {
    const type = types[heap.nodes[i + typeAt!]!]!;
    const name =
      type === 'object' || type === 'closure' ? heap.strings[heap.nodes[i + nameAt!]!] : '';
    const key = `${type}:${name}`;
    const entry = result.get(key) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += heap.nodes[i + sizeAt!]!;
    result.set(key, entry);
  }
  return result;
}

/** Signals the gateway to write a heap snapshot; it is written, blocking the process, when it answers again. */
async function snapshot(pid: number, url: string, dir: string): Promise<string> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 600; i++) {
    await sleep(500);
    const added = readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (added.length === 0) continue;
    await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(300_000) });
    return join(dir, added[0]!);
  }
  throw new Error('no heap snapshot was written');
}

const n = Number(process.argv[2] ?? 2000);
buildForBench();
const dir = await mkdtemp(join(tmpdir(), 'agentgate-heap-'));
const deployment = new Deployment();
const client = await startLoadClient();
try {
  const { url, proc } = await deployment.gateway('gateway', [
    '--heapsnapshot-signal=SIGUSR2',
    `--diagnostic-dir=${dir}`,
  ]);
  const agentId = await createAgent({ url });
  const workflowIds = await createWorkflows({ url }, agentId, n, 32);
  await client.call('open', {
    target: 'gateway',
    base: url,
    workflowIds: workflowIds.slice(0, 50),
  });
  await client.call('closeAll');
  await sleep(3_000);
  const empty = histogram(await snapshot(proc.pid, url, dir));
  const opened = await client.call<{ opened: number }>('open', {
    target: 'gateway',
    base: url,
    workflowIds,
    parallel: 200,
  });
  await sleep(3_000);
  const full = histogram(await snapshot(proc.pid, url, dir));
  const rows = [...full]
    .map(([key, { count, bytes }]) => {
      const was = empty.get(key) ?? { count: 0, bytes: 0 };
      return { key, count: count - was.count, bytes: bytes - was.bytes };
    })
    .filter((row) => row.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  const total = rows.reduce((sum, row) => sum + row.bytes, 0);
  console.log(
    `${opened.opened} idle subscriptions: heap grew ${Math.round(total / opened.opened)} B each`,
  );
  for (const row of rows.slice(0, 45)) {
    console.log(
      `${String(Math.round(row.bytes / opened.opened)).padStart(6)} B  ${(row.count / opened.opened).toFixed(2).padStart(6)} per sub  ${row.key}`,
    );
  }
} finally {
  await client.stop();
  await deployment.stop();
  if (process.env.KEEP_SNAPSHOTS === '1') console.log(`snapshots kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
