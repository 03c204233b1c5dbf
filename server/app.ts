import type { GraphQLError } from 'graphql';
import { createGraphQLError, createYoga, maskError, type Plugin } from 'graphql-yoga';
import type { GraphQLContext } from '../schema/context.ts';
import { schema } from '../schema/index.ts';
import { createLoaders } from '../schema/loaders.ts';
import { isAppError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { Store } from '../shared/ports/store.ts';
import type { Services, Viewer } from '../shared/services/index.ts';

export interface AppDeps {
  services: Services;
  store: Store;
  logger: Logger;
  /** Who sends the request. Throws `UnauthenticatedError` when it cannot tell. */
  authenticate: (request: Request) => Promise<Viewer>;
  /** Resolves when every backing service answers; rejects with the reason otherwise. */
  readiness: () => Promise<void>;
}

/**
 * The gateway: GraphQL over HTTP and SSE on `/graphql`, GraphiQL for browsers, `/healthz` and
 * `/readyz`. It never reads the environment and never listens; `server/http.ts` does that.
 */
export function createApp(deps: AppDeps) {
  const { services, store, logger } = deps;
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: logger,
    maskedErrors: {
      // Expected errors keep their message and code; everything else is masked by Yoga.
      maskError(error, message, isDev) {
        // Duck-typed: graphql may be loaded twice (ESM and CJS builds), so instanceof is unreliable.
        const graphQLError = error as Partial<GraphQLError>;
        const original = graphQLError.originalError ?? error;
        if (isAppError(original)) {
          return createGraphQLError(original.message, {
            nodes: graphQLError.nodes,
            path: graphQLError.path,
            extensions: { code: original.code },
          });
        }
        if (original !== error || !('locations' in graphQLError)) {
          logger.error({ err: original }, 'unexpected error in a resolver');
        }
        return maskError(error, message, isDev);
      },
    },
    plugins: [useHealthEndpoints(deps.readiness, logger)],
    context: async ({ request }) => {
      const viewer = await deps.authenticate(request);
      return { viewer, services, loaders: createLoaders(store, viewer.tenantId), logger };
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
