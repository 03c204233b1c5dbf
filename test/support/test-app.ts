import { type Client, createClient } from 'graphql-sse';
import { createApp } from '../../server/app.ts';
import { createInProcessEventBus } from '../../shared/adapters/events/in-process-event-bus.ts';
import { createInProcessJobQueue } from '../../shared/adapters/queue/in-process-job-queue.ts';
import { createPgliteStore } from '../../shared/adapters/store/sql/pglite-store.ts';
import { DEFAULT_TENANT_ID } from '../../shared/domain/types.ts';
import { createSilentLogger } from '../../shared/logger.ts';
import type { Store } from '../../shared/ports/store.ts';
import { createServices } from '../../shared/services/index.ts';
import type { ServiceLimits } from '../../shared/services/types.ts';
import { createModelRegistry, type ProviderConfig } from '../../worker/models/registry.ts';
import { startWorker } from '../../worker/start-worker.ts';

export interface TestAppOptions {
  /** A store to use instead of a fresh in-memory PGlite (already initialised). */
  store?: Store;
  providers?: ProviderConfig[];
  limits?: Partial<ServiceLimits>;
  /** Start the in-process worker (default true). */
  worker?: boolean;
}

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
  const bus = createInProcessEventBus();
  const queue = createInProcessJobQueue({ backoffMs: 10 });
  const logger = createSilentLogger();
  const models = createModelRegistry(options.providers ?? []);
  const limits: ServiceLimits = {
    maxPromptChars: 10_000,
    defaultMaxTurns: 10,
    cancelGraceMs: 2_000,
    ...options.limits,
  };
  const services = createServices({ store, bus, queue, models, limits, logger });
  const app = createApp({
    services,
    store,
    logger,
    authenticate: async () => ({ tenantId: DEFAULT_TENANT_ID }),
    readiness: async () => {
      await Promise.all([store.ping(), bus.ping(), queue.ping()]);
    },
  });
  const worker =
    options.worker === false
      ? null
      : startWorker({ store, bus, queue, models, logger, maxRetries: 0, concurrency: 4 });

  const url = 'http://agentgate.test/graphql';
  const sse: Client = createClient({
    url,
    fetchFn: app.fetch as typeof fetch,
    retryAttempts: 0,
  });

  async function gql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<GraphQLResponse<T>> {
    const response = await app.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  }

  /** Runs a query that must succeed and returns its data. */
  async function data<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<T> {
    const result = await gql<T>(query, variables);
    if (result.errors?.length || !result.data) {
      throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    }
    return result.data;
  }

  /** Collects a subscription's payloads until it completes (or `until` returns true). */
  function collect<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown>,
    until?: (item: T, all: T[]) => boolean,
  ): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const items: T[] = [];
      let dispose = () => {};
      dispose = sse.subscribe<T>(
        { query, variables },
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

  return {
    app,
    store,
    bus,
    queue,
    services,
    gql,
    data,
    collect,
    async close() {
      sse.dispose();
      await worker?.close();
      await queue.close();
      await bus.close();
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/** Creates a demo:echo agent and a workflow on it; returns their ids. */
export async function createDemoWorkflow(t: TestApp, model = 'demo:echo') {
  const { createAgent } = await t.data<{ createAgent: { id: string } }>(
    `mutation ($input: CreateAgentInput!) { createAgent(input: $input) { id } }`,
    { input: { name: 'Echo', systemPrompt: 'You echo.', model } },
  );
  const { createWorkflow } = await t.data<{ createWorkflow: { id: string } }>(
    `mutation ($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }`,
    { input: { agentId: createAgent.id, title: 'Test' } },
  );
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
