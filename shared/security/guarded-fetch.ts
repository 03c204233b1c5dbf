import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import {
  blockedReason,
  checkEgress,
  type EgressAllowList,
  EgressBlockedError,
} from './egress-policy.ts';

/** Options of {@link createGuardedFetch}. */
export interface GuardedFetchOptions {
  /** `EGRESS_ALLOW`: blocked addresses that may be reached anyway, or `'*'` for all. */
  allow: EgressAllowList;
  /**
   * Asked before every request: true lets it reach any address (the single-user local setup,
   * where the one user may reach this machine's services anyway). Default: never.
   */
  unrestricted?: () => Promise<boolean>;
  /** Limit of opening a connection, in ms (default 10000). */
  connectTimeoutMs?: number;
}

const stripBrackets = (host: string) => host.replace(/^\[|\]$/g, '');

/**
 * A `fetch` for tenant-supplied URLs: every connection it opens, redirects included, goes to an
 * address {@link checkEgress} lets through. Host names are checked on the addresses DNS gives
 * (only allowed ones are connected to), IP literals before connecting, and the peer address of
 * the open socket once more, so neither DNS rebinding nor a redirect reaches a blocked address.
 * A blocked request fails like a network error whose `cause` is an {@link EgressBlockedError}.
 */
export function createGuardedFetch(options: GuardedFetchOptions): typeof fetch {
  const { allow } = options;
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, found) => {
      if (error) return callback(error, '', 0);
      const addresses = found as LookupAddress[];
      // Ports are not known here: a port-bound rule is checked exactly once connected.
      const open = addresses.filter(
        (a) => blockedReason(a.address) === null || allowsAnyPort(allow, hostname, a.address),
      );
      if (open.length === 0) {
        const first = addresses[0];
        if (!first) return callback(new Error(`${hostname} has no address`), '', 0);
        const target = { hostname, port: 0, address: first.address };
        return callback(new EgressBlockedError(target, blockedReason(first.address)!), '', 0);
      }
      if (lookupOptions.all) return (callback as AllCallback)(null, open);
      return callback(null, open[0]!.address, open[0]!.family);
    });
  };
  const connect = buildConnector({ timeout: options.connectTimeoutMs ?? 10_000, lookup } as never);
  const dispatcher = new Agent({
    connect: (connectOptions, callback) => {
      const hostname = stripBrackets(connectOptions.hostname);
      const port = Number(connectOptions.port) || (connectOptions.protocol === 'https:' ? 443 : 80);
      if (isIP(hostname)) {
        const blocked = checkEgress(allow, { hostname, port, address: hostname });
        if (blocked) return callback(blocked, null);
      }
      return connect(connectOptions, (error, socket) => {
        if (error || !socket) return callback(error ?? new Error('no socket'), null);
        const address = (socket as Socket).remoteAddress ?? '';
        const blocked = checkEgress(allow, { hostname, port, address });
        if (blocked) {
          socket.destroy();
          return callback(blocked, null);
        }
        return callback(null, socket);
      });
    },
  });
  const guarded = ((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    undiciFetch(
      input as never,
      { ...(init as object), dispatcher } as never,
    )) as unknown as typeof fetch;
  const { unrestricted } = options;
  if (!unrestricted) return guarded;
  return (async (input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    (await unrestricted()) ? fetch(input, init) : guarded(input, init)) as typeof fetch;
}

type AllCallback = (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void;

/** True when some rule names this host or address for a port (checked exactly once connected). */
function allowsAnyPort(allow: EgressAllowList, hostname: string, address: string): boolean {
  if (allow === '*') return true;
  return allow.some((rule) =>
    rule.kind === 'host'
      ? rule.host === hostname.toLowerCase().replace(/\.$/, '')
      : rule.list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4'),
  );
}

/** The {@link EgressBlockedError} in an error's `cause` chain, if a guard refused the request. */
export function findEgressBlocked(error: unknown): EgressBlockedError | null {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current)) {
    if (current instanceof EgressBlockedError) return current;
    seen.add(current);
    current = current.cause;
  }
  return null;
}
