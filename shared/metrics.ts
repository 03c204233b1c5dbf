import { createHash, timingSafeEqual } from 'node:crypto';
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import type { WorkflowEvent } from './domain/events.ts';
import type { EventBus } from './ports/event-bus.ts';

/**
 * Prometheus metrics. Every process (and every runtime in a test process) has its own registry,
 * created by its composition root and handed down: prom-client's default registry is global, and
 * two apps in one process must not share (or collide on) one.
 *
 * Names (README "Operations"): `agentgate_*` for ours, `graphql_*` for Yoga's Prometheus plugin,
 * `process_*` / `nodejs_*` for prom-client's defaults.
 */

/** A fresh registry with prom-client's process metrics (CPU, memory, event loop lag, GC). */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * True when an `Authorization` header value is `Bearer <token>` (`METRICS_TOKEN`). Compared as
 * SHA-256 digests in constant time, so neither the length nor a prefix of the token leaks.
 */
export function isMetricsTokenValid(authorization: string | null | undefined, token: string) {
  const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  if (!match) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]!), digest(token));
}

/** What every process that publishes events counts about them. */
export interface EventMetrics {
  /** Called once for every event this process published. */
  published(event: WorkflowEvent): void;
}

/**
 * Counters over published events: events by type, runs by the status they reached (each run
 * reaches each status at most once, so the counter of a status is the number of runs that reached
 * it; sum over processes), and tool calls by outcome. Every label takes values from a fixed set.
 */
export function createEventMetrics(registry: Registry): EventMetrics {
  const events = new Counter({
    name: 'agentgate_events_published_total',
    help: 'Workflow events this process published, by event type.',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const runs = new Counter({
    name: 'agentgate_runs_total',
    help: 'Runs that reached a status (QUEUED, RUNNING, SUCCEEDED, FAILED, …), counted by the process that announced it; sum over processes.',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  // No tool label: tool names come from tenants' MCP servers, unbounded and private to them.
  const toolCalls = new Counter({
    name: 'agentgate_tool_calls_total',
    help: 'Tool calls that ended, by outcome (succeeded, failed).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  return {
    published(event) {
      events.inc({ type: event.type });
      if (event.type === 'RunStatusEvent') runs.inc({ status: event.status });
      else if (event.type === 'ToolCallEvent' && event.status !== 'STARTED') {
        toolCalls.inc({ outcome: event.status.toLowerCase() });
      }
    },
  };
}

/**
 * The bus, counting every event published through it: a decorator applied by the composition
 * root, so neither the services nor the worker know about metrics.
 */
export function meterEventBus<T extends EventBus>(bus: T, metrics: EventMetrics): T {
  return {
    ...bus,
    async publish(event, options) {
      const published = await bus.publish(event, options);
      metrics.published(published);
      return published;
    },
  };
}
