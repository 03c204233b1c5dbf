import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { EgressAllowList } from '../../shared/security/egress-policy.ts';
import { createGuardedFetch } from '../../shared/security/guarded-fetch.ts';
import { type LocalTrust, NO_LOCAL_TRUST } from '../../shared/security/local-trust.ts';
import type { StdioIdentity } from './stdio-transport.ts';

/**
 * What MCP connections of tenants' servers may do on this host: whether a stdio server may be
 * started (asked at every spawn, so turning `MCP_ALLOW_STDIO` off stops records stored while it
 * was on), which account its process runs as, and the fetch that HTTP and SSE servers are
 * reached through (the egress guard, docs/security.md).
 */
export interface McpHostPolicy {
  /** True when a stdio server may be started now. */
  stdioAllowed(): Promise<boolean>;
  /** The account stdio processes run as; null: this process's own. */
  readonly stdioIdentity: StdioIdentity | null;
  /** The fetch of `http` and `sse` transports. */
  readonly fetch: typeof fetch;
}

/** No restriction: stdio allowed as this process's user, the global fetch. For tests and tools. */
export const UNRESTRICTED_MCP_HOST_POLICY: McpHostPolicy = {
  stdioAllowed: async () => true,
  stdioIdentity: null,
  get fetch() {
    return globalThis.fetch;
  },
};

/** `MCP_ALLOW_STDIO`: `on` (true), `off` (false), `local` (unset: only while serving one local user). */
export type StdioSetting = 'on' | 'off' | 'local';

export interface McpHostPolicyOptions {
  stdio: StdioSetting;
  /** The account stdio processes run as (see {@link resolveStdioIdentity}). */
  stdioIdentity: StdioIdentity | null;
  /** `EGRESS_ALLOW`. */
  egressAllow: EgressAllowList;
  /** Whether this process serves one local user now (then stdio `local` and any address are allowed). */
  localTrust: LocalTrust;
}

/** The policy of a gateway or worker process, from its settings. */
export function createMcpHostPolicy(options: McpHostPolicyOptions): McpHostPolicy {
  const { localTrust } = options;
  return {
    async stdioAllowed() {
      if (options.stdio === 'local') return localTrust.isSingleUserLocal();
      return options.stdio === 'on';
    },
    stdioIdentity: options.stdioIdentity,
    fetch: createGuardedFetch({
      allow: options.egressAllow,
      unrestricted: () => localTrust.isSingleUserLocal(),
    }),
  };
}

let strict: McpHostPolicy | undefined;
/** No stdio, only public addresses: what a factory uses when it is handed no policy. */
export function strictMcpHostPolicy(): McpHostPolicy {
  strict ??= createMcpHostPolicy({
    stdio: 'off',
    stdioIdentity: null,
    egressAllow: [],
    localTrust: NO_LOCAL_TRUST,
  });
  return strict;
}

/**
 * The account stdio servers run as, from `MCP_STDIO_USER`: a user name (from /etc/passwd),
 * `uid` or `uid:gid`, or `self` for this process's own account. Unset: `nobody` when this process
 * runs as root (so a server cannot read the worker's environment, memory or data directory),
 * else the process's own account, which is the only one it can use.
 *
 * @throws Error when the setting names no account, or asks a non-root process to switch.
 */
export function resolveStdioIdentity(setting: string | null): StdioIdentity | null {
  const isRoot = process.getuid?.() === 0;
  const wanted = setting ?? (isRoot ? 'nobody' : 'self');
  if (wanted === 'self') return null;
  const numeric = /^(\d+)(?::(\d+))?$/.exec(wanted);
  let identity: StdioIdentity;
  if (numeric) {
    const uid = Number(numeric[1]);
    identity = { uid, gid: Number(numeric[2] ?? uid), home: tmpdir() };
  } else {
    const entry = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
      .find((fields) => fields[0] === wanted);
    if (!entry) throw new Error(`MCP_STDIO_USER: no account named ${JSON.stringify(wanted)}`);
    identity = { uid: Number(entry[2]), gid: Number(entry[3]), home: tmpdir() };
  }
  if (!isRoot && identity.uid !== process.getuid?.()) {
    throw new Error(
      `MCP_STDIO_USER: only a process running as root can start stdio servers as ${JSON.stringify(wanted)}; unset it or use "self"`,
    );
  }
  return identity;
}
