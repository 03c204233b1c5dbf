import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePorts,
  isReady,
  type ManagedProcess,
  startProcess,
  waitUntil,
} from './support/processes.ts';

/**
 * The README's curl walk-through, run as written (only its address is this test's) in bash
 * against `npm start`'s entry: a newcomer pastes it and it works.
 */

const run = promisify(execFile);
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const dataDir = mkdtempSync(join(tmpdir(), 'agentgate-readme-'));
let server: ManagedProcess;
let url: string;

/** The `sh` blocks of the README section that starts with `heading`. */
function shellBlocks(heading: string): string[] {
  const section = readme.slice(readme.indexOf(heading));
  const end = section.indexOf('\n## ', heading.length);
  return [...(end > 0 ? section.slice(0, end) : section).matchAll(/```sh\n([\s\S]*?)```/g)].map(
    (match) => match[1]!,
  );
}

beforeAll(async () => {
  const [port] = (await freePorts(1)) as [number];
  url = `http://127.0.0.1:${port}`;
  server = startProcess('npm start', 'server/start.mjs', {
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  });
  await waitUntil('npm start', () => isReady(url), [server], Date.now() + 60_000);
}, 90_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the README walk-through', () => {
  it('runs as pasted: ids are captured, the run streams, the conversation reads back', async () => {
    const blocks = shellBlocks('## Two-minute walk-through with curl');
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    const script = blocks.join('\n').replaceAll('http://127.0.0.1:4000', url);
    const { stdout } = await run('bash', ['-e', '-c', script], { timeout: 60_000 });
    expect(stdout).toMatch(/^agent \w+, workflow \w+, run \w+$/m);
    const deltas = [...stdout.matchAll(/"delta":"([^"]*)"/g)].map((match) => match[1]).join('');
    expect(deltas).toBe('echo: hello from curl');
    expect(stdout).toContain('"status":"SUCCEEDED"');
    expect(stdout).toContain('event: complete');
    expect(stdout).toContain('"content":"echo: hello from curl"');
  }, 90_000);
});
