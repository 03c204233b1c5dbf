import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  freePorts,
  isReady,
  type ManagedProcess,
  startProcess,
  waitUntil,
} from './support/processes.ts';

/**
 * `npm start` (server/start.mjs: the embedded entry bundled and run on plain node) as a newcomer
 * meets it: a second start on the same port or the same data directory stops with a clear
 * message before it touches anything, and a crashed process's lock does not block the next start.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'agentgate-startup-'));
const started: ManagedProcess[] = [];

function start(port: number, dir = dataDir) {
  const process = startProcess(`embedded :${port}`, 'server/start.mjs', {
    PORT: String(port),
    DATA_DIR: dir,
    LOG_LEVEL: 'info',
  });
  started.push(process);
  return process;
}

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('starting the embedded mode twice', () => {
  it('refuses a second process on the same port or data directory, and recovers from a crash', async () => {
    const [port, otherPort] = (await freePorts(2)) as [number, number];
    const first = start(port);
    const url = `http://127.0.0.1:${port}`;
    await waitUntil('the first process', () => isReady(url), [first], Date.now() + 60_000);
    expect(first.output()).toMatch(/Agentgate: starting/);
    expect(first.output()).toMatch(/creating the embedded database \(first start only/);
    const lock = readFileSync(join(dataDir, 'agentgate.lock'), 'utf8');

    const otherDir = mkdtempSync(join(tmpdir(), 'agentgate-startup-other-'));
    try {
      const samePort = start(port, otherDir);
      expect((await samePort.exited).code).toBe(1);
      expect(samePort.output()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }

    const sameDir = start(otherPort);
    expect((await sameDir.exited).code).toBe(1);
    expect(sameDir.output()).toContain(`is in use by another Agentgate process (pid ${lock})`);
    // The first one never noticed.
    expect(await isReady(url)).toBe(true);
    expect(readFileSync(join(dataDir, 'agentgate.lock'), 'utf8')).toBe(lock);

    await first.kill();
    const restarted = start(otherPort);
    const restartedUrl = `http://127.0.0.1:${otherPort}`;
    await waitUntil('the restart', () => isReady(restartedUrl), [restarted], Date.now() + 60_000);
    expect(restarted.output()).toMatch(/opening the store/);
    await restarted.stop();
    expect(() => readFileSync(join(dataDir, 'agentgate.lock'))).toThrow(/ENOENT/);
  }, 180_000);
});
