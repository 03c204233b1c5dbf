import type { TokenStore } from '../ports/store.ts';

/**
 * Whether this process serves one local user: the embedded setup on a loopback address with no
 * API token stored. Only then may tenants' settings run commands on this host (stdio MCP servers)
 * or reach its private addresses without an operator saying so: the one user could do both
 * anyway. Asked at every use, not once at start, because a token may be created while it runs;
 * once a token is seen the answer stays false until the process restarts.
 */
export interface LocalTrust {
  isSingleUserLocal(): Promise<boolean>;
}

export interface LocalTrustOptions {
  /** The configuration allows it at all (`config.auth.allowAnonymous`). */
  eligible: boolean;
  tokens: Pick<TokenStore, 'countActive'>;
  /** How long a "no token stored" answer is reused, in ms (default 1000). */
  cacheMs?: number;
}

export function createLocalTrust(options: LocalTrustOptions): LocalTrust {
  const cacheMs = options.cacheMs ?? 1_000;
  let tokenSeen = !options.eligible;
  let checkedAt = Number.NEGATIVE_INFINITY;
  return {
    async isSingleUserLocal() {
      if (tokenSeen) return false;
      if (Date.now() - checkedAt < cacheMs) return true;
      if ((await options.tokens.countActive()) > 0) {
        tokenSeen = true;
        return false;
      }
      checkedAt = Date.now();
      return true;
    },
  };
}

/** Trust that never holds: every check applies (distributed processes, tests of the guards). */
export const NO_LOCAL_TRUST: LocalTrust = { isSingleUserLocal: async () => false };
