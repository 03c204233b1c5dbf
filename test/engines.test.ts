import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

/**
 * `npm ci` warns (EBADENGINE) about every locked package whose `engines.node` excludes the Node
 * version it runs on. package.json's `overrides` keep Node-22-only releases out of the tree
 * (docs/dependencies.md); this keeps it that way when the lockfile changes.
 */

interface LockedPackage {
  version?: string;
  engines?: { node?: string } | string[];
}

const readJson = <T>(path: string): T =>
  JSON.parse(readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')) as T;

const manifest = readJson<{ engines: { node: string } }>('package.json');
const lock = readJson<{ packages: Record<string, LockedPackage> }>('package-lock.json');

/** The locked packages (path@version: their range) that do not run on `node`. */
function excluding(node: string): string[] {
  return Object.entries(lock.packages).flatMap(([path, locked]) => {
    const range = Array.isArray(locked.engines) ? undefined : locked.engines?.node;
    if (!path || !range || semver.satisfies(node, range)) return [];
    return [`${path.replace(/^.*node_modules\//, '')}@${locked.version}: ${range}`];
  });
}

describe('the Node versions package.json declares', () => {
  it('are a range with an oldest version', () => {
    expect(semver.minVersion(manifest.engines.node)?.version).toBe('20.19.0');
  });

  it('are supported by every package npm ci installs, from the oldest one on', () => {
    expect(excluding(semver.minVersion(manifest.engines.node)!.version)).toEqual([]);
  });

  it('include the Node version running the tests, which no locked package excludes', () => {
    expect(semver.satisfies(process.versions.node, manifest.engines.node)).toBe(true);
    expect(excluding(process.versions.node)).toEqual([]);
  });
});
