import { pino } from 'pino';

export type Logger = pino.Logger;

/** The process logger: JSON lines on stdout, `level` from config. */
export function createLogger(options: { level: string; name?: string }): Logger {
  return pino({
    level: options.level,
    name: options.name ?? 'agentgate',
    redact: { paths: ['*.apiKey', '*.headers.authorization', '*.authorization'], remove: true },
  });
}

/** A logger that drops everything, for tests. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
