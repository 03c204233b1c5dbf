import type { Config } from '../shared/config.ts';
import { isLoopbackHost } from '../shared/config.ts';
import {
  type ApiToken,
  hashToken,
  isPlausibleToken,
  tokenPrefix,
} from '../shared/domain/api-tokens.ts';
import { DEFAULT_TENANT_ID } from '../shared/domain/types.ts';
import { UnauthenticatedError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { TokenStore } from '../shared/ports/store.ts';
import type { Viewer } from '../shared/services/index.ts';

/** Decides who sends a request. */
export interface Authenticator {
  /** `tokens`: every request needs a valid API token. `local`: one local tenant, no tokens. */
  readonly mode: 'tokens' | 'local';
  /** The request's viewer; throws `UnauthenticatedError` when there is none. */
  authenticate(request: Request): Promise<Viewer>;
}

export interface TokenAuthenticatorOptions {
  /**
   * How long a looked-up token is reused without asking the store, in ms (default 5000): a
   * revoked token stops working within this time on every gateway. Unknown tokens are never
   * cached.
   */
  cacheTtlMs?: number;
  /** Most tokens cached at once (default 10000); the oldest entry goes first. */
  cacheSize?: number;
  /** Least time between two `lastUsedAt` writes of one token from this gateway, in ms (default 60000). */
  touchIntervalMs?: number;
  logger: Logger;
}

/** Every request carries `Authorization: Bearer <token>` of a stored, unrevoked token. */
export function createTokenAuthenticator(
  tokens: TokenStore,
  options: TokenAuthenticatorOptions,
): Authenticator {
  const cacheTtlMs = options.cacheTtlMs ?? 5_000;
  const cacheSize = options.cacheSize ?? 10_000;
  const touchIntervalMs = options.touchIntervalMs ?? 60_000;
  const { logger } = options;
  const cache = new Map<string, { token: ApiToken; until: number }>();
  const touched = new Map<string, number>();

  async function lookUp(hash: string): Promise<ApiToken | null> {
    const now = Date.now();
    const cached = cache.get(hash);
    if (cached && cached.until > now) return cached.token;
    cache.delete(hash);
    const token = await tokens.findByHash(hash);
    if (token) {
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
      cache.set(hash, { token, until: now + cacheTtlMs });
    }
    return token;
  }

  /** Records the use at most once per interval; a failed write only costs the record. */
  function touch(token: ApiToken) {
    const now = Date.now();
    if (now - (touched.get(token.id) ?? 0) < touchIntervalMs) return;
    touched.set(token.id, now);
    tokens.touch(token.id, new Date(now)).catch((error: unknown) => {
      logger.warn({ err: error, tokenId: token.id }, 'could not record the use of an API token');
    });
  }

  return {
    mode: 'tokens',
    async authenticate(request) {
      const header = request.headers.get('authorization');
      if (!header) throw new UnauthenticatedError();
      const match = /^Bearer +(\S+) *$/i.exec(header);
      const secret = match?.[1];
      if (!secret || !isPlausibleToken(secret)) {
        throw new UnauthenticatedError(
          'The Authorization header must be "Bearer <api token>"; create a token with `npm run token -- create`.',
        );
      }
      const token = await lookUp(hashToken(secret));
      if (!token || token.revokedAt) {
        throw new UnauthenticatedError('The API token is unknown or revoked.');
      }
      touch(token);
      return { tenantId: token.tenantId, tokenId: token.id };
    },
  };
}

/**
 * No tokens: every request is the one local tenant. Only for a gateway bound to loopback, and it
 * answers only requests addressed to a loopback host name, so a web page cannot reach it through
 * DNS rebinding (its requests would name the attacker's host).
 */
export function createLocalAuthenticator(): Authenticator {
  return {
    mode: 'local',
    async authenticate(request) {
      const host = new URL(request.url).hostname;
      if (!isLoopbackHost(host)) {
        throw new UnauthenticatedError(
          `This gateway serves without API tokens only to localhost; ${JSON.stringify(host)} is not. Configure tokens (README, "Auth and tenants").`,
        );
      }
      return { tenantId: DEFAULT_TENANT_ID };
    },
  };
}

/** The gateway cannot start: it would accept requests without tokens where that is unsafe. */
export class AuthSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthSetupError';
  }
}

/**
 * Chooses how the gateway authenticates, at start: stores the bootstrap token (idempotently),
 * then requires tokens when any is stored. With none stored, only an embedded gateway on
 * loopback serves (the local tenant, no tokens); anything else refuses to start and says how to
 * configure tokens.
 */
export async function prepareAuth(
  config: Pick<Config, 'auth' | 'role' | 'mode' | 'server'>,
  tokens: TokenStore,
  logger: Logger,
  options: Omit<TokenAuthenticatorOptions, 'logger'> = {},
): Promise<Authenticator> {
  const { bootstrap } = config.auth;
  if (bootstrap) {
    const { token, created } = await tokens.create({
      tenantId: bootstrap.tenantId,
      name: 'bootstrap',
      hash: hashToken(bootstrap.token),
      prefix: tokenPrefix(bootstrap.token),
    });
    if (created)
      logger.info({ tokenId: token.id, tenantId: token.tenantId }, 'stored bootstrap token');
    if (token.tenantId !== bootstrap.tenantId) {
      logger.warn(
        { tokenId: token.id, tenantId: token.tenantId, wanted: bootstrap.tenantId },
        'AGENTGATE_BOOTSTRAP_TOKEN is already stored for another tenant; that tenant stays',
      );
    }
    if (token.revokedAt) {
      logger.warn({ tokenId: token.id }, 'AGENTGATE_BOOTSTRAP_TOKEN is revoked; set a new one');
    }
  }
  if ((await tokens.countActive()) > 0) {
    return createTokenAuthenticator(tokens, { ...options, logger });
  }
  if (config.auth.allowAnonymous) {
    logger.info('no API tokens: serving one local tenant without authentication (loopback only)');
    return createLocalAuthenticator();
  }
  throw new AuthSetupError(
    [
      `Refusing to start without API tokens: ${whyTokensAreNeeded(config)}, and no token is configured.`,
      'Configure one, then start again:',
      '  - create a token in the store this gateway uses (same DATABASE_URL / MONGODB_URI / DATA_DIR):',
      '      npm run token -- create --tenant <tenant> --name <what it is for>',
      '  - or provision one at deploy time, e.g. from a Kubernetes Secret:',
      '      AGENTGATE_BOOTSTRAP_TOKEN=<secret> (print one with `npm run token -- generate`)',
      `      AGENTGATE_BOOTSTRAP_TENANT=<tenant> (default "${DEFAULT_TENANT_ID}")`,
      'Clients then send "Authorization: Bearer <token>".',
    ].join('\n'),
  );
}

function whyTokensAreNeeded(config: Pick<Config, 'role' | 'mode' | 'server'>): string {
  if (config.role !== 'embedded') return `\`npm run ${config.role}\` is the distributed mode`;
  if (config.mode === 'distributed') return 'REDIS_URL puts it in the distributed mode';
  return `HOST=${config.server.host} is not a loopback address (127.0.0.1, ::1, localhost)`;
}
