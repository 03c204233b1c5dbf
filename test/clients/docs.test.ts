import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type CodegenConfig, generate } from '@graphql-codegen/cli';
import { NoUnusedFragmentsRule, parse, specifiedRules, validate } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { schema } from '../../schema/index.ts';

/**
 * docs/clients.md stays true: its GraphQL validates against the schema, the alias it calls
 * necessary is, and its codegen config generates types with the scalars it maps.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const page = readFileSync(join(ROOT, 'docs/clients.md'), 'utf8');
const blocks = (language: string) =>
  [...page.matchAll(new RegExp(`\`\`\`${language}\\n(.*?)\`\`\``, 'gs'))].map((m) => m[1]!);
/** Fragments may stand alone in the page. */
const rules = specifiedRules.filter((rule) => rule !== NoUnusedFragmentsRule);
const errorsOf = (source: string) => validate(schema, parse(source), rules).map((e) => e.message);

const work = mkdtempSync(join(tmpdir(), 'agentgate-docs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('docs/clients.md', () => {
  it('holds GraphQL that validates against the schema, after: String and afterId: ID alike', () => {
    const documents = blocks('graphql');
    expect(documents.length).toBeGreaterThanOrEqual(2);
    for (const document of documents) expect(errorsOf(document), document).toEqual([]);
    expect(documents.join('\n')).toContain('afterId: $after');
  });

  it('is right that the event fragment needs its status alias', () => {
    const fragment = blocks('graphql').find((block) => block.includes('toolStatus: status'));
    expect(fragment).toBeDefined();
    const unaliased = fragment!.replace('toolStatus: status', 'status');
    expect(errorsOf(unaliased).join('\n')).toContain(
      'Fields "status" conflict because they return conflicting types',
    );
  });

  it('gives a codegen config that maps DateTime and JSON and types the documented fragment', async () => {
    const source = blocks('ts').find((block) => block.startsWith('// codegen.ts'));
    expect(source).toBeDefined();
    const file = join(work, 'codegen.ts');
    writeFileSync(file, source!);
    const documented = ((await import(pathToFileURL(file).href)) as { default: CodegenConfig })
      .default;
    const target = documented.generates['src/gql/'];
    expect(target).toBeDefined();
    blocks('graphql').forEach((block, n) => {
      writeFileSync(join(work, `document-${n}.graphql`), block);
    });
    // The documented output, from the committed schema instead of a running gateway.
    const files = (await generate(
      {
        schema: join(ROOT, 'schema/schema.graphql'),
        documents: join(work, '*.graphql'),
        generates: { [join(work, 'gql/')]: target! },
        silent: true,
      },
      false,
    )) as { filename: string; content: string }[];
    const types = files.find((f) => f.filename.endsWith('graphql.ts'))?.content ?? '';
    // One type per event type: EventFields_RunStatusEvent_Fragment …
    const fragment = [...types.matchAll(/^type EventFields_\w+_Fragment = (.*);$/gm)]
      .map((m) => m[1])
      .join('\n');
    // DateTime (`at`) a string, JSON (`detail`, `arguments`, `result`) unknown, not `any`.
    expect(fragment).toContain('at: string');
    expect(fragment).toContain('detail: unknown');
    expect(fragment).toContain('toolStatus: ToolCallStatus');
    expect(fragment).not.toContain('any');
  }, 60_000);
});
