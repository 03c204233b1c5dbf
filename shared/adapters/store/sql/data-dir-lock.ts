import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The file that marks a data directory as in use; it holds the owner's process id. */
export const DATA_DIR_LOCK_FILE = 'agentgate.lock';

/** Another live process holds the data directory. */
export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  constructor(dir: string, pid: number) {
    super(
      `The data directory ${dir} is in use by another Agentgate process (pid ${pid}). PGlite allows one process per directory: stop that one (it may be another \`npm start\` or \`npm run token\`), or give this one its own DATA_DIR.`,
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Marks `dir` as used by this process, before anything opens it: two processes on one PGlite
 * directory corrupt it. A lock whose process is gone (a crash, a SIGKILL) or is this very process
 * id (a restarted container is pid 1 again) is taken over.
 *
 * @returns a function that gives the lock up (idempotent; also done when the process exits).
 * @throws DataDirLockedError when a live process holds it.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, DATA_DIR_LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new DataDirLockedError(dir, pid);
      }
      unlinkSync(file);
    }
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
    } catch {
      // Already gone: nothing to give up.
    }
  };
  process.on('exit', release);
  return release;
}
