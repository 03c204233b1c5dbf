import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printSortedSchema } from '../schema/index.ts';

describe('schema.graphql', () => {
  it('matches the schema the code builds (run `npm run schema:print` after changing the API)', () => {
    const committed = readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8');
    expect(printSortedSchema()).toBe(committed);
  });

  it('documents every type, field and argument', () => {
    const sdl = printSortedSchema();
    const undocumented = sdl
      .split('\n')
      .map((line, i, lines) => ({ line: line.trim(), previous: lines[i - 1]?.trim() ?? '' }))
      .filter(
        ({ line }) =>
          /^[a-zA-Z_]+(\(|:)/.test(line) || /^(type|input|enum|interface|scalar) /.test(line),
      )
      .filter(({ previous }) => !previous.endsWith('"""') && !previous.startsWith('"'));
    expect(undocumented.map((u) => u.line)).toEqual([]);
  });
});
