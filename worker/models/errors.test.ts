import { APICallError } from '@ai-sdk/provider';
import { RetryError } from 'ai';
import { describe, expect, it } from 'vitest';
import { DemoModelError } from './demo-model.ts';
import { isAbortError, redactSecrets, toRunError } from './errors.ts';

function apiError(statusCode: number | undefined, message: string, extra = {}): APICallError {
  return new APICallError({
    message,
    url: 'https://api.example.com/v1/chat/completions?key=secret',
    requestBodyValues: {},
    statusCode,
    ...extra,
  });
}

describe('toRunError', () => {
  it.each([
    [401, 'PROVIDER_AUTH_FAILED'],
    [403, 'PROVIDER_AUTH_FAILED'],
    [429, 'PROVIDER_RATE_LIMITED'],
    [500, 'PROVIDER_UNAVAILABLE'],
    [503, 'PROVIDER_UNAVAILABLE'],
    [529, 'PROVIDER_UNAVAILABLE'],
    [400, 'PROVIDER_BAD_REQUEST'],
    [404, 'PROVIDER_BAD_REQUEST'],
  ])('maps HTTP %i from the provider to %s, keeping the provider message', (status, code) => {
    const error = toRunError(apiError(status, 'the provider says no'));
    expect(error.code).toBe(code);
    expect(error.message).toContain(`HTTP ${status}`);
    expect(error.message).toContain('the provider says no');
  });

  it('mentions the retry-after of a rate limit', () => {
    const error = toRunError(
      apiError(429, 'slow down', { responseHeaders: { 'retry-after': '7' } }),
    );
    expect(error.message).toContain('Retry after 7 s.');
  });

  it('maps retries that ran out to their last error', () => {
    const error = new RetryError({
      message: 'Failed after 3 attempts',
      reason: 'maxRetriesExceeded',
      errors: [apiError(500, 'a'), apiError(502, 'b'), apiError(429, 'busy')],
    });
    expect(toRunError(error)).toMatchObject({ code: 'PROVIDER_RATE_LIMITED' });
    expect(toRunError(error).message).toContain('3 attempts');
  });

  it('maps connection failures to PROVIDER_UNREACHABLE, without the query string', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
      code: 'ECONNREFUSED',
    });
    const wrapped = apiError(undefined, 'Cannot connect to API: connect ECONNREFUSED', {
      cause: refused,
    });
    expect(toRunError(wrapped)).toMatchObject({ code: 'PROVIDER_UNREACHABLE' });
    expect(toRunError(wrapped).message).toContain('https://api.example.com/v1/chat/completions');
    expect(toRunError(wrapped).message).not.toContain('secret');
    expect(toRunError(new TypeError('fetch failed', { cause: refused }))).toMatchObject({
      code: 'PROVIDER_UNREACHABLE',
    });
  });

  it('maps the demo model failure to PROVIDER_ERROR with its message verbatim', () => {
    expect(toRunError(new DemoModelError('as requested'))).toEqual({
      code: 'PROVIDER_ERROR',
      message: 'as requested',
    });
  });

  it('maps anything else to MODEL_ERROR', () => {
    expect(toRunError(new Error('odd'))).toMatchObject({ code: 'MODEL_ERROR' });
    expect(toRunError('a string')).toMatchObject({ code: 'MODEL_ERROR' });
  });

  it('never repeats a credential the provider echoed back', () => {
    const error = toRunError(
      apiError(401, 'Incorrect API key provided: sk-proj-abcdefghijklmnop1234 (Bearer abc.def)'),
    );
    expect(error.message).not.toContain('abcdefghijklmnop');
    expect(error.message).not.toContain('abc.def');
    expect(redactSecrets('key sk-ant-api03-xyzxyzxyzxyz')).toBe('key sk-[redacted]');
  });
});

describe('isAbortError', () => {
  it('recognises aborts and timeouts, and nothing else', () => {
    expect(isAbortError(new DOMException('stop', 'AbortError'))).toBe(true);
    expect(isAbortError(new DOMException('late', 'TimeoutError'))).toBe(true);
    expect(isAbortError(new Error('boom'))).toBe(false);
    expect(isAbortError('AbortError')).toBe(false);
  });
});
