import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ConsoleBundle } from '../server/console.ts';

const WEB_DIR = fileURLToPath(new URL('./', import.meta.url));

/**
 * Bundles `web/src/main.ts` (and the SDK, graphql-sse and the generated documents it imports) for
 * browsers with esbuild, in memory. Takes a fraction of a second; the gateway does it once, on the
 * first request for `/console` (server/console.ts).
 */
export async function buildConsole(): Promise<ConsoleBundle> {
  // Loaded on demand: a gateway whose console is never opened never loads esbuild.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [`${WEB_DIR}src/main.ts`],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild produced no console bundle');
  const [html, css] = await Promise.all([
    readFile(`${WEB_DIR}index.html`, 'utf8'),
    readFile(`${WEB_DIR}console.css`, 'utf8'),
  ]);
  return { html, css, js: output.text };
}
