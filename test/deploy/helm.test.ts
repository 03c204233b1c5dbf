import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBullmqJobQueue } from '../../shared/adapters/queue/bullmq-job-queue.ts';
import { parseConfig } from '../../shared/config.ts';
import { DEFAULT_TEST_REDIS_URL } from '../e2e/support/processes.ts';
import {
  CHART_DIR,
  ensureHelm,
  find,
  helm,
  type K8sObject,
  renderChart,
  valuesArgs,
} from './support/helm.ts';

/**
 * The Helm chart (deploy/helm/agentgate), linted strictly and rendered with default and other
 * values by a real helm; every assertion reads the parsed manifests.
 */

const HELM_TIMEOUT_MS = 120_000;

/** Values that change every switch the chart has. */
const CUSTOM = {
  image: { repository: 'registry.example.com/agentgate', tag: '1.2.3' },
  redis: {
    host: 'redis.cache',
    port: 6380,
    password: 'p@ss:word',
    tls: true,
    db: 2,
    prefix: 'acme',
  },
  store: {
    kind: 'postgres',
    databaseUrl: 'postgres://agentgate:secret@pg.db:5432/agentgate',
    databaseSchema: 'agentgate',
  },
  secretEnv: { OPENAI_API_KEY: 'sk-test' },
  env: { LOG_LEVEL: 'debug', EVENT_RETENTION_SECONDS: 3600 },
  gateway: {
    autoscaling: { minReplicas: 3, maxReplicas: 6, targetCPUUtilizationPercentage: 50 },
    podDisruptionBudget: { minAvailable: 2 },
  },
  worker: {
    concurrency: 10,
    drainMs: 120_000,
    keda: { minReplicas: 2, maxReplicas: 8, jobsPerReplica: 5, countActive: false },
  },
  persistence: { enabled: true, size: '5Gi' },
  ingress: {
    enabled: true,
    host: 'agents.example.com',
    annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
    tls: [{ secretName: 'agents-tls', hosts: ['agents.example.com'] }],
  },
};

let defaults: K8sObject[];
let custom: K8sObject[];

beforeAll(async () => {
  await ensureHelm();
  [defaults, custom] = await Promise.all([renderChart(), renderChart(CUSTOM)]);
}, HELM_TIMEOUT_MS);

const container = (deployment: K8sObject) => deployment.spec.template.spec.containers[0];
const envOf = (deployment: K8sObject): Record<string, string> =>
  Object.fromEntries(
    (container(deployment).env as { name: string; value: string }[]).map((e) => [e.name, e.value]),
  );

/** The environment a container of `deployment` gets: ConfigMap, Secret, then its own `env`. */
function environment(objects: K8sObject[], deployment: K8sObject): Record<string, string> {
  return {
    ...find(objects, 'ConfigMap').data,
    ...find(objects, 'Secret').stringData,
    ...envOf(deployment),
  };
}

describe('helm lint --strict', () => {
  it(
    'passes with the default values and with every switch changed',
    async () => {
      await helm(['lint', '--strict', CHART_DIR]);
      await helm(['lint', '--strict', CHART_DIR, ...(await valuesArgs(CUSTOM))]);
    },
    HELM_TIMEOUT_MS,
  );
});

describe('helm template with the default values', () => {
  it('renders the gateway and worker with their autoscalers, budgets, config and secret', () => {
    expect(defaults.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/agentgate',
      'Deployment/agentgate-gateway',
      'Deployment/agentgate-worker',
      'HorizontalPodAutoscaler/agentgate-gateway',
      'PodDisruptionBudget/agentgate-gateway',
      'PodDisruptionBudget/agentgate-worker',
      'ScaledObject/agentgate-worker',
      'Secret/agentgate',
      'Service/agentgate-gateway',
      'TriggerAuthentication/agentgate-redis',
    ]);
  });

  it('runs the compiled gateway as non-root with probes on /healthz and /readyz', () => {
    const gateway = find(defaults, 'Deployment', '-gateway');
    const c = container(gateway);
    expect(c.command).toEqual(['node', 'dist/server/main.js']);
    expect(c.ports).toEqual([
      { name: 'http', containerPort: 4000 },
      { name: 'metrics', containerPort: 9464 },
    ]);
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(c.resources.requests).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(c.resources.limits.memory).toBeDefined();
    expect(gateway.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    // The HPA owns the replica count.
    expect(gateway.spec.replicas).toBeUndefined();
    const env = environment(defaults, gateway);
    const shutdownSeconds = Number(env.SHUTDOWN_TIMEOUT_MS) / 1000;
    const preStop = Number(c.lifecycle.preStop.exec.command[1]);
    expect(gateway.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(
      shutdownSeconds + preStop,
    );
    expect(gateway.spec.template.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '9464',
      'prometheus.io/path': '/metrics',
    });
  });

  it('serves gateway metrics on their own port, which the Service does not expose', () => {
    const gateway = find(defaults, 'Deployment', '-gateway');
    const config = parseConfig(environment(defaults, gateway), 'gateway');
    expect(config.metrics.port).toBe(9464);
    expect(config.server.port).toBe(4000);
    const service = find(defaults, 'Service', '-gateway');
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http' }]);
    // No Ingress by default: clients reach the Service directly, X-Forwarded-For is not trusted.
    expect(config.clients.trustProxyHops).toBe(0);
  });

  it('scales the gateway on CPU from 2 to 10 replicas', () => {
    const hpa = find(defaults, 'HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'agentgate-gateway',
    });
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 10 });
    expect(hpa.spec.metrics).toEqual([
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
      },
    ]);
  });

  it('gives the worker a grace period longer than its shutdown, which is longer than its drain', () => {
    const worker = find(defaults, 'Deployment', '-worker');
    const c = container(worker);
    expect(c.command).toEqual(['node', 'dist/worker/main.js']);
    const env = environment(defaults, worker);
    expect(c.ports).toEqual([{ name: 'metrics', containerPort: Number(env.METRICS_PORT) }]);
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    const grace = worker.spec.template.spec.terminationGracePeriodSeconds * 1000;
    expect(grace).toBeGreaterThan(Number(env.SHUTDOWN_TIMEOUT_MS));
    expect(Number(env.SHUTDOWN_TIMEOUT_MS)).toBeGreaterThan(Number(env.WORKER_DRAIN_MS));
    expect(worker.spec.replicas).toBeUndefined();
  });

  it('gives both roles an environment the config accepts, on MongoDB by default', () => {
    for (const [name, role] of [
      ['-gateway', 'gateway'],
      ['-worker', 'worker'],
    ] as const) {
      const config = parseConfig(environment(defaults, find(defaults, 'Deployment', name)), role);
      expect(config.store.kind).toBe('mongo');
      expect(config.redis).toEqual({ url: 'redis://redis-master:6379/0', prefix: 'agentgate' });
      expect(config.server.host).toBe('0.0.0.0');
    }
    const worker = parseConfig(
      environment(defaults, find(defaults, 'Deployment', '-worker')),
      'worker',
    );
    expect(worker.worker.concurrency).toBe(20);
    expect(worker.metrics.port).toBe(9464);
  });

  it('scales workers from 1 to 20 on waiting + prioritized + active jobs of the real queue keys', () => {
    const scaled = find(defaults, 'ScaledObject');
    expect(scaled.spec.scaleTargetRef).toEqual({ name: 'agentgate-worker' });
    expect(scaled.spec).toMatchObject({ minReplicaCount: 1, maxReplicaCount: 20 });
    const triggers = scaled.spec.triggers as {
      type: string;
      name: string;
      authenticationRef: { name: string };
      metadata: Record<string, string>;
    }[];
    expect(triggers.map((t) => [t.type, t.name, t.metadata.listName])).toEqual([
      ['redis', 'waiting', 'agentgate:runs:wait'],
      ['redis', 'prioritized', 'agentgate:runs:prioritized'],
      ['redis', 'active', 'agentgate:runs:active'],
    ]);
    expect(scaled.spec.advanced.scalingModifiers).toEqual({
      formula: 'waiting + prioritized + active',
      target: '20',
      activationTarget: '0',
      metricType: 'AverageValue',
    });
    for (const trigger of triggers) {
      expect(trigger.authenticationRef.name).toBe('agentgate-redis');
      expect(trigger.metadata).toMatchObject({ databaseIndex: '0', enableTLS: 'false' });
    }
  });

  it('authenticates KEDA with the address as host:port, from the Secret', () => {
    const auth = find(defaults, 'TriggerAuthentication');
    const refs = auth.spec.secretTargetRef as { parameter: string; name: string; key: string }[];
    expect(refs).toEqual([
      { parameter: 'address', name: 'agentgate', key: 'REDIS_ADDRESS' },
      { parameter: 'password', name: 'agentgate', key: 'REDIS_PASSWORD' },
    ]);
    const secret = find(defaults, 'Secret').stringData!;
    expect(secret.REDIS_ADDRESS).toBe('redis-master:6379');
    expect(secret.REDIS_ADDRESS).toMatch(/^[^:/@]+:\d+$/);
  });

  it('keeps at least one gateway and all but one worker through voluntary disruptions', () => {
    const gatewayPdb = find(defaults, 'PodDisruptionBudget', '-gateway');
    const workerPdb = find(defaults, 'PodDisruptionBudget', '-worker');
    expect(gatewayPdb.spec.minAvailable).toBe(1);
    expect(workerPdb.spec.maxUnavailable).toBe(1);
    const gatewayPods = find(defaults, 'Deployment', '-gateway').spec.template.metadata.labels;
    const workerPods = find(defaults, 'Deployment', '-worker').spec.template.metadata.labels;
    expect(gatewayPods).toMatchObject(gatewayPdb.spec.selector.matchLabels);
    expect(workerPods).toMatchObject(workerPdb.spec.selector.matchLabels);
    expect(gatewayPods).toMatchObject(find(defaults, 'Service').spec.selector);
    expect(workerPods).not.toMatchObject(find(defaults, 'Service').spec.selector);
  });
});

describe('helm template with other values', () => {
  it('moves every queue key under the prefix and counts only ready jobs without countActive', () => {
    const scaled = find(custom, 'ScaledObject');
    expect(scaled.spec).toMatchObject({ minReplicaCount: 2, maxReplicaCount: 8 });
    expect(
      scaled.spec.triggers.map((t: { metadata: { listName: string } }) => t.metadata.listName),
    ).toEqual(['acme:runs:wait', 'acme:runs:prioritized']);
    expect(scaled.spec.advanced.scalingModifiers).toMatchObject({
      formula: 'waiting + prioritized',
      target: '5',
    });
    expect(scaled.spec.triggers[0].metadata).toMatchObject({
      databaseIndex: '2',
      enableTLS: 'true',
    });
    expect(find(custom, 'Secret').stringData!.REDIS_ADDRESS).toBe('redis.cache:6380');
  });

  it('builds a TLS Redis URL with the password escaped, on PostgreSQL, that the config accepts', () => {
    const worker = find(custom, 'Deployment', '-worker');
    const env = environment(custom, worker);
    expect(env.REDIS_URL).toBe('rediss://:p%40ss%3Aword@redis.cache:6380/2');
    expect(env.MONGODB_URI).toBeUndefined();
    const config = parseConfig(env, 'worker');
    expect(config.store).toEqual({
      kind: 'postgres',
      url: 'postgres://agentgate:secret@pg.db:5432/agentgate',
      schema: 'agentgate',
    });
    expect(config.redis?.prefix).toBe('acme');
    expect(config.worker.concurrency).toBe(10);
    expect(config.log.level).toBe('debug');
    expect(config.events.retentionSeconds).toBe(3600);
    expect(env.OPENAI_API_KEY).toBe('sk-test');
    expect(container(worker).image).toBe('registry.example.com/agentgate:1.2.3');
    const grace = worker.spec.template.spec.terminationGracePeriodSeconds * 1000;
    expect(Number(env.WORKER_DRAIN_MS)).toBe(120_000);
    expect(grace).toBeGreaterThan(Number(env.SHUTDOWN_TIMEOUT_MS));
  });

  it('trusts the ingress controller’s X-Forwarded-For entry for client addresses', () => {
    const gateway = find(custom, 'Deployment', '-gateway');
    expect(parseConfig(environment(custom, gateway), 'gateway').clients.trustProxyHops).toBe(1);
  });

  it('routes the ingress to the gateways with the SSE annotations', () => {
    const ingress = find(custom, 'Ingress');
    expect(ingress.metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/proxy-buffering': 'off',
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
      'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
      'cert-manager.io/cluster-issuer': 'letsencrypt',
    });
    expect(ingress.spec.tls).toEqual([{ secretName: 'agents-tls', hosts: ['agents.example.com'] }]);
    const [rule] = ingress.spec.rules;
    expect(rule.host).toBe('agents.example.com');
    expect(rule.http.paths).toEqual([
      {
        path: '/graphql',
        pathType: 'Prefix',
        backend: { service: { name: 'agentgate-gateway', port: { name: 'http' } } },
      },
    ]);
  });

  it('mounts the optional volume in the workers and sizes the autoscaler and budget as asked', () => {
    const pvc = find(custom, 'PersistentVolumeClaim');
    expect(pvc.spec.resources.requests.storage).toBe('5Gi');
    const worker = find(custom, 'Deployment', '-worker');
    expect(container(worker).volumeMounts).toContainEqual({ name: 'data', mountPath: '/app/data' });
    expect(worker.spec.template.spec.volumes).toContainEqual({
      name: 'data',
      persistentVolumeClaim: { claimName: pvc.metadata.name },
    });
    expect(find(custom, 'HorizontalPodAutoscaler').spec).toMatchObject({
      minReplicas: 3,
      maxReplicas: 6,
      metrics: [{ resource: { target: { averageUtilization: 50 } } }],
    });
    expect(find(custom, 'PodDisruptionBudget', '-gateway').spec.minAvailable).toBe(2);
  });

  it(
    'sets fixed replicas without HPA and KEDA, and refuses an unknown store',
    async () => {
      const fixed = await renderChart({
        gateway: { autoscaling: { enabled: false }, replicas: 4 },
        worker: { keda: { enabled: false }, replicas: 3 },
        secrets: { existingSecret: 'agentgate-prod' },
      });
      expect(
        fixed.some((o) => o.kind === 'HorizontalPodAutoscaler' || o.kind === 'ScaledObject'),
      ).toBe(false);
      expect(fixed.some((o) => o.kind === 'Secret')).toBe(false);
      expect(find(fixed, 'Deployment', '-gateway').spec.replicas).toBe(4);
      const worker = find(fixed, 'Deployment', '-worker');
      expect(worker.spec.replicas).toBe(3);
      expect(container(worker).envFrom).toContainEqual({ secretRef: { name: 'agentgate-prod' } });
      await expect(renderChart({ store: { kind: 'sqlite' } })).rejects.toThrow(
        /store.kind must be mongo or postgres/,
      );
    },
    HELM_TIMEOUT_MS,
  );
});

describe('the keys the worker ScaledObject watches', () => {
  const redisUrl = process.env.TEST_REDIS_URL ?? DEFAULT_TEST_REDIS_URL;
  const prefix = `test-keda-${randomBytes(4).toString('hex')}`;
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  });
  afterAll(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  });

  /** What KEDA's redis scaler reads for a key: LLEN of a list, ZCARD of a sorted set, 0 if none. */
  async function kedaLength(key: string): Promise<number> {
    const type = await redis.type(key);
    if (type === 'list') return redis.llen(key);
    if (type === 'zset') return redis.zcard(key);
    if (type === 'none') return 0;
    throw new Error(`${key} is a ${type}; KEDA's redis scaler reads lists and sorted sets here`);
  }

  it(
    'are the BullMQ lists and sorted set whose lengths are the queue depth',
    async () => {
      const rendered = await renderChart({ redis: { prefix } });
      const listNames = find(rendered, 'ScaledObject').spec.triggers.map(
        (t: { metadata: { listName: string } }) => t.metadata.listName,
      ) as string[];

      const queue = createBullmqJobQueue({ connection: redisUrl, prefix, drainDelaySeconds: 0.2 });
      // The adapter never sets a priority; a prioritized job is added the way BullMQ does it.
      const rawConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
      const raw = new Queue('runs', { connection: rawConnection, prefix });
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      try {
        for (let i = 0; i < 3; i++) {
          await queue.enqueue({ tenantId: 't', workflowId: 'w', runId: `run-${i}` });
        }
        await raw.add(
          'run-agent',
          { tenantId: 't', workflowId: 'w', runId: 'run-p' },
          {
            jobId: 'run-p',
            priority: 1,
          },
        );
        const counts = await queue.counts();
        expect(counts).toMatchObject({ waiting: 3, prioritized: 1 });
        expect(await redis.type(`${prefix}:runs:wait`)).toBe('list');
        expect(await redis.type(`${prefix}:runs:prioritized`)).toBe('zset');
        // waiting, prioritized, active: exactly what BullMQ counts.
        expect(await Promise.all(listNames.map(kedaLength))).toEqual([3, 1, 0]);

        // A worker holding a job: it leaves the ready lists for the active list.
        const processor = queue.process(
          async () => {
            await held;
            return undefined;
          },
          { concurrency: 1 },
        );
        await vi.waitFor(async () => expect((await queue.counts()).active).toBe(1), {
          timeout: 10_000,
        });
        const busy = await queue.counts();
        expect(busy.waiting + busy.prioritized).toBe(3);
        expect(await redis.type(`${prefix}:runs:active`)).toBe('list');
        expect(await Promise.all(listNames.map(kedaLength))).toEqual([
          busy.waiting,
          busy.prioritized,
          busy.active,
        ]);
        release();
        await processor.close();
      } finally {
        release();
        await raw.close();
        rawConnection.disconnect();
        await queue.close();
      }
    },
    HELM_TIMEOUT_MS,
  );
});
