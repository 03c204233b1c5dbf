import {
  appendFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { WorkflowEvent } from '../../domain/events.ts';

/** One event as the journal keeps it: the event, and its `once` key when it was published with one. */
export interface JournalEntry {
  event: WorkflowEvent;
  once?: string;
}

/** A workflow's log as found on disk at start. */
export interface JournaledLog {
  workflowId: string;
  entries: JournalEntry[];
  /** When its last event was written, epoch ms (retention counts from it). */
  lastPublishedAt: number;
}

/**
 * Where the in-process event bus keeps its replay logs so that they outlive the process: the
 * embedded mode replays a finished run after a restart, and a crashed run's events stay in its
 * replay. Writes are synchronous: once `append` returns, the event survives a crash of the process.
 */
export interface EventJournal {
  append(workflowId: string, entry: JournalEntry): void;
  /** Replaces a workflow's log with `entries` (after old events were dropped). */
  rewrite(workflowId: string, entries: readonly JournalEntry[]): void;
  forget(workflowId: string): void;
  /** Every log not older than `retentionMs`, its newest `maxEvents` entries; expired ones are deleted. */
  load(retentionMs: number, maxEvents: number, now: number): JournaledLog[];
}

/** Workflow ids become file names: anything but letters, digits, `-` and `_` is refused. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * A journal of one JSON line per event, one file per workflow, under `dir` (created private).
 * Files are appended to, so a line cut short by a crash can only be the last; it is skipped.
 */
export function createFileEventJournal(dir: string): EventJournal {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fileOf = (workflowId: string) => {
    if (!SAFE_ID.test(workflowId)) {
      throw new Error(`Cannot journal workflow id ${JSON.stringify(workflowId)}.`);
    }
    return join(dir, `${workflowId}.jsonl`);
  };
  const line = (entry: JournalEntry) => `${JSON.stringify(entry)}\n`;

  return {
    append(workflowId, entry) {
      appendFileSync(fileOf(workflowId), line(entry), { mode: 0o600 });
    },

    rewrite(workflowId, entries) {
      const file = fileOf(workflowId);
      // Written aside and renamed over: a crash leaves the old log or the new one, never half.
      writeFileSync(`${file}.tmp`, entries.map(line).join(''), { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
    },

    forget(workflowId) {
      try {
        unlinkSync(fileOf(workflowId));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    },

    load(retentionMs, maxEvents, now) {
      const logs: JournaledLog[] = [];
      for (const name of readdirSync(dir)) {
        const file = join(dir, name);
        if (name.endsWith('.tmp')) {
          unlinkSync(file);
          continue;
        }
        if (!name.endsWith('.jsonl')) continue;
        const lastPublishedAt = statSync(file).mtimeMs;
        if (now - lastPublishedAt >= retentionMs) {
          unlinkSync(file);
          continue;
        }
        const entries: JournalEntry[] = [];
        for (const text of readFileSync(file, 'utf8').split('\n')) {
          if (text === '') continue;
          try {
            entries.push(JSON.parse(text) as JournalEntry);
          } catch {
            // The last line of a crash: the event was never published.
          }
        }
        logs.push({
          workflowId: name.slice(0, -'.jsonl'.length),
          entries: entries.slice(-maxEvents),
          lastPublishedAt,
        });
      }
      return logs.sort((a, b) => a.lastPublishedAt - b.lastPublishedAt);
    },
  };
}
