/**
 * Readiness (`/readyz` on gateways and on `METRICS_PORT` listeners): each backing service is
 * asked at once, and the answer says per service whether it answered — never why not. Probes and
 * load balancers call `/readyz` without credentials, and an error message can name hosts, ports,
 * users and schemas; the reasons go to the log.
 */

/** How long one backing service gets to answer a readiness check, in ms. */
export const READINESS_TIMEOUT_MS = 2_000;

/** What `/readyz` says about one backing service. */
export type DependencyState = 'ok' | 'unavailable';

/** Not every backing service answered. Its message (for logs only) holds the reasons. */
export class NotReadyError extends Error {
  /** The state of every service checked, by name (`store`, `queue`, `events`). */
  readonly checks: Readonly<Record<string, DependencyState>>;

  constructor(checks: Record<string, DependencyState>, reasons: Record<string, string>) {
    const failed = Object.entries(reasons).map(([name, reason]) => `${name} (${reason})`);
    super(`not ready: ${failed.join(', ')}`);
    this.name = 'NotReadyError';
    this.checks = checks;
  }
}

/**
 * Asks every service at once, each within `timeoutMs`; resolves when all answer.
 * @throws NotReadyError naming the services that failed or did not answer in time.
 */
export async function checkDependencies(
  checks: Record<string, () => Promise<unknown>>,
  timeoutMs = READINESS_TIMEOUT_MS,
): Promise<void> {
  const names = Object.keys(checks);
  const outcomes = await Promise.allSettled(
    names.map((name) => withTimeout(checks[name]!(), timeoutMs)),
  );
  const states: Record<string, DependencyState> = {};
  const reasons: Record<string, string> = {};
  outcomes.forEach((outcome, index) => {
    const name = names[index]!;
    states[name] = outcome.status === 'fulfilled' ? 'ok' : 'unavailable';
    if (outcome.status === 'rejected') {
      const reason: unknown = outcome.reason;
      reasons[name] = reason instanceof Error ? reason.message : String(reason);
    }
  });
  if (Object.keys(reasons).length > 0) throw new NotReadyError(states, reasons);
}

/** The JSON body of a 503 from `/readyz`: the state per service when known, no error text. */
export function unreadyBody(error: unknown): {
  status: 'unavailable';
  checks?: Readonly<Record<string, DependencyState>>;
} {
  return error instanceof NotReadyError
    ? { status: 'unavailable', checks: error.checks }
    : { status: 'unavailable' };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
