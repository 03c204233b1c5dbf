import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './helm.ts';

/** The load balancer configuration docker-compose.yml mounts. */
export const NGINX_CONF = join(REPO_ROOT, 'deploy/nginx.conf');

/** Debian's nginx (`apt-get install nginx`; .ci/run installs it). */
export function nginxBinary(): string {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('nginx is not installed: apt-get install nginx (.ci/run installs it)');
}

export interface RenderOptions {
  /** `host:port` to listen on, instead of the container's `4000`. */
  listen: string;
  /** `host:port` of each gateway, instead of the compose service `app`. */
  upstreams: string[];
  /** Directives (exact text, e.g. `proxy_read_timeout 1h;`) to drop, for control runs. */
  drop?: string[];
  /** Directives to replace (exact text → new text), for control runs. */
  replace?: Record<string, string>;
}

/**
 * deploy/nginx.conf as the test runs it: only the listen address and the upstream's servers
 * change (Docker's DNS name `app` does not exist here, and Debian's nginx predates `resolve`),
 * so every directive that matters for SSE is the file's own. Each edit must match exactly once:
 * a change to the file that would silently bypass it fails the test instead.
 */
export async function renderNginxConf(options: RenderOptions): Promise<string> {
  let conf = await readFile(NGINX_CONF, 'utf8');
  const edit = (from: string, to: string) => {
    const count = conf.split(from).length - 1;
    if (count !== 1) throw new Error(`deploy/nginx.conf: expected "${from}" once, found ${count}`);
    conf = conf.replace(from, to);
  };
  edit('listen 4000;', `listen ${options.listen};`);
  edit('server app:4000 resolve;', options.upstreams.map((u) => `server ${u};`).join('\n  '));
  for (const directive of options.drop ?? [])
    edit(directive, `# dropped for this run: ${directive}`);
  for (const [from, to] of Object.entries(options.replace ?? {})) edit(from, to);
  return conf;
}

export interface Nginx {
  readonly url: string;
  errorLog(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts nginx in the foreground with `conf` as the http context's only server, plus `http`
 * directives of the test's own (e.g. a stand-in for a default), in a directory of its own.
 */
export async function startNginx(
  conf: string,
  listen: { host: string; port: number },
  http: string[] = [],
): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'agentgate-nginx-'));
  // Worker processes run as `nobody` when nginx starts as root: they need to reach the dir.
  await chmod(dir, 0o755);
  await writeFile(join(dir, 'default.conf'), conf);
  await writeFile(
    join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} info;`,
      'events { worker_connections 512; }',
      'http {',
      `  access_log ${join(dir, 'access.log')};`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (kind) => `  ${kind}_temp_path ${join(dir, kind)};`,
      ),
      ...http.map((directive) => `  ${directive}`),
      `  include ${join(dir, 'default.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    nginxBinary(),
    ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => {
    running = false;
  });
  const errorLog = async () => {
    const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '');
    return `${output}${log}`;
  };

  const deadline = Date.now() + 10_000;
  while (!(await accepts(listen.host, listen.port))) {
    if (!running) throw new Error(`nginx exited at start:\n${await errorLog()}`);
    if (Date.now() > deadline) throw new Error(`nginx did not listen:\n${await errorLog()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://${listen.host}:${listen.port}`,
    errorLog,
    async stop() {
      if (running) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
