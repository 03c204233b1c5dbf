import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * What the gateway does for GraphQL clients as they are, rather than as the specs draw them
 * (docs/clients.md): the extra request parameters they send, request errors an SSE client can
 * read, and a plain answer to graphql-sse's "single connection mode", which it does not speak.
 */

/**
 * Request-body parameters that real clients send beside `query`, `variables`, `operationName` and
 * `extensions`, accepted and ignored (Yoga refuses any other with 400 "Unexpected parameter"):
 *
 * - `operationType`: Apollo Client 4 adds it to every operation, so a link that sends the
 *   operation as it is (graphql-sse's Apollo recipe: `{ ...operation, query: print(query) }`)
 *   sends it too.
 * - `documentId`: urql and Relay send it for persisted documents, which this gateway does not
 *   store; a request with only a `documentId` is refused with an explanation.
 */
export const EXTRA_REQUEST_PARAMETERS = ['operationType', 'documentId'];

/** The header graphql-sse's single connection mode sends its reservation token in. */
const STREAM_TOKEN_HEADER = 'x-graphql-event-stream-token';

const SINGLE_CONNECTION_MESSAGE =
  "This gateway speaks graphql-sse's distinct connections mode only (one request per subscription, as GraphQL Yoga does), not its single connection mode: create the graphql-sse client with singleConnection: false (its default).";

/**
 * Answers graphql-sse's single connection mode — the `PUT` that reserves a stream, the `DELETE`
 * that stops an operation, any request carrying a reservation token — with 405 and an
 * explanation, in the body and in the status line (which graphql-sse puts in its error message).
 * Before the CSRF and content-type checks, whose 403 and 415 would explain nothing.
 *
 * Why not support it: the reservation, the stream and every operation would have to reach the
 * same gateway, and gateways are stateless behind a load balancer (ARCHITECTURE.md).
 */
export function useDistinctConnectionsOnly(graphqlEndpoint: string): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== graphqlEndpoint) return;
      const reservation = request.method === 'PUT' || request.method === 'DELETE';
      if (!reservation && !request.headers.has(STREAM_TOKEN_HEADER)) return;
      endResponse(
        fetchAPI.Response.json(
          {
            errors: [
              { message: SINGLE_CONNECTION_MESSAGE, extensions: { code: 'BAD_USER_INPUT' } },
            ],
          },
          {
            status: 405,
            statusText: 'Single connection mode is not supported; use distinct connections',
            headers: { allow: 'GET, POST' },
          },
        ),
      );
    },
  };
}

/** Refuses a request that names a persisted document instead of sending one. */
export function usePersistedDocumentsRefused(): Plugin {
  return {
    onParams({ params }) {
      const { documentId } = params as { documentId?: unknown };
      if (documentId == null || params.query != null) return;
      throw createGraphQLError(
        'This gateway does not store persisted documents: send the document itself as "query".',
        { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } },
      );
    },
  };
}

/**
 * A request error on an SSE request (a bad parameter, a document that does not validate, a
 * missing token …) is answered with status 200 and the errors as the stream's one `next` event,
 * then `complete` — the way graphql-sse's own server answers validation errors. Yoga answers
 * them with a 4xx status, and an SSE client cannot read a 4xx: graphql-sse retries it as a
 * network error (about 41 s with its defaults) and then reports only the status text, and an
 * `EventSource` fails without a word. 429 keeps its status and `Retry-After`: retrying later is
 * what a client should do with it.
 */
export function useReadableSseErrors(): Plugin {
  return {
    onResponse({ response, setResponse, fetchAPI }) {
      const { status } = response;
      if (status < 400 || status >= 500 || status === 429) return;
      if (!response.headers.get('content-type')?.startsWith('text/event-stream')) return;
      setResponse(new fetchAPI.Response(response.body, { status: 200, headers: response.headers }));
    },
  };
}
