import { createRequire } from 'node:module';
import { pino } from 'pino';

export type Logger = pino.Logger;

/** `auto`: readable when stdout is a terminal and pino-pretty is installed; JSON otherwise. */
export type LogFormat = 'auto' | 'json' | 'pretty';

export interface LoggerOptions {
  level: string;
  name?: string;
  /** Default `auto`. */
  format?: LogFormat;
  /** Whether stdout is a terminal. Default `process.stdout.isTTY`. */
  isTTY?: boolean;
}

/**
 * The process logger: JSON lines on stdout, `level` from config, one line per record with the
 * ids of what it is about (`requestId` in the gateway, `runId`/`workflowId`/`jobId` in the
 * worker, through child loggers). In a terminal it is printed by pino-pretty when that is
 * installed (a devDependency: production images log JSON).
 */
export function createLogger(options: LoggerOptions): Logger {
  const pretty = wantsPretty(options.format ?? 'auto', options.isTTY ?? process.stdout.isTTY);
  return pino({
    level: options.level,
    name: options.name ?? 'agentgate',
    redact: { paths: ['*.apiKey', '*.headers.authorization', '*.authorization'], remove: true },
    ...(pretty
      ? { transport: { target: pretty, options: { colorize: true, translateTime: 'HH:MM:ss.l' } } }
      : {}),
  });
}

/** The resolved path of pino-pretty when records should be pretty-printed; null for JSON. */
export function wantsPretty(format: LogFormat, isTTY: boolean | undefined): string | null {
  if (format === 'json' || (format === 'auto' && !isTTY)) return null;
  try {
    return createRequire(import.meta.url).resolve('pino-pretty');
  } catch {
    // Asked for explicitly but not installed (a production image): JSON is still readable.
    return null;
  }
}

/** A logger that drops everything, for tests. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
