import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../shared/config.ts';
import { REPO_ROOT } from './support/helm.ts';

/**
 * docker-compose.yml as Compose reads it: `docker-compose config` (Debian's docker-compose;
 * .ci/run installs it) resolves the file with a given environment, and the tests read the
 * result. There is no container engine here, so nothing is started.
 */

const run = promisify(execFile);

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: unknown[];
  volumes?: string[];
  profiles?: string[];
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
  expose?: string[];
}

async function composeConfig(
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<{ services: Record<string, Service> }> {
  try {
    const { stdout } = await run('docker-compose', [...args, 'config'], {
      cwd: REPO_ROOT,
      // Only what the test sets: no COMPOSE_* or store settings of the developer's own.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    });
    return parse(stdout) as { services: Record<string, Service> };
  } catch (error) {
    const failed = error as { code?: string; stderr?: string; message: string };
    if (failed.code === 'ENOENT') {
      throw new Error(
        'docker-compose is not installed: apt-get install docker-compose (.ci/run does)',
      );
    }
    throw new Error(`docker-compose config failed: ${failed.stderr || failed.message}`);
  }
}

/** Seconds in a Compose duration such as `45s` or `1m30s`. */
function seconds(duration: string): number {
  let total = 0;
  for (const [, value, unit] of duration.matchAll(/(\d+)(h|m|s)/g)) {
    total += Number(value) * { h: 3600, m: 60, s: 1 }[unit as 'h' | 'm' | 's'];
  }
  return total;
}

describe('docker-compose.yml', () => {
  it('is valid, with Redis, MongoDB, the gateway `app`, the worker and nginx', async () => {
    const { services } = await composeConfig();
    expect(Object.keys(services).sort()).toEqual([
      'app',
      'mongo',
      'nginx',
      'postgres',
      'redis',
      'worker',
    ]);
    // PostgreSQL starts only with its profile, and nothing waits for it otherwise.
    expect(services.postgres!.profiles).toEqual(['postgres']);
    for (const service of Object.values(services)) {
      expect(Object.keys(service.depends_on ?? {})).not.toContain('postgres');
    }
  });

  it('runs Redis with an append-only file and without eviction', async () => {
    const { services } = await composeConfig();
    const command = services.redis!.command!.join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(services.redis!.volumes?.some((v) => v.includes(':/data'))).toBe(true);
  });

  it('lets `--scale app=N` and `--scale worker=M` work: no fixed replicas, no host ports', async () => {
    const { services } = await composeConfig();
    for (const name of ['app', 'worker']) {
      expect(services[name]!.deploy?.replicas, name).toBeUndefined();
      expect(services[name]!.ports, name).toBeUndefined();
    }
    expect(services.nginx!.ports).toEqual([{ published: 4000, target: 4000 }]);
  });

  it('mounts deploy/nginx.conf into nginx, which reaches the gateways as `app`', async () => {
    const { services } = await composeConfig();
    expect(services.nginx!.volumes).toContain(
      `${join(REPO_ROOT, 'deploy/nginx.conf')}:/etc/nginx/conf.d/default.conf:ro`,
    );
    // `resolve` in an upstream needs nginx >= 1.27.3.
    const [, major, minor] = /^nginx:(\d+)\.(\d+)/.exec(services.nginx!.image!)!;
    expect(Number(major) * 100 + Number(minor)).toBeGreaterThanOrEqual(127);
  });

  it('runs the compiled entry points of one image, which the build produces', async () => {
    const { services } = await composeConfig();
    expect(services.app!.command).toEqual(['node', 'dist/server/main.js']);
    expect(services.worker!.command).toEqual(['node', 'dist/worker/main.js']);
    expect(services.app!.image).toBe(services.worker!.image);
    // tsconfig.build.json compiles server/main.ts to dist/server/main.js, and so on.
    expect(existsSync(join(REPO_ROOT, 'server/main.ts'))).toBe(true);
    expect(existsSync(join(REPO_ROOT, 'worker/main.ts'))).toBe(true);
  });

  it('configures gateway and worker on MongoDB by default, as the config accepts it', async () => {
    const { services } = await composeConfig({ WORKER_CONCURRENCY: '7' });
    const gateway = parseConfig(services.app!.environment!, 'gateway');
    expect(gateway.store).toEqual({ kind: 'mongo', uri: 'mongodb://mongo:27017/agentgate' });
    expect(gateway.redis?.url).toBe('redis://redis:6379');
    expect(gateway.server).toEqual({ host: '0.0.0.0', port: 4000 });
    // Metrics on a port of their own, which nginx does not publish; clients counted behind nginx.
    expect(gateway.metrics).toMatchObject({ port: 9464, token: null });
    expect(gateway.clients.trustProxyHops).toBe(1);
    const worker = parseConfig(services.worker!.environment!, 'worker');
    expect(worker.worker.concurrency).toBe(7);
    expect(worker.metrics.port).toBe(9464);
    expect(services.app!.depends_on).toMatchObject({
      redis: { condition: 'service_healthy' },
      mongo: { condition: 'service_healthy' },
    });
  });

  it('switches both to PostgreSQL with the profile and two variables', async () => {
    const url = 'postgres://postgres:agentgate@postgres:5432/agentgate';
    const { services } = await composeConfig({ MONGODB_URI: '', DATABASE_URL: url }, [
      '--profile',
      'postgres',
    ]);
    for (const [name, role] of [
      ['app', 'gateway'],
      ['worker', 'worker'],
    ] as const) {
      expect(parseConfig(services[name]!.environment!, role).store).toEqual({
        kind: 'postgres',
        url,
        schema: undefined,
      });
    }
  });

  it('gives a stopping worker longer than its shutdown, which is longer than its drain', async () => {
    const { services } = await composeConfig();
    const worker = services.worker!;
    const config = parseConfig(worker.environment!, 'worker');
    expect(seconds(worker.stop_grace_period!) * 1000).toBeGreaterThan(config.shutdownTimeoutMs);
    expect(Number(worker.environment!.WORKER_DRAIN_MS)).toBeLessThan(config.shutdownTimeoutMs);
  });
});
