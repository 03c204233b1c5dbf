import { createCounter, usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { WorkflowEvent } from '../shared/domain/events.ts';
import { isAppError } from '../shared/errors.ts';
import { type Drainable, isDrainable } from '../shared/ports/event-bus.ts';
import type { Services } from '../shared/services/index.ts';

/** Seconds: how late a live event reaches its SSE stream, from the worker's `at` to delivery. */
export const DELIVERY_LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/**
 * Events stamped up to this long before their stream opened still count as live in the lag
 * histogram (clock skew between worker and gateway); older ones are replays of the log.
 */
export const LIVE_SKEW_ALLOWANCE_MS = 1_000;

/** The gateway's own metrics; Yoga's plugin adds the `graphql_*` ones to the same registry. */
export interface GatewayMetrics {
  readonly registry: Registry;
  /** An SSE stream of `subscription` opened; call the returned function (idempotent) when it ends. */
  streamOpened(subscription: string): () => void;
  /** An event was handed to a stream that opened at `openedAt` (epoch ms). */
  delivered(event: WorkflowEvent, openedAt: number): void;
  /**
   * An event subscription's selection set was executed for an event. Subscribers asking the same
   * of the same event share one execution, so this grows slower than events delivered.
   */
  eventExecuted(): void;
}

export interface GatewayMetricsOptions {
  /** Live subscriptions attached to this process's event bus, read at scrape time. */
  busSubscribers?: () => number;
  /** The clock, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/** The subscription fields whose stream series exist (at 0) before their first stream. */
const SUBSCRIPTION_FIELDS = ['runEvents', 'workflowEvents'];

/**
 * The gateway's stream metrics on `registry`: open and opened SSE streams, events delivered, and
 * the delivery lag of live events. Created once per registry (prom-client refuses a name twice).
 */
export function createGatewayMetrics(
  registry: Registry,
  options: GatewayMetricsOptions = {},
): GatewayMetrics {
  const now = options.now ?? Date.now;
  const open = new Gauge({
    name: 'agentgate_sse_streams_open',
    help: 'Subscriptions (SSE streams) open on this gateway, by subscription field.',
    labelNames: ['subscription'] as const,
    registers: [registry],
  });
  const opened = new Counter({
    name: 'agentgate_sse_streams_opened_total',
    help: 'Subscriptions (SSE streams) opened on this gateway, by subscription field.',
    labelNames: ['subscription'] as const,
    registers: [registry],
  });
  const delivered = new Counter({
    name: 'agentgate_events_delivered_total',
    help: 'Events handed to SSE streams on this gateway (replayed and live), by event type.',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const executed = new Counter({
    name: 'agentgate_event_executions_total',
    help: 'Executions of an event subscription for an event; subscribers asking the same of one event share one.',
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'agentgate_event_delivery_lag_seconds',
    help: 'Seconds from a live event being produced (its `at`) to its delivery to an SSE stream.',
    buckets: DELIVERY_LAG_BUCKETS,
    registers: [registry],
  });
  for (const subscription of SUBSCRIPTION_FIELDS) {
    open.set({ subscription }, 0);
    opened.inc({ subscription }, 0);
  }
  /** The counter's child per event type, looked up once (labels cost a hash per call). */
  const deliveredByType = new Map<string, ReturnType<typeof delivered.labels>>();
  const { busSubscribers } = options;
  if (busSubscribers) {
    new Gauge({
      name: 'agentgate_event_bus_subscriptions',
      help: 'Live event bus subscriptions attached on this process.',
      registers: [registry],
      collect() {
        this.set(busSubscribers());
      },
    });
  }
  return {
    registry,
    streamOpened(subscription) {
      open.inc({ subscription });
      opened.inc({ subscription });
      let closed = false;
      return () => {
        if (closed) return;
        closed = true;
        open.dec({ subscription });
      };
    },
    delivered(event, openedAt) {
      let byType = deliveredByType.get(event.type);
      if (!byType) {
        byType = delivered.labels({ type: event.type });
        deliveredByType.set(event.type, byType);
      }
      byType.inc();
      const at = Date.parse(event.at);
      if (at >= openedAt - LIVE_SKEW_ALLOWANCE_MS) lag.observe(Math.max(0, now() - at) / 1000);
    },
    eventExecuted() {
      executed.inc();
    },
  };
}

/** The services with every event stream counted: open streams, events delivered, delivery lag. */
export function meterEventStreams(services: Services, metrics: GatewayMetrics): Services {
  const { events } = services;
  return {
    ...services,
    events: {
      ...events,
      workflowEvents: async (...args) =>
        metered('workflowEvents', await events.workflowEvents(...args), metrics),
      runEvents: async (...args) => metered('runEvents', await events.runEvents(...args), metrics),
    },
  };
}

function metered(
  subscription: string,
  source: AsyncIterableIterator<WorkflowEvent>,
  metrics: GatewayMetrics,
): AsyncIterableIterator<WorkflowEvent> {
  const openedAt = Date.now();
  const close = metrics.streamOpened(subscription);
  // Why not an async generator: its return() would wait for a pending next(), and a client that
  // disconnects from an idle stream would keep it (and the gauge) open.
  const drainable = isDrainable<WorkflowEvent>(source) ? source : undefined;
  const iterator: AsyncIterableIterator<WorkflowEvent> & Partial<Drainable<WorkflowEvent>> = {
    async next() {
      try {
        const step = await source.next();
        if (step.done) close();
        else metrics.delivered(step.value, openedAt);
        return step;
      } catch (error) {
        close();
        throw error;
      }
    },
    ...(drainable && {
      tryNext() {
        const step = drainable.tryNext();
        if (step === 'empty' || step === 'async') return step;
        if (step.done) close();
        else metrics.delivered(step.value, openedAt);
        return step;
      },
      onReadable: (listener: (() => void) | null) => drainable.onReadable(listener),
    }),
    async return(value?: unknown) {
      close();
      return (await source.return?.(value)) ?? { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      close();
      if (source.throw) return source.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/**
 * Yoga's Prometheus plugin on the gateway's registry: operation durations by phase
 * (`graphql_envelop_phase_*`, `graphql_envelop_request_duration`, `graphql_yoga_http_duration`)
 * and `graphql_envelop_error_result` with the error's `code`, labelled by operation type, never
 * by anything a client names. `/metrics` itself is served by `useMetricsEndpoint`
 * (server/metrics-endpoint.ts).
 */
export function usePrometheusMetrics(metrics: GatewayMetrics): Plugin {
  const { registry } = metrics;
  return usePrometheus({
    registry,
    endpoint: false,
    // Labels take values from fixed sets only. The URL of a GET request carries its query, and
    // an operation name is whatever a client writes (200,000 characters each, one series per
    // name, every tenant's names shown to whoever scrapes): neither labels anything.
    labels: { url: false, operationName: false },
    metrics: {
      graphql_envelop_request_time_summary: false,
      graphql_envelop_error_result: createCounter({
        registry,
        counter: {
          name: 'graphql_envelop_error_result',
          help: 'GraphQL errors reported to clients, by operation type, phase and error code.',
          labelNames: ['operationType', 'phase', 'code'] as const,
        },
        fillLabelsFn: (params) => ({
          operationType: params.operationType ?? 'unknown',
          phase: params.errorPhase ?? 'unknown',
          code: errorCode(params.errorPhase, params.error),
        }),
      }),
    },
  });
}

/** The `extensions.code` a client sees for an error (masked ones: INTERNAL_SERVER_ERROR). */
export function errorCode(phase: string | undefined, error: unknown): string {
  if (phase === 'parse') return 'GRAPHQL_PARSE_FAILED';
  if (phase === 'validate') return 'GRAPHQL_VALIDATION_FAILED';
  // Thrown while building the context (authentication): the error itself, not a GraphQLError.
  if (isAppError(error)) return error.code;
  if (!(error instanceof Error) || error.name !== 'GraphQLError') return 'INTERNAL_SERVER_ERROR';
  const graphQLError = error as GraphQLError;
  const code = graphQLError.extensions?.code;
  if (typeof code === 'string') return code;
  const original = graphQLError.originalError;
  if (isAppError(original)) return original.code;
  // graphql-js's own errors during execution (variable coercion) carry no original error.
  return original ? 'INTERNAL_SERVER_ERROR' : 'BAD_USER_INPUT';
}
