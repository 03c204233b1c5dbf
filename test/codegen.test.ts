import { readdir, readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../codegen.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUTPUT_DIR = 'sdk/gql/';

describe('typed documents (GraphQL Code Generator)', () => {
  it('match what `npm run codegen` generates from schema.graphql and the documents', async () => {
    // Generated in memory (saveToFile = false) from the same config the npm script uses.
    const files = (await generate({ ...config, cwd: ROOT, silent: true }, false)) as {
      filename: string;
      content: string;
    }[];
    const generated = new Map(files.map((f) => [relative(ROOT, resolve(ROOT, f.filename)), f]));
    const committed = (await readdir(resolve(ROOT, OUTPUT_DIR))).map((name) => OUTPUT_DIR + name);
    expect([...generated.keys()].sort(), 'the generated files').toEqual(committed.sort());
    for (const [path, file] of generated) {
      const onDisk = await readFile(resolve(ROOT, path), 'utf8');
      expect(onDisk, `${path} is stale: run \`npm run codegen\``).toBe(file.content);
    }
  }, 60_000);
});
