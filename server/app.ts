import type { GraphQLError } from 'graphql';
import { createGraphQLError, createYoga, maskError, type Plugin } from 'graphql-yoga';
import type { GraphQLContext } from '../schema/context.ts';
import { schema } from '../schema/index.ts';
import { createLoaders } from '../schema/loaders.ts';
import { defaultProtection, type ProtectionConfig } from '../shared/config.ts';
import { isAppError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { Store } from '../shared/ports/store.ts';
import type { Services, Viewer } from '../shared/services/index.ts';
import {
  EXTRA_REQUEST_PARAMETERS,
  useDistinctConnectionsOnly,
  usePersistedDocumentsRefused,
  useReadableSseErrors,
} from './client-compat.ts';
import { useConsole } from './console.ts';
import { useEventStreams } from './event-streams.ts';
import { useGraphiQL } from './graphiql.ts';
import {
  type GatewayMetrics,
  meterEventStreams,
  useMetricsEndpoint,
  usePrometheusMetrics,
} from './metrics.ts';
import { useMultipartSubscriptions } from './multipart-subscriptions.ts';
import {
  httpExtensionsOf,
  memoizeByRequest,
  protectionOptions,
  protectionPlugins,
  withApiCode,
  yogaLogger,
} from './protection.ts';
import { createRateLimiter, createSubscriptionCounter, type RateLimiter } from './rate-limit.ts';
import { createRequestIds } from './request-id.ts';
import { useSseResume } from './sse-resume.ts';

/** Where GraphQL is served (and GraphiQL, to a browser). */
const GRAPHQL_ENDPOINT = '/graphql';

export interface AppDeps {
  services: Services;
  store: Store;
  logger: Logger;
  /**
   * Who sends the request. Throws `UnauthenticatedError` when it cannot tell. Called once per
   * request, before its body is read.
   */
  authenticate: (request: Request) => Promise<Viewer>;
  /** Limits and browser protections. Default: `defaultProtection()`, the documented defaults. */
  protection?: ProtectionConfig;
  /** The per-token operation budget. Default: in memory, `protection.ratePerMinute`. */
  rateLimiter?: RateLimiter;
  /** Resolves when every backing service answers; rejects with the reason otherwise. */
  readiness: () => Promise<void>;
  /** Serves `/metrics` and counts streams, events and operations into its registry. Absent: none. */
  metrics?: GatewayMetrics;
}

/**
 * The gateway: GraphQL over HTTP and SSE on `/graphql`, GraphiQL for browsers, `/healthz`,
 * `/readyz` and `/metrics`. It never reads the environment and never listens; `server/http.ts`
 * does that.
 */
export function createApp(deps: AppDeps) {
  const { store, logger, metrics } = deps;
  const services = metrics ? meterEventStreams(deps.services, metrics) : deps.services;
  const requestIds = createRequestIds(logger);
  const protection = deps.protection ?? defaultProtection();
  const authenticate = memoizeByRequest(deps.authenticate);
  const rateLimiter =
    deps.rateLimiter ?? createRateLimiter({ perMinute: protection.ratePerMinute, logger });
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    landingPage: false,
    logging: yogaLogger(logger),
    ...protectionOptions(protection),
    // GraphiQL is served by useGraphiQL below, from local assets, not by Yoga (from unpkg.com).
    graphiql: false,
    extraParamNames: EXTRA_REQUEST_PARAMETERS,
    maskedErrors: {
      // Expected errors keep their message and code; everything else is masked by Yoga.
      maskError(error, message, isDev) {
        // Duck-typed: graphql may be loaded twice (ESM and CJS builds), so instanceof is unreliable.
        const graphQLError = error as Partial<GraphQLError>;
        const original = graphQLError.originalError ?? error;
        if (isAppError(original)) {
          const http = httpExtensionsOf(original);
          const extensions = http ? { code: original.code, http } : { code: original.code };
          return createGraphQLError(original.message, {
            nodes: graphQLError.nodes,
            path: graphQLError.path,
            extensions,
          });
        }
        const masked = maskError(error, message, isDev);
        // Only what gets masked is unexpected; a client's mistake (a variable of the wrong
        // type, a malformed body) is answered, not logged as an error.
        if (masked !== error) logger.error({ err: original }, 'unexpected error in a resolver');
        // Yoga's own errors about the request (malformed, too large …) get an API code too.
        return withApiCode(masked as GraphQLError);
      },
    },
    plugins: [
      // First: every response, even one another plugin ends early, carries its request id.
      requestIds.plugin,
      useReadableSseErrors(),
      useHealthEndpoints(deps.readiness, logger),
      useGraphiQL({ enabled: protection.graphiql, graphqlEndpoint: GRAPHQL_ENDPOINT, logger }),
      useDistinctConnectionsOnly(GRAPHQL_ENDPOINT),
      ...(metrics ? [useMetricsEndpoint(metrics)] : []),
      // Before the protection plugins, so that their subscription accounting wraps it.
      useEventStreams({ onExecute: metrics?.eventExecuted }),
      ...protectionPlugins({
        protection,
        authenticate,
        rateLimiter,
        subscriptions: createSubscriptionCounter(protection.maxSubscriptionsPerToken),
      }),
      usePersistedDocumentsRefused(),
      useSseResume(),
      useMultipartSubscriptions(),
      useConsole(logger),
      ...(metrics ? [usePrometheusMetrics(metrics)] : []),
    ],
    context: async ({ request }) => {
      const viewer = await authenticate(request);
      return {
        viewer,
        services,
        loaders: createLoaders(store, viewer.tenantId),
        logger: logger.child({ requestId: requestIds.of(request) }),
      };
    },
  });
}

export type App = ReturnType<typeof createApp>;

/** `/healthz`: the process is alive. `/readyz`: the store, queue and event bus answer. */
function useHealthEndpoints(readiness: () => Promise<void>, logger: Logger): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET') return;
      if (url.pathname === '/healthz') {
        endResponse(fetchAPI.Response.json({ status: 'ok' }));
      } else if (url.pathname === '/readyz') {
        try {
          await readiness();
          endResponse(fetchAPI.Response.json({ status: 'ready' }));
        } catch (error) {
          logger.warn({ err: error }, 'not ready');
          endResponse(
            fetchAPI.Response.json(
              { status: 'unavailable', reason: error instanceof Error ? error.message : 'unknown' },
              { status: 503 },
            ),
          );
        }
      }
    },
  };
}
