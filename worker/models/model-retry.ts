import { APICallError, type LanguageModelV3 } from '@ai-sdk/provider';
import { RetryError, wrapLanguageModel } from 'ai';
import { findEgressBlocked } from '../../shared/security/guarded-fetch.ts';
import { isAbortError, isNetworkFailure, toRunError } from './errors.ts';

/**
 * Retries of failed model calls, in place of the AI SDK's own (`maxRetries: 0` is passed to it):
 * the run's log gets a `LogEvent` before every retry, a provider's `Retry-After` is honoured up to
 * a cap, and only failures that waiting can fix are retried.
 *
 * Retried: HTTP 429, HTTP 5xx, and network failures (no answer at all). Everything else fails at
 * once: other 4xx (a bad key, a bad request — retrying cannot fix them), the demo model's `!fail`,
 * and aborts. Only the call itself is retried, before any of its output was streamed: a stream
 * that breaks after its first part ends the model step as failed, since its deltas were already
 * published.
 */

/** How often and how long to retry. Impossible values are rejected by {@link assertRetryPolicy}. */
export interface ModelRetryPolicy {
  /** Retries after the first call; 0 disables retrying. */
  maxRetries: number;
  /** Wait before retry n (1-based) without a Retry-After: `baseDelayMs * 2^(n-1)`, in ms. */
  baseDelayMs: number;
  /** Longest single wait in ms, a provider's Retry-After included (a longer one is cut to this). */
  maxDelayMs: number;
}

/** What the run's `LogEvent` (`event: "model-retry"`) says about one retry. */
export interface ModelRetryInfo {
  /** 1-based number of this retry. */
  retry: number;
  maxRetries: number;
  /** How long the loop waits before the retry, in ms. */
  delayMs: number;
  /** The provider's Retry-After in ms, when it sent one (before the cap). */
  retryAfterMs: number | null;
  /** The HTTP status of the failed call; null for a network failure. */
  status: number | null;
  /** The `RunError` code the failure would end the run with. */
  code: string;
  message: string;
}

export function assertRetryPolicy(policy: ModelRetryPolicy): void {
  const { maxRetries, baseDelayMs, maxDelayMs } = policy;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new RangeError(`maxRetries must be an integer >= 0, got ${maxRetries}.`);
  }
  for (const [name, value] of [
    ['baseDelayMs', baseDelayMs],
    ['maxDelayMs', maxDelayMs],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`${name} must be a finite number >= 0, got ${value}.`);
    }
  }
}

/** How a failed call is classified: retried or not, and what the provider asked for. */
export interface ModelFailure {
  retryable: boolean;
  /** HTTP status; null when the request got no answer. */
  status: number | null;
  /** The provider's Retry-After in ms (`retry-after-ms`, or `retry-after` seconds or HTTP date). */
  retryAfterMs: number | null;
}

/** Reads `retry-after-ms` (ms) or `retry-after` (seconds, or an HTTP date) from a response. */
export function parseRetryAfter(
  headers: Record<string, string | undefined> | undefined,
  now = Date.now(),
): number | null {
  if (!headers) return null;
  const ms = headers['retry-after-ms'];
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Number(ms);
  const value = headers['retry-after']?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Classifies any failure of a model call (see the module comment for the rules). */
export function classifyModelFailure(error: unknown): ModelFailure {
  // A blocked address stays blocked: asking again only delays the answer.
  if (isAbortError(error) || findEgressBlocked(error)) {
    return { retryable: false, status: null, retryAfterMs: null };
  }
  if (APICallError.isInstance(error)) {
    const status = error.statusCode ?? null;
    const retryAfterMs = parseRetryAfter(error.responseHeaders);
    if (status === null) {
      return { retryable: isNetworkFailure(error) || error.isRetryable, status, retryAfterMs };
    }
    return { retryable: status === 429 || status >= 500, status, retryAfterMs };
  }
  return { retryable: isNetworkFailure(error), status: null, retryAfterMs: null };
}

/**
 * The wait before retry `retry` (1-based): the provider's Retry-After when it sent one, else the
 * exponential backoff; never more than `maxDelayMs`.
 */
export function retryDelayMs(
  policy: ModelRetryPolicy,
  retry: number,
  retryAfterMs: number | null,
): number {
  const wanted = retryAfterMs ?? policy.baseDelayMs * 2 ** (retry - 1);
  return Math.round(Math.min(policy.maxDelayMs, Math.max(0, wanted)));
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface ModelRetryOptions {
  policy: ModelRetryPolicy;
  /** Aborting it stops waiting at once (the call itself gets the same signal from the SDK). */
  signal: AbortSignal;
  /** Called before each wait; a rejection fails the call with that error, unretried. */
  onRetry: (info: ModelRetryInfo) => Promise<void>;
}

/**
 * The model with {@link ModelRetryPolicy} around every call. When retries run out, the call
 * fails with the AI SDK's `RetryError` (its `lastError` is the provider's), which `toRunError`
 * maps to the last failure's code, noting the attempts.
 */
export function withModelRetries(model: LanguageModelV3, options: ModelRetryOptions) {
  assertRetryPolicy(options.policy);
  const { policy, signal } = options;

  async function retrying<T>(call: () => PromiseLike<T>): Promise<T> {
    const errors: unknown[] = [];
    for (let retry = 1; ; retry++) {
      try {
        return await call();
      } catch (error) {
        errors.push(error);
        const failure = classifyModelFailure(error);
        if (signal.aborted || !failure.retryable) throw error;
        if (retry > policy.maxRetries) {
          if (errors.length === 1) throw error;
          throw new RetryError({
            message: `Failed after ${errors.length} attempts.`,
            reason: 'maxRetriesExceeded',
            errors,
          });
        }
        const delayMs = retryDelayMs(policy, retry, failure.retryAfterMs);
        const { code, message } = toRunError(error);
        await options.onRetry({
          retry,
          maxRetries: policy.maxRetries,
          delayMs,
          retryAfterMs: failure.retryAfterMs,
          status: failure.status,
          code,
          message,
        });
        await wait(delayMs, signal);
      }
    }
  }

  return wrapLanguageModel({
    model,
    middleware: {
      specificationVersion: 'v3',
      wrapStream: ({ doStream }) => retrying(doStream),
      wrapGenerate: ({ doGenerate }) => retrying(doGenerate),
    },
  });
}
