/**
 * `npm run bench [-- --quick] [-- --only fanout,dispatch,capacity,idle,storage]`: runs the
 * benchmarks against real processes, prints a table and writes `bench/results.json` (quick mode:
 * `bench/results.quick.json`). Never part of `npm test`. `BENCH_QUICK=1` is the same as --quick.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { runCapacity } from './capacity.ts';
import { runDispatch } from './dispatch.ts';
import { runFanOut } from './fanout.ts';
import { runIdle } from './idle.ts';
import { runStartup } from './startup.ts';
import { runStorage } from './storage.ts';
import { printSummary } from './summary.ts';
import { buildForBench, COMPILED, fileDescriptorLimits, REPO_ROOT } from './support/processes.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick') || process.env.BENCH_QUICK === '1';
const onlyArg = args.find((a) => a.startsWith('--only'));
const onlyValue = onlyArg?.includes('=') ? onlyArg.split('=')[1] : args[args.indexOf('--only') + 1];
const only = onlyArg ? new Set(onlyValue?.split(',')) : null;
const selected = (name: string) => only === null || only.has(name);

const settings = quick
  ? {
      fanout: { sizes: [200, 1000], workflows: 20, delayMs: 100, warmupMs: 2_000, windowMs: 5_000 },
      dispatch: { runs: 100, warmup: 10, workflows: 10 },
      capacity: { concurrencies: [50, 200], words: 100 },
      idle: { sizes: [1000] },
      storage: { messages: 200, deltaEvents: 1000 },
      startup: { restarts: 2 },
    }
  : {
      fanout: {
        sizes: [1000, 5000],
        workflows: 50,
        delayMs: 250,
        warmupMs: 3_000,
        windowMs: 15_000,
      },
      dispatch: { runs: 500, warmup: 20, workflows: 50 },
      capacity: { concurrencies: [50, 200, 500, 1000], words: 200 },
      idle: { sizes: [5000, 10000] },
      storage: { messages: 1000, deltaEvents: 5000 },
      startup: { restarts: 5 },
    };

// Overrides for exploring one case, e.g. while profiling: BENCH_FANOUT_SIZES=5000.
if (process.env.BENCH_FANOUT_SIZES) {
  settings.fanout.sizes = process.env.BENCH_FANOUT_SIZES.split(',').map(Number);
}
if (process.env.BENCH_CAPACITY) {
  settings.capacity.concurrencies = process.env.BENCH_CAPACITY.split(',').map(Number);
}

const log = (line: string) => console.log(line);
// The gateway, worker and embedded server run as the image runs them: compiled.
log(
  COMPILED ? 'building dist/ (npm run build) …' : 'running the sources through tsx (BENCH_TSX=1)',
);
buildForBench();
const started = new Date();
/** Every section says which code it measured. */
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT })
  .toString()
  .trim();
const fd = fileDescriptorLimits();
const results: Record<string, unknown> = {
  date: started.toISOString(),
  mode: quick ? 'quick' : 'full',
  processes: COMPILED ? 'compiled (dist/, as in the image)' : 'sources through tsx',
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    fileDescriptors: fd,
  },
  settings,
};

const benchmarks: [string, () => Promise<unknown>][] = [
  ['fanout', () => runFanOut(settings.fanout, log)],
  ['dispatch', () => runDispatch(settings.dispatch, log)],
  ['capacity', () => runCapacity(settings.capacity, log)],
  ['idle', () => runIdle(settings.idle, log)],
  ['storage', () => runStorage(settings.storage, log)],
  ['startup', () => runStartup(settings.startup, log)],
];

// Bounded by construction, but a hung benchmark must still end the run.
const hardLimit = setTimeout(
  () => {
    console.error('bench: hard time limit reached; exiting');
    process.exit(2);
  },
  (quick ? 15 : 60) * 60_000,
);
hardLimit.unref();

for (const [name, run] of benchmarks) {
  if (!selected(name)) continue;
  log(
    `\n== ${name} == (load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})`,
  );
  const loadBefore = loadavg()[0];
  const t0 = Date.now();
  try {
    results[name] = {
      ...((await run()) as object),
      date: new Date().toISOString(),
      commit,
      loadAverage1m: { before: loadBefore, after: loadavg()[0] },
    };
  } catch (error) {
    console.error(`${name} failed:`, error);
    results[name] = {
      error: error instanceof Error ? error.message.slice(0, 2000) : String(error),
    };
  }
  log(`   (${Math.round((Date.now() - t0) / 1000)} s)`);
}
results.durationSeconds = Math.round((Date.now() - started.getTime()) / 1000);

const out = join(REPO_ROOT, 'bench', quick ? 'results.quick.json' : 'results.json');
if (only !== null && existsSync(out)) {
  // A partial run (--only) updates its sections of the last results and keeps the others.
  const previous = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
  for (const [name] of benchmarks) {
    if (!only.has(name) && previous[name] !== undefined) results[name] = previous[name];
  }
}
printSummary(results);
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
// `npm test` runs Biome over the repository: leave the file the way Biome formats it.
try {
  execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'biome'), ['format', '--write', out], {
    stdio: 'ignore',
  });
} catch {
  log('could not format the results with Biome; run `npx biome format --write` on them');
}
log(`\nwrote ${out}`);
process.exit(0);
