/**
 * `npm run build:console`: writes the console to `web/dist/` (index.html, console.css,
 * console.js) for hosting it elsewhere. The gateway does not need this: it builds the same bundle
 * in memory and serves it at `/console`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildConsole } from './bundle.ts';

const outDir = fileURLToPath(new URL('./dist/', import.meta.url));
const bundle = await buildConsole();
await mkdir(outDir, { recursive: true });
await Promise.all([
  writeFile(`${outDir}index.html`, bundle.html),
  writeFile(`${outDir}console.css`, bundle.css),
  writeFile(`${outDir}console.js`, bundle.js),
]);
console.log(
  `console written to ${outDir} (console.js: ${(bundle.js.length / 1024).toFixed(1)} KiB)`,
);
