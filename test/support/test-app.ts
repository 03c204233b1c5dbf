import { randomBytes } from 'node:crypto';
import { type Client, createClient } from 'graphql-sse';
import type { Registry } from 'prom-client';
import type { TypedDocumentString } from '../../sdk/gql/graphql.ts';
import { graphql } from '../../sdk/gql/index.ts';
import { type AppDeps, createApp } from '../../server/app.ts';
import { createTokenAuthenticator } from '../../server/auth.ts';
import { createGatewayMetrics } from '../../server/metrics.ts';
import {
  createInProcessEventBus,
  type InProcessEventBusOptions,
} from '../../shared/adapters/events/in-process-event-bus.ts';
import { createInProcessJobQueue } from '../../shared/adapters/queue/in-process-job-queue.ts';
import { createPgliteStore } from '../../shared/adapters/store/sql/pglite-store.ts';
import { defaultProtection, type ProtectionConfig } from '../../shared/config.ts';
import { generateToken, hashToken, tokenPrefix } from '../../shared/domain/api-tokens.ts';
import { DEFAULT_TENANT_ID } from '../../shared/domain/types.ts';
import { createSilentLogger } from '../../shared/logger.ts';
import { createEventMetrics, createMetricsRegistry, meterEventBus } from '../../shared/metrics.ts';
import type { Store } from '../../shared/ports/store.ts';
import { createSecretCipher, type SecretKey } from '../../shared/secrets/secret-cipher.ts';
import { createSecretResolver } from '../../shared/secrets/secret-resolver.ts';
import { createServices } from '../../shared/services/index.ts';
import type { ServiceLimits } from '../../shared/services/types.ts';
import { createModelRegistry, type ProviderConfig } from '../../worker/models/registry.ts';
import { createTenantModels } from '../../worker/models/tenant-models.ts';
import type { RunAgentDeps } from '../../worker/run-agent.ts';
import { startWorker } from '../../worker/start-worker.ts';
import {
  type McpHostPolicy,
  UNRESTRICTED_MCP_HOST_POLICY,
} from '../../worker/tools/mcp-host-policy.ts';
import type { McpPool } from '../../worker/tools/mcp-pool.ts';
import { createMcpProbe } from '../../worker/tools/mcp-probe.ts';
import { createWorkerMetrics } from '../../worker/worker-metrics.ts';

export interface TestAppOptions {
  /** A store to use instead of a fresh in-memory PGlite (already initialised). */
  store?: Store;
  providers?: ProviderConfig[];
  limits?: Partial<ServiceLimits>;
  /** Start the in-process worker (default true). */
  worker?: boolean;
  /**
   * Authenticate like a gateway with tokens (`createTokenAuthenticator`, no cache) instead of
   * serving every request as the default tenant. Send tokens with `as(token)`.
   */
  auth?: boolean;
  /** Limits and protections, over the documented defaults. */
  protection?: Partial<ProtectionConfig>;
  /** Count into a registry of its own and serve it on `/metrics` (default false). */
  metrics?: boolean;
  /** MCP tool limits of the worker (default: the production defaults). */
  tools?: RunAgentDeps['tools'];
  /** The worker's MCP connection pool (default: one made from `tools`); closed with the app. */
  mcpPool?: McpPool;
  /** What MCP connections may do; default {@link UNRESTRICTED_MCP_HOST_POLICY}. */
  mcpPolicy?: McpHostPolicy;
  /** Keys that seal secrets (default: one random key); null: none, as without SECRETS_KEYS. */
  secretKeys?: SecretKey[] | null;
  /** Options of the in-process event bus (default: the production defaults). */
  events?: Pick<InProcessEventBusOptions, 'maxBufferedBytes' | 'maxBufferedEvents'>;
  /** How SSE streams end a client that fell behind (default: the production defaults). */
  eventStreams?: AppDeps['eventStreams'];
  /** Output size limits of the worker (default: the production defaults). */
  output?: RunAgentDeps['output'];
}

/** A query as text, or a typed document from `graphql()` (sdk/gql) that carries its types. */
export type Query<T, V> = string | TypedDocumentString<T, V>;

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

let sharedStore: Promise<Store> | undefined;

/**
 * One in-memory PGlite store per test file (starting PGlite takes a second); tests stay apart by
 * creating their own agents and workflows.
 */
function defaultStore(): Promise<Store> {
  sharedStore ??= (async () => {
    const store = createPgliteStore();
    await store.init();
    return store;
  })();
  return sharedStore;
}

/**
 * The gateway and an in-process worker over the embedded adapters, driven through `yoga.fetch`
 * (no sockets) — API tests see exactly what HTTP clients see.
 */
export async function createTestApp(options: TestAppOptions = {}) {
  const store = options.store ?? (await defaultStore());
  const registry: Registry | undefined = options.metrics ? createMetricsRegistry() : undefined;
  const unmeteredBus = createInProcessEventBus(options.events);
  const bus = registry ? meterEventBus(unmeteredBus, createEventMetrics(registry)) : unmeteredBus;
  const queue = createInProcessJobQueue({ backoffMs: 10 });
  const logger = createSilentLogger();
  const secretKeys =
    options.secretKeys === undefined ? [{ id: 'test', key: randomBytes(32) }] : options.secretKeys;
  // The fixtures (MCP servers, fake providers) listen on loopback and run as stdio processes.
  const mcpPolicy = options.mcpPolicy ?? UNRESTRICTED_MCP_HOST_POLICY;
  const secretCipher = secretKeys ? createSecretCipher(secretKeys) : null;
  const secrets = createSecretResolver(store.secrets, secretCipher);
  const models = createTenantModels({
    registry: createModelRegistry(options.providers ?? []),
    providers: store.providers,
    secrets,
  });
  const limits: ServiceLimits = {
    maxPromptChars: 10_000,
    defaultMaxTurns: 10,
    cancelGraceMs: 2_000,
    ...options.limits,
  };
  const services = createServices({
    store,
    bus,
    queue,
    models,
    limits,
    logger,
    mcpProbe: createMcpProbe({
      policy: mcpPolicy,
      connectTimeoutMs: options.tools?.connectTimeoutMs,
      secrets,
    }),
    mcpStdioAllowed: mcpPolicy.stdioAllowed,
    secretCipher,
  });
  const app = createApp({
    services,
    store,
    logger,
    authenticate: options.auth
      ? createTokenAuthenticator(store.tokens, { logger, cacheTtlMs: 0 }).authenticate
      : async () => ({ tenantId: DEFAULT_TENANT_ID }),
    protection: { ...defaultProtection(), ...options.protection },
    readiness: async () => {
      await Promise.all([store.ping(), bus.ping(), queue.ping()]);
    },
    metrics: registry
      ? createGatewayMetrics(registry, { busSubscribers: () => bus.stats().subscribers })
      : undefined,
    // No socket reaches this app: tests read /metrics through `app.fetch`.
    metricsAccess: { mode: 'open' },
    eventStreams: options.eventStreams,
  });
  const workerMetrics = registry
    ? createWorkerMetrics(registry, {
        concurrency: 4,
        queueCounts: () => queue.counts(),
        mcpConnections: options.mcpPool?.stats,
      })
    : undefined;
  const worker =
    options.worker === false
      ? null
      : startWorker({
          store,
          bus,
          queue,
          models,
          secrets,
          logger,
          maxRetries: 0,
          concurrency: 4,
          metrics: workerMetrics,
          tools: { ...options.tools, policy: mcpPolicy },
          mcpPool: options.mcpPool,
          output: options.output,
        });

  const url = 'http://agentgate.test/graphql';
  const clients: Client[] = [];

  /** Requests as a client sends them, with `Authorization: Bearer <token>` when given. */
  function clientFor(token?: string) {
    const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const sse: Client = createClient({
      url,
      fetchFn: app.fetch as typeof fetch,
      retryAttempts: 0,
      headers: auth,
    });
    clients.push(sse);

    async function gql<T = Record<string, unknown>, V = Record<string, unknown>>(
      query: Query<T, V>,
      variables: NoInfer<V> = {} as NoInfer<V>,
    ): Promise<GraphQLResponse<T>> {
      const response = await app.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ query: String(query), variables }),
      });
      return (await response.json()) as GraphQLResponse<T>;
    }

    /** Runs a query that must succeed and returns its data. */
    async function data<T = Record<string, unknown>, V = Record<string, unknown>>(
      query: Query<T, V>,
      variables: NoInfer<V> = {} as NoInfer<V>,
    ): Promise<T> {
      const result = await gql<T, V>(query, variables);
      if (result.errors?.length || !result.data) {
        throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
      }
      return result.data;
    }

    /** Collects a subscription's payloads until it completes (or `until` returns true). */
    function collect<T = Record<string, unknown>, V = Record<string, unknown>>(
      query: Query<T, V>,
      variables: NoInfer<V>,
      until?: (item: T, all: T[]) => boolean,
    ): Promise<T[]> {
      return new Promise((resolve, reject) => {
        const items: T[] = [];
        let dispose = () => {};
        dispose = sse.subscribe<T>(
          { query: String(query), variables: variables as Record<string, unknown> },
          {
            next: (value) => {
              if (value.errors?.length) {
                reject(new Error(`subscription errors: ${JSON.stringify(value.errors)}`));
                dispose();
                return;
              }
              const item = value.data as T;
              items.push(item);
              if (until?.(item, items)) {
                dispose();
                resolve(items);
              }
            },
            error: (error) =>
              reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
            complete: () => resolve(items),
          },
        );
      });
    }

    return { gql, data, collect };
  }

  const { gql, data, collect } = clientFor();

  return {
    app,
    registry,
    store,
    bus,
    queue,
    services,
    gql,
    data,
    collect,
    /** The same requests, sent with an API token (see `auth`). */
    as: clientFor,
    /** Stores a new API token of `tenantId` and returns it (for `as`). */
    async createToken(tenantId: string, name = 'test'): Promise<string> {
      const secret = generateToken();
      await store.tokens.create({
        tenantId,
        name,
        hash: hashToken(secret),
        prefix: tokenPrefix(secret),
      });
      return secret;
    },
    async close() {
      for (const client of clients) client.dispose();
      await worker?.close();
      await queue.close();
      await bus.close();
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/** Creates a demo:echo agent and a workflow on it; returns their ids. */
const CREATE_DEMO_AGENT = graphql(`
  mutation TestCreateDemoAgent($input: CreateAgentInput!) {
    createAgent(input: $input) {
      id
    }
  }
`);
const CREATE_DEMO_WORKFLOW = graphql(`
  mutation TestCreateDemoWorkflow($input: CreateWorkflowInput!) {
    createWorkflow(input: $input) {
      id
    }
  }
`);

export async function createDemoWorkflow(t: TestApp, model = 'demo:echo') {
  const { createAgent } = await t.data(CREATE_DEMO_AGENT, {
    input: { name: 'Echo', systemPrompt: 'You echo.', model },
  });
  const { createWorkflow } = await t.data(CREATE_DEMO_WORKFLOW, {
    input: { agentId: createAgent.id, title: 'Test' },
  });
  return { agentId: createAgent.id, workflowId: createWorkflow.id };
}

export const EVENT_FIELDS = `
  __typename id workflowId runId at
  ... on RunStatusEvent { status error { code message } }
  ... on MessageDeltaEvent { messageId delta }
  ... on MessageEvent { message { id role content runId } }
  ... on UsageEvent { usage { inputTokens outputTokens totalTokens } }
  ... on LogEvent { event detail }
  ... on ToolCallEvent { toolCallId name toolStatus: status arguments result }
`;

/** {@link EVENT_FIELDS} as a fragment, for typed documents: `...TestEventFields`. */
export const TestEventFieldsFragment = graphql(`
  fragment TestEventFields on WorkflowEvent {
    __typename
    id
    workflowId
    runId
    at
    ... on RunStatusEvent {
      status
      error {
        code
        message
      }
    }
    ... on MessageDeltaEvent {
      messageId
      delta
    }
    ... on MessageEvent {
      message {
        id
        role
        content
        runId
      }
    }
    ... on UsageEvent {
      usage {
        inputTokens
        outputTokens
        totalTokens
      }
    }
    ... on LogEvent {
      event
      detail
    }
    ... on ToolCallEvent {
      toolCallId
      name
      toolStatus: status
      arguments
      result
    }
  }
`);

export interface EventPayload {
  __typename: string;
  id: string;
  runId: string | null;
  status?: string;
  error?: { code: string; message: string } | null;
  messageId?: string;
  delta?: string;
  message?: { id: string; role: string; content: string; runId: string | null };
  usage?: { inputTokens: number; outputTokens: number; totalTokens: number };
  event?: string;
}
