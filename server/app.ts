import type { GraphQLError } from 'graphql';
import { createGraphQLError, createYoga, maskError, type Plugin } from 'graphql-yoga';
import type { GraphQLContext } from '../schema/context.ts';
import { schema } from '../schema/index.ts';
import { createLoaders } from '../schema/loaders.ts';
import { defaultClients, defaultProtection, type ProtectionConfig } from '../shared/config.ts';
import { isAppError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { Store } from '../shared/ports/store.ts';
import { unreadyBody } from '../shared/readiness.ts';
import type { Services, Viewer } from '../shared/services/index.ts';
import {
  type AuthFailureLimiter,
  createAuthFailureLimiter,
  limitFailedAuthentication,
} from './auth-failures.ts';
import { createClientAddresses } from './client-address.ts';
import {
  EXTRA_REQUEST_PARAMETERS,
  useDistinctConnectionsOnly,
  usePersistedDocumentsRefused,
  useReadableSseErrors,
} from './client-compat.ts';
import { useConsole } from './console.ts';
import { type EventStreamsOptions, useEventStreams } from './event-streams.ts';
import { useGraphiQL } from './graphiql.ts';
import { withoutInputValues } from './input-errors.ts';
import { type GatewayMetrics, meterEventStreams, usePrometheusMetrics } from './metrics.ts';
import { type MetricsAccess, useMetricsEndpoint } from './metrics-endpoint.ts';
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
  /** Who may read `/metrics` on this app. Default: `refused` (see {@link MetricsAccess}). */
  metricsAccess?: MetricsAccess;
  /**
   * Failed authentications per client address. Default: in memory, `AUTH_FAILURES_PER_MINUTE`'s
   * default.
   */
  authFailures?: AuthFailureLimiter;
  /**
   * Proxies in front that append to X-Forwarded-For, for the client address (TRUST_PROXY_HOPS).
   * Default 0: the socket's peer.
   */
  trustProxyHops?: number;
  /** How the event streams end a client that fell behind; absent: the defaults. */
  eventStreams?: Pick<EventStreamsOptions, 'slowConsumerCloseMs'>;
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
  const clients = defaultClients();
  const clientAddresses = createClientAddresses(deps.trustProxyHops ?? clients.trustProxyHops);
  const authFailures =
    deps.authFailures ??
    createAuthFailureLimiter({ perMinute: clients.authFailuresPerMinute, logger });
  const authenticate = memoizeByRequest(
    limitFailedAuthentication(deps.authenticate, authFailures, clientAddresses.of),
  );
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
        // Yoga's own errors about the request (malformed, too large …) get an API code too, and
        // graphql-js's coercion errors lose the input values they quote.
        return withoutInputValues(withApiCode(masked as GraphQLError));
      },
    },
    plugins: [
      // First: every response, even one another plugin ends early, carries its request id.
      requestIds.plugin,
      useReadableSseErrors(),
      // Before anything authenticates: the client address of failed authentications.
      clientAddresses.plugin,
      useHealthEndpoints(deps.readiness, logger),
      useGraphiQL({ enabled: protection.graphiql, graphqlEndpoint: GRAPHQL_ENDPOINT, logger }),
      useDistinctConnectionsOnly(GRAPHQL_ENDPOINT),
      ...(metrics ? [useMetricsEndpoint(metrics, deps.metricsAccess ?? { mode: 'refused' })] : []),
      // Before the protection plugins, so that their subscription accounting wraps it.
      useEventStreams({ ...deps.eventStreams, onExecute: metrics?.eventExecuted }),
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

/**
 * `/healthz`: the process is alive. `/readyz`: the store, queue and event bus answer; otherwise
 * 503 with a state per service, the reason only in the log (callers are not authenticated).
 */
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
          endResponse(fetchAPI.Response.json(unreadyBody(error), { status: 503 }));
        }
      }
    },
  };
}
