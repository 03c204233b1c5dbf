import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgliteStore } from './adapters/store/sql/pglite-store.ts';
import { makePrivate } from './private-dir.ts';

const root = mkdtempSync(join(tmpdir(), 'agentgate-private-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** Every path under `dir` (itself included) whose mode lets group or others in. */
function shared(dir: string): string[] {
  const found: string[] = [];
  const pending = [dir];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    const stat = statSync(path);
    if ((stat.mode & 0o077) !== 0) found.push(`${path} ${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) pending.push(join(path, entry));
  }
  return found;
}

describe('makePrivate', () => {
  it('creates a missing directory 0700', () => {
    const dir = join(root, 'new', 'data');
    makePrivate(dir);
    expect(modeOf(dir)).toBe(0o700);
  });

  it('takes group and other bits off an existing tree, keeping the owner’s', () => {
    const dir = join(root, 'existing');
    mkdirSync(join(dir, 'base', '5'), { recursive: true, mode: 0o777 });
    writeFileSync(join(dir, 'base', '5', '1259'), 'prompt', { mode: 0o666 });
    writeFileSync(join(dir, 'run.sh'), '#!/bin/sh', { mode: 0o755 });
    chmodSync(dir, 0o777);
    chmodSync(join(dir, 'base'), 0o777);
    makePrivate(dir);
    expect(shared(dir)).toEqual([]);
    expect(modeOf(join(dir, 'base', '5', '1259'))).toBe(0o600);
    expect(modeOf(join(dir, 'run.sh'))).toBe(0o700);
    expect(modeOf(join(dir, 'base'))).toBe(0o700);
  });

  it('follows a DATA_DIR that is a link, but no link inside it', () => {
    const target = join(root, 'volume');
    const outside = join(root, 'outside.txt');
    mkdirSync(target, { mode: 0o755 });
    writeFileSync(outside, 'not ours to change', { mode: 0o644 });
    symlinkSync(outside, join(target, 'link'));
    const link = join(root, 'data-link');
    symlinkSync(target, link);
    makePrivate(link);
    expect(modeOf(target)).toBe(0o700);
    expect(modeOf(outside)).toBe(0o644);
  });
});

describe('the PGlite store on a data directory', () => {
  it('leaves no file readable by group or others once it has started, nor after it reopened', async () => {
    const dir = join(root, 'pglite');
    const first = createPgliteStore({ dataDir: dir });
    await first.init();
    expect(shared(dir)).toEqual([]);
    await first.close();
    chmodSync(dir, 0o755);
    const second = createPgliteStore({ dataDir: dir });
    expect(modeOf(dir)).toBe(0o700);
    await second.init();
    expect(shared(dir)).toEqual([]);
    await second.close();
  }, 60_000);
});
