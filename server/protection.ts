import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { type GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { GraphQLContext } from '../schema/context.ts';
import type { ProtectionConfig } from '../shared/config.ts';
import {
  type AppError,
  type AppErrorCode,
  BadUserInputError,
  isAppError,
  RateLimitedError,
} from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { Viewer } from '../shared/services/index.ts';
import { withoutInputValues } from './input-errors.ts';
import type { RateLimiter, SubscriptionCounter } from './rate-limit.ts';

/**
 * The gateway's defences, as Yoga plugins and options: who is calling (authenticate before the
 * body is read), how much they may ask (rate, subscriptions, document size, depth, cost, aliases,
 * batch, body) and whether a browser could have been tricked into asking (CSRF, CORS). Each
 * refusal is a GraphQL error with code BAD_USER_INPUT, RATE_LIMITED or UNAUTHENTICATED.
 */

/** Codes a client may see (API.md, "Errors"); anything else the gateway says is BAD_USER_INPUT. */
const API_CODES: ReadonlySet<string> = new Set<AppErrorCode | 'INTERNAL_SERVER_ERROR'>([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
]);

/** Headers that mark a request a browser would only send after a CORS preflight. */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'apollo-require-preflight'] as const;
/** Content types a cross-site form or `fetch` may send without a preflight. */
const SIMPLE_CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
];

/**
 * Gives an error Yoga or graphql-js raised about the request itself (syntax, validation, limits,
 * malformed HTTP) an API code: BAD_USER_INPUT unless it already carries one. Keeps its HTTP
 * status; drops details of the cause. Changes the error in place, so Yoga, which logs every
 * error that masking replaces, does not log a client's mistake as a server error.
 */
export function withApiCode(error: GraphQLError): GraphQLError {
  const extensions = error.extensions as Record<string, unknown>;
  if (typeof extensions.code !== 'string' || !API_CODES.has(extensions.code)) {
    extensions.code = 'BAD_USER_INPUT';
  }
  delete extensions.originalError;
  return error;
}

export interface ProtectionDeps {
  protection: ProtectionConfig;
  /** Memoised per request: called before the body is read and again for the context. */
  authenticate: (request: Request) => Promise<Viewer>;
  rateLimiter: RateLimiter;
  subscriptions: SubscriptionCounter;
}

/** The budget key of a viewer: its token, or the local tenant when there are no tokens. */
export function budgetKey(viewer: Viewer): string {
  return viewer.tokenId ?? `local:${viewer.tenantId}`;
}

/** Yoga options that carry limits and switches. */
export function protectionOptions(protection: ProtectionConfig) {
  return {
    maxRequestBodySize: protection.maxBodyBytes,
    batching:
      protection.maxBatchOperations > 0
        ? { limit: protection.maxBatchOperations }
        : (false as const),
    graphiql: protection.graphiql,
    // No file uploads in this API: one parser less facing the internet.
    multipart: false,
    // No CORS headers unless origins are configured: browsers then allow same-origin calls only.
    cors:
      protection.corsOrigins === '*'
        ? { origin: '*' }
        : protection.corsOrigins.length > 0
          ? { origin: protection.corsOrigins, credentials: false }
          : (false as const),
  };
}

/** The plugins, in order: browser checks, authentication, budgets, document limits, error codes. */
export function protectionPlugins(deps: ProtectionDeps): Plugin[] {
  const { protection } = deps;
  const plugins: Plugin[] = [];
  if (protection.csrfPrevention) plugins.push(useCsrfPrevention());
  plugins.push(useAuthenticationAndBudgets(deps));
  plugins.push(
    maxTokensPlugin({ n: protection.maxTokens, exposeLimits: true }) as Plugin,
    maxDepthPlugin({
      n: protection.maxDepth,
      ignoreIntrospection: true,
      flattenFragments: true,
      exposeLimits: true,
    }) as Plugin,
    maxAliasesPlugin({ n: protection.maxAliases, allowList: [], exposeLimits: true }) as Plugin,
    costLimitPlugin({
      maxCost: protection.maxCost,
      ignoreIntrospection: true,
      exposeLimits: true,
    }) as Plugin,
  );
  if (!protection.introspection) {
    plugins.push({
      onValidate({ addValidationRule }) {
        addValidationRule(NoSchemaIntrospectionCustomRule);
      },
    });
  }
  plugins.push(useApiErrorCodes());
  return plugins;
}

/**
 * Refuses a POST a browser could send cross-site without a CORS preflight (a form post, a
 * `text/plain` fetch) unless it carries one of {@link CSRF_HEADERS}. `application/json` POSTs,
 * which every client here sends, are never simple, so they pass. GETs pass: Yoga refuses
 * mutations over GET, a cross-site page cannot read the answer, and plain `EventSource`
 * subscriptions (which cannot set headers) must keep working.
 */
function useCsrfPrevention(): Plugin {
  return {
    onRequestParse({ request }) {
      if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') {
        return;
      }
      const contentType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
      const simple = !contentType || SIMPLE_CONTENT_TYPES.includes(contentType);
      if (!simple || CSRF_HEADERS.some((name) => request.headers.get(name))) return;
      throw createGraphQLError(
        `Requests without Content-Type: application/json must carry the header ${CSRF_HEADERS[0]} (any value), so a web page cannot send them cross-site.`,
        { extensions: { code: 'BAD_USER_INPUT', http: { status: 403 } } },
      );
    },
  };
}

function useAuthenticationAndBudgets(deps: ProtectionDeps): Plugin {
  return {
    async onRequestParse({ request, requestParser }) {
      // Before the body is read: a request without a valid token costs one header check.
      await asGraphQLError(() => deps.authenticate(request));
      if (!requestParser) {
        throw createGraphQLError(
          `Content-Type ${JSON.stringify(request.headers.get('content-type') ?? '')} is not supported; send application/json.`,
          { extensions: { code: 'BAD_USER_INPUT', http: { status: 415 } } },
        );
      }
    },
    async onParams({ request, params }) {
      await asGraphQLError(async () => {
        // Every operation counts, so a batch of n costs n.
        await deps.rateLimiter.consume(budgetKey(await deps.authenticate(request)));
        checkQueryText(params.query);
        checkVariables(params.variables);
      });
    },
    onSubscribe({ args, subscribeFn, setSubscribeFn, setResultAndStopExecution }) {
      const key = budgetKey((args.contextValue as unknown as GraphQLContext).viewer);
      const release = deps.subscriptions.acquire(key);
      if (!release) {
        setResultAndStopExecution({
          errors: [
            createGraphQLError(
              `At most ${deps.protection.maxSubscriptionsPerToken} subscriptions may be open per API token on one gateway; close one first.`,
              { extensions: { code: 'RATE_LIMITED', http: { status: 429 } } },
            ),
          ],
        });
        return;
      }
      setSubscribeFn(async (subscribeArgs) => {
        try {
          const result = await subscribeFn(subscribeArgs);
          if (!isAsyncIterable(result)) {
            release();
            return result;
          }
          subscriptionReleases.set(result, release);
          return releasingOnEnd(result, release);
        } catch (error) {
          release();
          throw error;
        }
      });
    },
  };
}

/** The slot of each stream a subscription returned, by that stream (before it is wrapped). */
const subscriptionReleases = new WeakMap<object, () => void>();

/**
 * Frees the subscription slot a stream holds, for a consumer that reads the stream directly and
 * drops the wrapped one (server/event-streams.ts); idempotent. Undefined when the stream holds
 * none.
 */
export function subscriptionReleaseOf(stream: object): (() => void) | undefined {
  return subscriptionReleases.get(stream);
}

/**
 * Runs `fn`, turning an expected error into the GraphQL error the client gets. Thrown as a
 * GraphQL error, Yoga passes it through unmasked and unlogged: a refused request is the
 * gateway working, not failing.
 */
async function asGraphQLError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!isAppError(error)) throw error;
    const http = httpExtensionsOf(error);
    throw createGraphQLError(error.message, {
      extensions: http ? { code: error.code, http } : { code: error.code },
    });
  }
}

/** Deepest nesting of variable values; graphql-js coerces them recursively. */
export const MAX_VARIABLE_DEPTH = 64;

const NUL_MESSAGE = 'Strings may not contain the NUL character (U+0000).';

/** PostgreSQL text cannot hold U+0000: refuse it here rather than fail in the store. */
function checkQueryText(query: unknown) {
  if (typeof query === 'string' && /\0|\\u(0000|\{0+\})/i.test(query)) {
    throw new BadUserInputError(NUL_MESSAGE);
  }
}

/**
 * Walks the variables without recursion (they come straight from JSON.parse): refuses NUL
 * characters, and nesting deeper than {@link MAX_VARIABLE_DEPTH}, which would exhaust the stack
 * of the recursive coercion that follows.
 */
function checkVariables(variables: unknown) {
  const pending: [unknown, number][] = [[variables, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, depth] = next;
    if (typeof value === 'string') {
      if (value.includes('\0')) throw new BadUserInputError(NUL_MESSAGE);
    } else if (typeof value === 'object' && value !== null) {
      if (depth >= MAX_VARIABLE_DEPTH) {
        throw new BadUserInputError(
          `Variables may be nested at most ${MAX_VARIABLE_DEPTH} levels deep.`,
        );
      }
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\0')) throw new BadUserInputError(NUL_MESSAGE);
        pending.push([item, depth + 1]);
      }
    }
  }
}

/**
 * Parse and validation errors (armor's limits among them) get BAD_USER_INPUT; validation errors
 * about literals lose the values they quote.
 */
function useApiErrorCodes(): Plugin {
  return {
    onParse() {
      return ({ result }) => {
        if (result instanceof Error && 'extensions' in result) withApiCode(result as GraphQLError);
      };
    },
    onValidate() {
      return ({ valid, result }) => {
        if (!valid) for (const error of result) withoutInputValues(withApiCode(error));
      };
    },
  };
}

function isAsyncIterable<T>(value: unknown): value is AsyncIterable<T> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** The same stream; `release` runs once when it completes, fails or is closed by the client. */
function releasingOnEnd<T>(
  source: AsyncIterable<T>,
  release: () => void,
): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const wrapped: AsyncIterableIterator<T> = {
    async next() {
      try {
        const step = await iterator.next();
        if (step.done) release();
        return step;
      } catch (error) {
        release();
        throw error;
      }
    },
    async return(value?: unknown) {
      release();
      return (await iterator.return?.(value)) ?? { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      release();
      if (iterator.throw) return iterator.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return wrapped;
    },
  };
  return wrapped;
}

/** The HTTP status (and headers) an expected error answers with, when it has one of its own. */
export function httpExtensionsOf(error: AppError): Record<string, unknown> | undefined {
  if (error.code === 'UNAUTHENTICATED') {
    return { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } };
  }
  if (error instanceof RateLimitedError) {
    return { status: 429, headers: { 'Retry-After': String(error.retryAfterSeconds) } };
  }
  return undefined;
}

/** `authenticate` called at most once per request, however many hooks ask. */
export function memoizeByRequest<T>(fn: (request: Request) => Promise<T>) {
  const seen = new WeakMap<Request, Promise<T>>();
  return (request: Request): Promise<T> => {
    let result = seen.get(request);
    if (!result) {
      result = fn(request);
      seen.set(request, result);
    }
    return result;
  };
}

/**
 * The logger Yoga writes through. Yoga logs every error that masking replaced at error level,
 * expected ones too (a NOT_FOUND, a refused token); those go to debug, so error-level lines stay
 * what they say, and a flood of bad requests cannot flood the logs.
 */
export function yogaLogger(logger: Logger) {
  const expected = (args: unknown[]) =>
    args.some(
      (arg) => isAppError(arg) || isAppError((arg as { originalError?: unknown })?.originalError),
    );
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const target = level === 'error' && expected(args) ? 'debug' : level;
      (logger[target] as (...values: unknown[]) => void).apply(logger, args);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
