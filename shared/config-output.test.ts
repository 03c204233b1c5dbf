import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

function problemsOf(env: Record<string, string>) {
  try {
    parseConfig(env, 'embedded');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('output and stream size limits', () => {
  it('default to 1,000,000-character messages, 16,384-character deltas, 100,000-character tool arguments and 4 MiB per stream', () => {
    expect(parseConfig({}, 'embedded').output).toEqual({
      maxMessageChars: 1_000_000,
      maxDeltaChars: 16_384,
      maxToolArgumentChars: 100_000,
      maxBufferedBytes: 4_194_304,
    });
  });

  it('reads every one from the environment', () => {
    const config = parseConfig(
      {
        MAX_MESSAGE_CHARS: '5000',
        MAX_DELTA_CHARS: '512',
        MAX_TOOL_ARGUMENT_CHARS: '2000',
        SSE_MAX_BUFFERED_BYTES: '131072',
      },
      'embedded',
    );
    expect(config.output).toEqual({
      maxMessageChars: 5_000,
      maxDeltaChars: 512,
      maxToolArgumentChars: 2_000,
      maxBufferedBytes: 131_072,
    });
  });

  it('rejects values that are not whole numbers in range, naming each setting', () => {
    const problems = problemsOf({
      MAX_MESSAGE_CHARS: '0',
      MAX_DELTA_CHARS: 'many',
      MAX_TOOL_ARGUMENT_CHARS: '1.5',
      SSE_MAX_BUFFERED_BYTES: '1024',
    });
    for (const name of [
      'MAX_MESSAGE_CHARS',
      'MAX_DELTA_CHARS',
      'MAX_TOOL_ARGUMENT_CHARS',
      'SSE_MAX_BUFFERED_BYTES',
    ]) {
      expect(problems.some((problem) => problem.startsWith(`${name}:`))).toBe(true);
    }
  });
});
