/**
 * Error codes a client can meet: the API's own (`extensions.code`, see API.md "Errors") and two
 * of the SDK's, for failures that never reached GraphQL.
 */
export type AgentgateErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR'
  /** A stream fell too far behind and was ended by the gateway (resumed by streams). */
  | 'SLOW_CONSUMER'
  /** The gateway could not be reached, or the connection broke (retried by streams). */
  | 'NETWORK_ERROR'
  /** The gateway answered with an HTTP status and no GraphQL errors to explain it. */
  | 'HTTP_ERROR'
  | (string & {});

/** One GraphQL error as the gateway sends it. */
export interface GraphQLErrorPayload {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/** Every failure the SDK reports: `code` says what kind, `errors` holds the gateway's own. */
export class AgentgateError extends Error {
  override readonly name = 'AgentgateError';

  constructor(
    readonly code: AgentgateErrorCode,
    message: string,
    /** The GraphQL errors behind it, when the gateway sent any. */
    readonly errors: readonly GraphQLErrorPayload[] = [],
    /** The HTTP status, when the failure came with one. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The first error's code (or INTERNAL_SERVER_ERROR) and every message. */
  static fromGraphQLErrors(errors: readonly GraphQLErrorPayload[], status?: number) {
    const code = errors[0]?.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
    return new AgentgateError(code, errors.map((e) => e.message).join('; '), errors, status);
  }

  /** A response without GraphQL errors: the code follows from the HTTP status. */
  static fromStatus(status: number, detail: string) {
    return new AgentgateError(codeOfStatus(status), `HTTP ${status}: ${detail}`, [], status);
  }
}

function codeOfStatus(status: number): AgentgateErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RATE_LIMITED';
  return 'HTTP_ERROR';
}

/**
 * True for failures a retry may cure: the network, overload, a stream the gateway ended because
 * the client fell behind, and the gateway's own outages.
 */
export function isRetryable(error: AgentgateError): boolean {
  if (error.code === 'NETWORK_ERROR' || error.code === 'RATE_LIMITED') return true;
  if (error.code === 'SLOW_CONSUMER') return true;
  return error.code === 'HTTP_ERROR' && (error.status === undefined || error.status >= 500);
}
