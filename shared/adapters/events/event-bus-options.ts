/** Seconds a workflow's replay log is kept after its last event: 24 h (API.md, "Events"). */
export const DEFAULT_RETENTION_SECONDS = 86_400;
/** Live events a subscriber may fall behind by before it is disconnected to resume later. */
export const DEFAULT_MAX_BUFFERED_EVENTS = 10_000;
/** Bytes of live events a subscriber may fall behind by (`SSE_MAX_BUFFERED_BYTES`): 4 MiB. */
export { DEFAULT_MAX_BUFFERED_BYTES } from '../../domain/output-limits.ts';
/** Events read from the replay log per round trip while a subscriber catches up. */
export const DEFAULT_REPLAY_PAGE_SIZE = 500;

/** The part of a pino logger the event buses use; a pino `Logger` fits as is. */
export interface EventBusLogger {
  warn(details: object, message?: string): void;
  error(details: object, message?: string): void;
}

/** Used when no logger is given, so a dropped event or a broken connection is never silent. */
export const stderrEventBusLogger: EventBusLogger = {
  warn: (details, message) => console.warn(message, details),
  error: (details, message) => console.error(message, details),
};

/** Throws a RangeError naming the option unless `value` is an integer >= `min`. */
export function assertInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}.`);
  }
}

/** Throws a RangeError naming the option unless `value` is a finite number > 0. */
export function assertPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number > 0, got ${value}.`);
  }
}
