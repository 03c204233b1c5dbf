import {
  APICallError,
  EmptyResponseBodyError,
  InvalidResponseDataError,
  JSONParseError,
  TypeValidationError,
} from '@ai-sdk/provider';
import { RetryError } from 'ai';
import type { RunError } from '../../shared/domain/types.ts';
import { findEgressBlocked } from '../../shared/security/guarded-fetch.ts';
import { DemoModelError } from './demo-model.ts';

/**
 * Stable codes of a failed run's `RunError` (API.md `RunError.code`). Clients branch on them, so
 * they never change meaning.
 */
export type ModelErrorCode =
  | 'PROVIDER_AUTH_FAILED'
  | 'PROVIDER_RATE_LIMITED'
  | 'PROVIDER_UNAVAILABLE'
  | 'PROVIDER_BAD_REQUEST'
  | 'PROVIDER_UNREACHABLE'
  | 'PROVIDER_ERROR'
  | 'MODEL_ERROR';

/**
 * Provider messages longer than this are cut: a run's error is a short status line, never a
 * response body (the endpoint may be a tenant's, or an internal service behind it).
 */
const MAX_DETAIL_LENGTH = 300;

/** Error codes of Node/undici socket failures that mean "the provider could not be reached". */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ConnectionRefused',
  'ConnectionClosed',
  'FailedToOpenSocket',
]);

/** True for an abort or timeout of the run's signal, in any of the shapes fetch and the AI SDK use. */
export function isAbortError(error: unknown): boolean {
  return (
    (error instanceof Error || error instanceof DOMException) &&
    (error.name === 'AbortError' ||
      error.name === 'TimeoutError' ||
      error.name === 'ResponseAborted')
  );
}

/**
 * Removes credentials a provider (or a proxy in front of it) may echo back in an error message.
 * Real providers already mask keys; this is the second line of defence, because the message is
 * stored on the run and shown to every client of the tenant.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/\bsk-[A-Za-z0-9_\-*]{6,}/g, 'sk-[redacted]')
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]')
    .replace(/([?&](?:api[_-]?key|key|token)=)[^&\s]+/gi, '$1[redacted]');
}

/** A provider's message on one line, redacted and cut to size. */
function clip(message: string): string {
  const line = message
    .split('\n', 1)[0]!
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
    .replace(/[\u0000-\u001f\u007f]/g, ' ');
  const clean = redactSecrets(line.trim()) || 'no details';
  return clean.length > MAX_DETAIL_LENGTH ? `${clean.slice(0, MAX_DETAIL_LENGTH)}…` : clean;
}

/** {@link clip}, ending as a sentence so advice can follow it. */
function detail(message: string): string {
  const cut = clip(message);
  return /[.!?…]$/.test(cut) ? cut : `${cut}.`;
}

/** The first network failure code in the error's `cause` chain, if any. */
function networkErrorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return code;
    current = current.cause;
  }
  return undefined;
}

/** True when the request got no answer at all: a socket error, or fetch failing to connect. */
export function isNetworkFailure(error: unknown): boolean {
  return isFetchFailure(error);
}

function isFetchFailure(error: unknown): boolean {
  return (
    networkErrorCode(error) !== undefined ||
    (error instanceof TypeError &&
      /^(fetch failed|failed to fetch|terminated)$/i.test(error.message))
  );
}

/** The request's origin and path, never its query string (some providers put keys there). */
function endpoint(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return 'the provider';
  }
}

function retryAfterHint(error: APICallError): string {
  const seconds = error.responseHeaders?.['retry-after'];
  return seconds && /^\d+$/.test(seconds) ? ` Retry after ${seconds} s.` : ' Retry later.';
}

/** The reason phrase the SDK put in the message of an unreadable error body, never the body. */
function statusTextOf(error: APICallError): string {
  const text = error.message.trim();
  return text === '' || text.includes('\n') || text === error.responseBody ? 'no details' : text;
}

function fromApiCallError(error: APICallError): RunError {
  const status = error.statusCode;
  // Only an error the provider's own error format carried (`data`) is quoted; otherwise the
  // message may be a body the SDK could not read, so the status line stands alone.
  const providerMessage = detail(
    status !== undefined && error.data === undefined ? statusTextOf(error) : error.message,
  );
  if (status === undefined) {
    if (isFetchFailure(error)) {
      return {
        code: 'PROVIDER_UNREACHABLE',
        message: `Could not reach the model provider at ${endpoint(error.url)}: ${providerMessage} Check the provider's base URL and that it is running.`,
      };
    }
    return { code: 'PROVIDER_ERROR', message: `The model provider failed: ${providerMessage}` };
  }
  if (status === 401 || status === 403) {
    return {
      code: 'PROVIDER_AUTH_FAILED',
      message: `The model provider rejected the credentials (HTTP ${status}): ${providerMessage} Check the API key configured for this provider.`,
    };
  }
  if (status === 429) {
    return {
      code: 'PROVIDER_RATE_LIMITED',
      message: `The model provider is rate limiting requests (HTTP 429): ${providerMessage}${retryAfterHint(error)}`,
    };
  }
  if (status >= 500) {
    return {
      code: 'PROVIDER_UNAVAILABLE',
      message: `The model provider is unavailable (HTTP ${status}): ${providerMessage} Retry later.`,
    };
  }
  if (status >= 400) {
    return {
      code: 'PROVIDER_BAD_REQUEST',
      message: `The model provider rejected the request (HTTP ${status}): ${providerMessage} Check the model name and the agent's settings.`,
    };
  }
  return {
    code: 'PROVIDER_ERROR',
    message: `The model provider answered HTTP ${status}: ${providerMessage}`,
  };
}

/**
 * Maps any failure of a model call to the run's `RunError`: a stable code and a message that says
 * what went wrong and what to do, including the provider's own error text (from the response body)
 * but never a credential.
 *
 * - `APICallError` by HTTP status: 401/403 `PROVIDER_AUTH_FAILED`, 429 `PROVIDER_RATE_LIMITED`,
 *   5xx `PROVIDER_UNAVAILABLE`, other 4xx `PROVIDER_BAD_REQUEST`; without a status (the request
 *   never got an answer) `PROVIDER_UNREACHABLE` for network failures, else `PROVIDER_ERROR`.
 * - `RetryError` (retries exhausted): its last error, noting the attempts.
 * - fetch `TypeError`s and socket errors (`ECONNREFUSED` …): `PROVIDER_UNREACHABLE`.
 * - the demo model's `!fail`: `PROVIDER_ERROR` with its message verbatim.
 * - anything else: `MODEL_ERROR`.
 */
export function toRunError(error: unknown): RunError {
  const blocked = findEgressBlocked(error);
  if (blocked) {
    return { code: 'PROVIDER_UNREACHABLE', message: blocked.message };
  }
  if (RetryError.isInstance(error)) {
    const last = toRunError(error.lastError);
    const attempts = error.errors.length;
    return attempts > 1
      ? { ...last, message: `${last.message} Gave up after ${attempts} attempts.` }
      : last;
  }
  if (error instanceof DemoModelError) {
    return { code: 'PROVIDER_ERROR', message: clip(error.message) };
  }
  if (APICallError.isInstance(error)) return fromApiCallError(error);
  if (
    TypeValidationError.isInstance(error) ||
    JSONParseError.isInstance(error) ||
    InvalidResponseDataError.isInstance(error) ||
    EmptyResponseBodyError.isInstance(error)
  ) {
    // Their messages quote what was received: never echoed.
    return {
      code: 'PROVIDER_ERROR',
      message:
        "The model provider's response was not in the format its type expects. Check the provider's base URL and type.",
    };
  }
  if (isFetchFailure(error)) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const text = cause instanceof Error ? cause.message : String(cause);
    return {
      code: 'PROVIDER_UNREACHABLE',
      message: `Could not reach the model provider: ${detail(text)} Check the provider's base URL and that it is running.`,
    };
  }
  const text = error instanceof Error ? error.message : String(error);
  return { code: 'MODEL_ERROR', message: `The model call failed: ${detail(text)}` };
}
