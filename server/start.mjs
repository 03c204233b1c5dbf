// `npm start`: runs the embedded entry (server/embedded.ts) compiled, not through a TypeScript
// loader: esbuild bundles the project's own code into one file beside this one (under a second,
// and only when a source is newer than it), and node runs that with source maps, so stack traces
// point at the .ts files. Packages stay in node_modules. docs/embedded.md, "Start-up".
import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

process.stderr.write('Agentgate: starting (embedded)…\n');
const root = fileURLToPath(new URL('../', import.meta.url));
const entry = fileURLToPath(new URL('./embedded.ts', import.meta.url));
// Beside this file: the bundle's `import.meta.url` then resolves `../web/` as the sources do.
const outfile = fileURLToPath(new URL('./embedded.bundle.mjs', import.meta.url));

/** Newest modification time of the sources the bundle is made of, in ms. */
async function newestSource() {
  let newest = 0;
  for (const dir of ['server', 'worker', 'shared', 'schema', 'sdk']) {
    for (const name of await readdir(root + dir, { recursive: true })) {
      if (!name.endsWith('.ts')) continue;
      newest = Math.max(newest, statSync(`${root}${dir}/${name}`).mtimeMs);
    }
  }
  return Math.max(newest, statSync(`${root}package-lock.json`).mtimeMs);
}

let built = 0;
try {
  built = statSync(outfile).mtimeMs;
} catch {}
if (built < (await newestSource())) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}
process.setSourceMapsEnabled(true);
await import(pathToFileURL(outfile).href);
