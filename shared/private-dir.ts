import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded data directory (DATA_DIR) holds the database — prompts, answers, sealed secrets —
 * and its write-ahead log. PGlite writes much of it world-readable (mode 0666, whatever the
 * umask), so the store calls this before opening it and again after it started.
 */

/** The bits removed from every mode: group and other. */
const SHARED_BITS = 0o077;

/**
 * Makes `dir` private to the user running the process: created (0700) when missing; `dir` and
 * every directory and file under it lose their group and other permission bits (directories
 * 0700, files 0600 as PGlite writes them). `dir` may be a symbolic link (to a volume); links
 * under it are neither changed nor followed.
 * Synchronous: it runs at start, before the directory is used.
 */
export function makePrivate(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pending = [dir];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    const stat = path === dir ? statSync(path) : lstatSync(path);
    if (stat.isSymbolicLink()) continue;
    // Owner bits (and setuid/setgid/sticky) stay; group and other go.
    if ((stat.mode & SHARED_BITS) !== 0) chmodSync(path, stat.mode & 0o7700);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) pending.push(join(path, entry));
    }
  }
}
