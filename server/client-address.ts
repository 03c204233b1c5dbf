import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Plugin } from 'graphql-yoga';

/**
 * Where a request comes from, for limits per client (failed authentications). The socket's peer
 * address, unless `trustProxyHops` proxies stand in front (TRUST_PROXY_HOPS): then each appended
 * the address it was reached from to X-Forwarded-For, and the client is the `trustProxyHops`-th
 * entry from the right. Entries further left are whatever the client sent, never trusted.
 */

/** The key of a request whose address is not known (no socket, or nothing usable). */
export const UNKNOWN_CLIENT = 'unknown';

/**
 * The client's address as a limit key: an IPv4 address, or the /64 network of an IPv6 address
 * (one host usually holds a whole /64, so counting single addresses would let it rotate).
 *
 * @param peer the socket's remote address; undefined without a socket (in-process requests)
 * @param forwardedFor the X-Forwarded-For header (several headers joined with commas), or null
 * @param trustProxyHops proxies trusted to append to X-Forwarded-For (0: ignore the header)
 */
export function clientAddressKey(
  peer: string | undefined,
  forwardedFor: string | null,
  trustProxyHops: number,
): string {
  // The chain from the nearest hop outward: the peer, then X-Forwarded-For from its right.
  const chain: (string | undefined)[] = [peer];
  if (trustProxyHops > 0 && forwardedFor) {
    const entries = forwardedFor
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    chain.push(...entries.reverse());
  }
  // Fewer entries than hops: the farthest one any proxy recorded (as Express does).
  const chosen = chain[Math.min(trustProxyHops, chain.length - 1)];
  return keyOf(chosen);
}

function keyOf(raw: string | undefined): string {
  if (!raw) return UNKNOWN_CLIENT;
  const address = stripPort(raw);
  switch (isIP(address)) {
    case 4:
      return address;
    case 6:
      return ipv6Key(address);
    default:
      return UNKNOWN_CLIENT;
  }
}

/** `[v6]:port` and `v4:port` (some proxies write ports) to the bare address. */
function stripPort(value: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(value);
  return v4 ? v4[1]! : value;
}

/** An IPv4-mapped address as IPv4; any other IPv6 address as its /64 network. */
function ipv6Key(address: string): string {
  const plain = address.split('%')[0]!.toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(plain);
  if (mapped) return mapped[1]!;
  let text = plain;
  const dotted = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left, right] = text.split('::') as [string, string | undefined];
  const head = left ? left.split(':') : [];
  const tail = right ? right.split(':') : [];
  const groups =
    right === undefined
      ? head
      : [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  const network = groups.slice(0, 4).map((group) => Number.parseInt(group, 16).toString(16));
  return `${network.join(':')}::/64`;
}

/**
 * The client address key of each request an app serves: a Yoga plugin records the socket's peer
 * (`serverContext.req`, Node's request) as the request arrives, and `of` reads it with
 * X-Forwarded-For per `trustProxyHops`.
 */
export function createClientAddresses(trustProxyHops: number) {
  if (!Number.isInteger(trustProxyHops) || trustProxyHops < 0) {
    throw new Error(`trustProxyHops must be a non-negative integer, got ${trustProxyHops}.`);
  }
  const peers = new WeakMap<Request, string>();
  const plugin: Plugin = {
    onRequest({ request, serverContext }) {
      const req = (serverContext as { req?: Pick<IncomingMessage, 'socket'> } | undefined)?.req;
      const peer = req?.socket?.remoteAddress;
      if (peer) peers.set(request, peer);
    },
  };
  return {
    plugin,
    of: (request: Request): string =>
      clientAddressKey(peers.get(request), request.headers.get('x-forwarded-for'), trustProxyHops),
  };
}
