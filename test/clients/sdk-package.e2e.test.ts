import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpServer, listen } from '../../server/http.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

/**
 * The SDK as a package of its own (`sdk/package.json`): `npm pack` builds it, a project with
 * nothing else installs the tarball as production dependencies, and plain Node imports it and
 * streams a run from a gateway; TypeScript checks a program against its declarations.
 */

const run = promisify(execFile);
const SDK_DIR = fileURLToPath(new URL('../../sdk/', import.meta.url));
const TSC = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
/** npm install from the registry (or its cache), in ms. */
const INSTALL_TIMEOUT_MS = 180_000;

const work = mkdtempSync(join(tmpdir(), 'agentgate-sdk-package-'));
const project = join(work, 'project');
const hadDist = existsSync(join(SDK_DIR, 'dist'));
let t: TestApp;
let server: HttpServer;
let tarball: string;

beforeAll(async () => {
  t = await createTestApp();
  server = await listen(t.app, '127.0.0.1', 0);
  const packed = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: SDK_DIR });
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
  tarball = join(work, filename);
  await run('mkdir', [project]);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'sdk-consumer', private: true, type: 'module' }),
  );
  await run(
    'npm',
    ['install', tarball, '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'],
    { cwd: project, timeout: INSTALL_TIMEOUT_MS },
  );
}, INSTALL_TIMEOUT_MS + 60_000);

afterAll(async () => {
  await server?.close();
  await t?.close();
  rmSync(work, { recursive: true, force: true });
  if (!hadDist) rmSync(join(SDK_DIR, 'dist'), { recursive: true, force: true });
});

describe('the SDK packed with npm pack', () => {
  it('holds the built modules with their type declarations, and no TypeScript sources', async () => {
    const listed = await run('tar', ['-tzf', tarball]);
    const files = listed.stdout.trim().split('\n');
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/index.d.ts');
    expect(files).toContain('package/dist/gql/graphql.js');
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
  });

  it('installs alone with its dependencies (graphql-sse and its peer graphql)', () => {
    const installed = (name: string) =>
      JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      };
    expect(installed('@agentgate/sdk').version).toBe('0.1.0');
    expect(installed('graphql-sse').version).toMatch(/^2\./);
    expect(installed('graphql').version).toMatch(/^16\./);
  });

  it('runs from plain Node: creates an agent and streams a run from a gateway', async () => {
    writeFileSync(
      join(project, 'stream.mjs'),
      `import { createAgentgateClient, isTerminalEvent } from '@agentgate/sdk';
const client = createAgentgateClient({ url: process.argv[2] });
const agent = await client.createAgent({ name: 'Packed', systemPrompt: 'Echo.', model: 'demo:echo' });
const workflow = await client.createWorkflow({ agentId: agent.id });
const run = await client.sendPrompt({ workflowId: workflow.id, prompt: 'hello from a tarball' });
let answer = '';
let last;
for await (const event of client.streamRun(run.id)) {
  if (event.__typename === 'MessageDeltaEvent') answer += event.delta;
  if (isTerminalEvent(event)) last = event.status;
}
client.dispose();
console.log(JSON.stringify({ answer, last }));
`,
    );
    const { stdout } = await run(process.execPath, ['stream.mjs', `${server.url}/graphql`], {
      cwd: project,
      timeout: 30_000,
    });
    expect(JSON.parse(stdout)).toEqual({ answer: 'echo: hello from a tarball', last: 'SUCCEEDED' });
  });

  it('type-checks a program against its declarations', async () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2022', 'dom'],
          strict: true,
          noEmit: true,
          types: [],
        },
        include: ['*.ts'],
      }),
    );
    writeFileSync(
      join(project, 'typed.ts'),
      `import { AgentgateError, createAgentgateClient, type WorkflowEvent } from '@agentgate/sdk';
const client = createAgentgateClient({ url: 'http://127.0.0.1:4000/graphql' });
export async function deltas(runId: string): Promise<string[]> {
  const seen: string[] = [];
  for await (const event of client.streamRun(runId)) {
    const typed: WorkflowEvent = event;
    if (typed.__typename === 'MessageDeltaEvent') seen.push(typed.delta);
  }
  return seen;
}
export const code: string = new AgentgateError('NOT_FOUND', 'gone').code;
// @ts-expect-error: the declarations know createAgent's input.
void client.createAgent({ name: 'missing its model' });
`,
    );
    await run(process.execPath, [TSC, '-p', project]);
  });
});
