import { BlockList, isIP } from 'node:net';

/**
 * Where tenant-supplied URLs (MCP servers, provider records) may connect. Private, loopback,
 * link-local (cloud metadata), carrier-grade NAT, multicast and reserved addresses are blocked
 * unless an operator allows them; the check runs on the address actually connected to, after DNS
 * resolution and on every redirect (docs/security.md, "Outbound connections").
 */

/** Why an address is blocked, by range; IPv4-mapped IPv6 addresses are checked as IPv4. */
const BLOCKED_RANGES: ReadonlyArray<[string, number, 'ipv4' | 'ipv6', string]> = [
  ['0.0.0.0', 8, 'ipv4', 'an unspecified address'],
  ['10.0.0.0', 8, 'ipv4', 'a private address'],
  ['100.64.0.0', 10, 'ipv4', 'a carrier-grade NAT address'],
  ['127.0.0.0', 8, 'ipv4', 'a loopback address'],
  ['169.254.0.0', 16, 'ipv4', 'a link-local (cloud metadata) address'],
  ['172.16.0.0', 12, 'ipv4', 'a private address'],
  ['192.0.0.0', 24, 'ipv4', 'a reserved address'],
  ['192.0.2.0', 24, 'ipv4', 'a documentation address'],
  ['192.88.99.0', 24, 'ipv4', 'a reserved address'],
  ['192.168.0.0', 16, 'ipv4', 'a private address'],
  ['198.18.0.0', 15, 'ipv4', 'a benchmarking address'],
  ['198.51.100.0', 24, 'ipv4', 'a documentation address'],
  ['203.0.113.0', 24, 'ipv4', 'a documentation address'],
  ['224.0.0.0', 4, 'ipv4', 'a multicast address'],
  ['240.0.0.0', 4, 'ipv4', 'a reserved address'],
  ['::', 128, 'ipv6', 'an unspecified address'],
  ['::1', 128, 'ipv6', 'a loopback address'],
  ['64:ff9b::', 96, 'ipv6', 'a NAT64 address'],
  ['64:ff9b:1::', 48, 'ipv6', 'a NAT64 address'],
  ['100::', 64, 'ipv6', 'a discard address'],
  ['2001::', 32, 'ipv6', 'a Teredo address'],
  ['2001:db8::', 32, 'ipv6', 'a documentation address'],
  ['2002::', 16, 'ipv6', 'a 6to4 address'],
  ['fc00::', 7, 'ipv6', 'a private (unique local) address'],
  ['fe80::', 10, 'ipv6', 'a link-local address'],
  ['fec0::', 10, 'ipv6', 'a site-local address'],
  ['ff00::', 8, 'ipv6', 'a multicast address'],
];

const blockLists = BLOCKED_RANGES.map(([network, prefix, family, reason]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { list, reason };
});

/** Why `address` (an IP) is blocked by default, or null when it is a public address. */
export function blockedReason(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const { list, reason } of blockLists) {
    if (list.check(address, type)) return reason;
  }
  return null;
}

/** One entry of `EGRESS_ALLOW`. */
export type EgressAllowRule =
  | { kind: 'network'; list: BlockList; port: number | null; text: string }
  | { kind: 'host'; host: string; port: number | null; text: string };

/** The parsed `EGRESS_ALLOW`: `'*'` turns the guard off. */
export type EgressAllowList = '*' | readonly EgressAllowRule[];

/**
 * Parses `EGRESS_ALLOW`: `*`, or a comma-separated list of entries, each an IP address, a CIDR
 * network or a host name, with an optional `:port` (`[v6]:port` for IPv6 addresses):
 * `10.0.0.0/8, 127.0.0.1:11434, ollama.internal:11434, [fd00::5]:8080`.
 *
 * @throws Error naming the first entry it cannot read.
 */
export function parseEgressAllow(raw: string | undefined): EgressAllowList {
  if (!raw || raw.trim() === '') return [];
  if (raw.trim() === '*') return '*';
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map(parseRule);
}

function parseRule(text: string): EgressAllowRule {
  const bad = () =>
    new Error(
      `${JSON.stringify(text)} is not an IP address, CIDR network or host name with an optional :port`,
    );
  let target = text;
  let port: number | null = null;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?(\/\d+)?$/.exec(text);
  if (bracketed) {
    target = `${bracketed[1]}${bracketed[3] ?? ''}`;
    port = bracketed[2] ? Number(bracketed[2]) : null;
  } else if ((text.match(/:/g) ?? []).length === 1) {
    const [head, tail] = text.split(':') as [string, string];
    if (!/^\d+$/.test(tail)) throw bad();
    target = head;
    port = Number(tail);
  }
  if (port !== null && (port < 1 || port > 65_535)) throw bad();
  const [address, prefixText] = target.split('/') as [string, string | undefined];
  const family = isIP(address);
  if (family !== 0) {
    const maxPrefix = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > maxPrefix) throw bad();
    const list = new BlockList();
    list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
    return { kind: 'network', list, port, text };
  }
  if (prefixText !== undefined || !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(address)) throw bad();
  return { kind: 'host', host: address.toLowerCase(), port, text };
}

/** A connection a guard is asked about: the URL's host name and port, and the resolved IP. */
export interface EgressTarget {
  /** The host name (or IP literal) of the URL, without brackets. */
  hostname: string;
  port: number;
  /** The IP address connected to. */
  address: string;
}

/** True when an `EGRESS_ALLOW` rule lets `target` through. */
export function isAllowed(allow: EgressAllowList, target: EgressTarget): boolean {
  if (allow === '*') return true;
  const family = isIP(target.address) === 6 ? 'ipv6' : 'ipv4';
  return allow.some((rule) => {
    if (rule.port !== null && rule.port !== target.port) return false;
    return rule.kind === 'network'
      ? rule.list.check(target.address, family)
      : rule.host === target.hostname.toLowerCase().replace(/\.$/, '');
  });
}

/** Raised when a tenant-supplied URL would connect to a blocked address. */
export class EgressBlockedError extends Error {
  override name = 'EgressBlockedError';
  readonly code = 'EGRESS_BLOCKED';
  constructor(target: EgressTarget, reason: string) {
    const port = target.port > 0 ? `:${target.port}` : '';
    const where =
      target.hostname === target.address
        ? `${target.address}${port}`
        : `${target.hostname}${port} (${target.address})`;
    super(
      `Connecting to ${where} is blocked: it is ${reason}. Tenant-supplied URLs may only reach public addresses; an operator can allow a self-hosted target with EGRESS_ALLOW (docs/security.md).`,
    );
  }
}

/**
 * Checks one connection: null when it may go ahead, else the error to fail it with. Public
 * addresses always pass; a blocked one passes only through an `EGRESS_ALLOW` rule.
 */
export function checkEgress(
  allow: EgressAllowList,
  target: EgressTarget,
): EgressBlockedError | null {
  const reason = blockedReason(target.address);
  if (reason === null || isAllowed(allow, target)) return null;
  return new EgressBlockedError(target, reason);
}
