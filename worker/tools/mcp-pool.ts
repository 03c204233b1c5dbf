import { createHmac, randomBytes } from 'node:crypto';
import { createRedactor } from '../../shared/secrets/references.ts';
import type { McpHostPolicy } from './mcp-host-policy.ts';
import {
  connectMcpServer,
  type McpConnection,
  type McpConnectOptions,
  type McpServerSettings,
} from './mcp-tools.ts';

/** Default time a connection no run holds stays open, in ms (`MCP_POOL_IDLE_MS`). */
export const DEFAULT_MCP_POOL_IDLE_MS = 60_000;

/** How the pool opens a connection: {@link connectMcpServer}, or a test's spy around it. */
export type McpConnect = (
  server: McpServerSettings,
  options: McpConnectOptions,
) => Promise<McpConnection>;

export interface McpPoolOptions {
  /**
   * How long a connection that no run holds stays open, in ms (default
   * {@link DEFAULT_MCP_POOL_IDLE_MS}). 0 disables reuse: every run opens its own connections
   * and they close when it ends.
   */
  idleMs?: number;
  /** Limit of connecting to a server and listing its tools, in ms (the connect's default). */
  connectTimeoutMs?: number;
  /** Limit of one tool call, in ms (the connect's default). */
  toolTimeoutMs?: number;
  /** Opens a connection; default {@link connectMcpServer}. */
  connect?: McpConnect;
  /** What connections may do on this host (stdio, its account, the egress-guarded fetch). */
  policy: McpHostPolicy;
}

/** A run's claim on one server's connection. */
export interface McpLeaseRequest {
  tenantId: string;
  serverId: string;
  /** The server's settings with its secret references replaced by values. */
  settings: McpServerSettings;
  /** The values substituted in `settings`, by name: the connection redacts exactly these. */
  secrets: ReadonlyMap<string, string>;
  /** Aborting it stops this run waiting; a connect other runs share goes on. */
  signal?: AbortSignal;
}

/** A connection held by one run until it calls `release` (idempotent). */
export interface McpLease {
  readonly connection: Omit<McpConnection, 'close'>;
  release(): void;
}

export interface McpPoolStats {
  /** Connections open now, idle ones included. */
  open: number;
  /** Open connections at least one run holds. */
  leased: number;
  /** Connects in progress. */
  connecting: number;
}

/**
 * MCP connections of one worker process, shared by the runs of one tenant. A connection is keyed
 * by tenant, server id and a digest of the server's resolved settings, so a run only ever shares
 * with runs of its tenant that would have connected exactly the same way (an edited server or a
 * rotated secret gets a new connection). The SDK's Client multiplexes requests, so concurrent runs
 * share one connection; a stdio server's process, and any state it keeps per session, is then
 * shared by that tenant's runs (`idleMs: 0` when that is not wanted).
 */
export interface McpPool {
  /**
   * Leases the connection of the request's key, connecting when there is none (concurrent
   * requests of a key share one connect).
   *
   * @throws McpConnectError when the server cannot be reached; the signal's reason when it aborts.
   */
  acquire(request: McpLeaseRequest): Promise<McpLease>;
  stats(): McpPoolStats;
  /** Closes every connection (stdio processes exit) and refuses new leases. */
  close(): Promise<void>;
}

interface Entry {
  key: string;
  state: 'connecting' | 'open' | 'failed' | 'closed';
  /** The connect every waiter of this entry shares. */
  ready: Promise<McpConnection>;
  connection?: McpConnection;
  leases: number;
  /** Never handed out again; closed once its leases are gone. */
  stale: boolean;
  idleTimer?: NodeJS.Timeout;
}

/** Stops waiting for `promise` when `signal` aborts, without affecting the promise itself. */
function waitFor<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * A signal that aborts when any of `signals` does, until disposed. The SDK never removes the
 * abort listeners it adds to a request's signal, so long-lived signals (the pool's own) are only
 * ever handed to it through one of these, which dies with its request.
 */
function linkedSignal(signals: readonly (AbortSignal | undefined)[]) {
  const controller = new AbortController();
  const links = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  const listeners = links.map((signal) => {
    const onAbort = () => controller.abort(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
  });
  return {
    signal: controller.signal,
    dispose: () => {
      for (const remove of listeners) remove();
    },
  };
}

/** An idle connection failed its check on reuse: the lease is taken again from a fresh one. */
class StaleConnection extends Error {}

const sorted = (map: Readonly<Record<string, string>>) =>
  Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Creates the pool of one worker process; close it when the worker stops. */
export function createMcpPool(options: McpPoolOptions): McpPool {
  const idleMs = options.idleMs ?? DEFAULT_MCP_POOL_IDLE_MS;
  if (!Number.isInteger(idleMs) || idleMs < 0) {
    throw new RangeError(`idleMs must be a whole number of ms, 0 or more (got ${idleMs}).`);
  }
  const connect = options.connect ?? connectMcpServer;
  const { policy } = options;
  // Keys hold a keyed digest of plaintext settings, never the plaintext: with a per-process
  // key, not even a short secret can be guessed from a key that reaches a log.
  const digestKey = randomBytes(32);
  const shareable = new Map<string, Entry>();
  const entries = new Set<Entry>();
  const closing = new Set<Promise<void>>();
  const shutdown = new AbortController();

  function keyOf(request: McpLeaseRequest): string {
    const s = request.settings;
    // The secrets' names too: sharers must redact identically, `[secret:NAME]` included.
    const canonical = JSON.stringify([
      s.name,
      s.transport,
      s.command,
      s.args,
      sorted(s.env),
      s.url,
      sorted(s.headers),
      s.allowedTools,
      sorted(Object.fromEntries(request.secrets)),
    ]);
    const digest = createHmac('sha256', digestKey).update(canonical).digest('base64url');
    return `${request.tenantId}\u0000${request.serverId}\u0000${digest}`;
  }

  function forget(entry: Entry) {
    if (shareable.get(entry.key) === entry) shareable.delete(entry.key);
    entries.delete(entry);
  }

  function closeEntry(entry: Entry) {
    clearTimeout(entry.idleTimer);
    entry.state = 'closed';
    forget(entry);
    const closed = (entry.connection?.close() ?? Promise.resolve()).catch(() => {});
    closing.add(closed);
    void closed.finally(() => closing.delete(closed));
  }

  /** Closes or keeps an open connection that may have lost its last lease. */
  function reconsider(entry: Entry) {
    if (entry.state !== 'open' || entry.leases > 0) return;
    if (entry.stale || idleMs === 0 || shutdown.signal.aborted) {
      closeEntry(entry);
      return;
    }
    entry.idleTimer ??= setTimeout(() => closeEntry(entry), idleMs);
    // Idle connections alone must not keep a process alive; `close` ends them on shutdown.
    entry.idleTimer.unref();
  }

  function evict(entry: Entry) {
    entry.stale = true;
    if (shareable.get(entry.key) === entry) shareable.delete(entry.key);
    reconsider(entry);
  }

  function open(request: McpLeaseRequest, key: string): Entry {
    // A shared connect runs on the pool's timeout only: one run's abort must not fail the
    // others waiting on it. Unshared (idleMs 0), the run's signal may stop it at once.
    const linked = linkedSignal([shutdown.signal, idleMs === 0 ? request.signal : undefined]);
    const entry: Entry = {
      key,
      state: 'connecting',
      leases: 0,
      stale: false,
      ready: connect(request.settings, {
        policy,
        connectTimeoutMs: options.connectTimeoutMs,
        toolTimeoutMs: options.toolTimeoutMs,
        signal: linked.signal,
        redact: createRedactor(request.secrets),
        onStale: () => evict(entry),
      }),
    };
    entries.add(entry);
    void entry.ready.finally(linked.dispose).catch(() => {});
    entry.ready.then(
      (connection) => {
        entry.connection = connection;
        entry.state = 'open';
        reconsider(entry);
      },
      () => {
        // Every waiter gets the error; the next acquire connects again.
        entry.state = 'failed';
        forget(entry);
      },
    );
    return entry;
  }

  /** Leases the entry of `key` (opening one when there is none) before its connection is ready. */
  function take(request: McpLeaseRequest, key: string): Entry {
    let entry = idleMs === 0 ? undefined : shareable.get(key);
    if (!entry) {
      entry = open(request, key);
      if (idleMs > 0) shareable.set(key, entry);
    } else if (entry.state === 'open' && entry.leases === 0 && entry.connection) {
      // Idle, the server may have gone away unnoticed (an HTTP server has no open channel to
      // report it): one ping, shared by the runs that take it now, beats a failed tool call.
      const connection = entry.connection;
      const checked = entry;
      const linked = linkedSignal([shutdown.signal]);
      entry.ready = connection.ping({ signal: linked.signal }).then(
        () => connection,
        () => {
          evict(checked);
          throw new StaleConnection();
        },
      );
      void entry.ready.finally(linked.dispose).catch(() => {});
    }
    entry.leases += 1;
    clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    return entry;
  }

  return {
    async acquire(request) {
      if (shutdown.signal.aborted) throw new Error('The MCP connection pool is closed.');
      const key = keyOf(request);
      // Twice at most: a second pass only follows an idle connection that failed its check,
      // and then finds (or opens) a fresh one, which is never checked.
      for (;;) {
        const held = take(request, key);
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          held.leases -= 1;
          reconsider(held);
        };
        try {
          const connection = await waitFor(held.ready, request.signal);
          return { connection, release };
        } catch (error) {
          release();
          if (!(error instanceof StaleConnection)) throw error;
        }
      }
    },
    stats() {
      let openCount = 0;
      let leased = 0;
      let connecting = 0;
      for (const entry of entries) {
        if (entry.state === 'connecting') connecting += 1;
        if (entry.state !== 'open') continue;
        openCount += 1;
        if (entry.leases > 0) leased += 1;
      }
      return { open: openCount, leased, connecting };
    },
    async close() {
      shutdown.abort(new Error('The MCP connection pool is closing.'));
      // Connects in progress see the abort and fail; then every open connection is closed.
      await Promise.allSettled([...entries].map((entry) => entry.ready));
      for (const entry of [...entries]) if (entry.state === 'open') closeEntry(entry);
      await Promise.allSettled([...closing]);
    },
  };
}
