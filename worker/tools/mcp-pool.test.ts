import { describe, expect, it } from 'vitest';
import { UNRESTRICTED_MCP_HOST_POLICY } from './mcp-host-policy.ts';
import { createMcpPool, type McpLeaseRequest } from './mcp-pool.ts';
import type { McpConnection, McpConnectOptions, McpServerSettings } from './mcp-tools.ts';

/**
 * The pool's bookkeeping with a hand-written fake connect: which requests share a connection,
 * when connections close, and how aborts, failures and evictions are handled. The real SDK
 * connections are exercised in test/api/mcp-pool.test.ts.
 */

interface FakeConnection extends McpConnection {
  closed: Promise<void>;
  isClosed(): boolean;
  /** The server goes away without the transport noticing: pings fail from now on. */
  die(): void;
  options: McpConnectOptions;
}

/** A connect that resolves when told to (or at once), recording every connection it makes. */
function fakeConnect({ manual = false } = {}) {
  const made: FakeConnection[] = [];
  const waiting: { resolve(): void; reject(error: Error): void }[] = [];
  const connect = (server: McpServerSettings, options: McpConnectOptions) => {
    let markClosed = () => {};
    let closed = false;
    let dead = false;
    const connection: FakeConnection = {
      server,
      tools: [{ name: 'echo', description: null, inputSchema: {} }],
      options,
      call: async (_name, input) => input,
      ping: async () => {
        if (closed || dead) throw new Error('gone');
      },
      closed: new Promise<void>((resolve) => {
        markClosed = resolve;
      }),
      isClosed: () => closed,
      die: () => {
        dead = true;
      },
      async close() {
        closed = true;
        markClosed();
      },
    };
    made.push(connection);
    if (!manual) return Promise.resolve(connection);
    return new Promise<McpConnection>((resolve, reject) => {
      waiting.push({ resolve: () => resolve(connection), reject });
      options.signal?.addEventListener('abort', () => reject(options.signal?.reason));
    });
  };
  return { connect, made, waiting };
}

const settings: McpServerSettings = {
  name: 'fixture',
  transport: 'http',
  command: null,
  args: [],
  env: {},
  url: 'http://127.0.0.1:1/mcp',
  headers: { authorization: 'Bearer s3cret-value' },
  allowedTools: [],
};

const request = (over: Partial<McpLeaseRequest> = {}): McpLeaseRequest => ({
  tenantId: 'acme',
  serverId: 'srv-1',
  settings,
  secrets: new Map([['TOKEN', 's3cret-value']]),
  ...over,
});

describe('the MCP connection pool', () => {
  it('hands one connection to sequential runs of the same tenant and settings', async () => {
    const fake = fakeConnect();
    const pool = createMcpPool({
      idleMs: 60_000,
      connect: fake.connect,
      policy: UNRESTRICTED_MCP_HOST_POLICY,
    });
    const first = await pool.acquire(request());
    first.release();
    expect(pool.stats()).toEqual({ open: 1, leased: 0, connecting: 0 });
    const second = await pool.acquire(request());
    expect(second.connection).toBe(first.connection);
    expect(pool.stats()).toEqual({ open: 1, leased: 1, connecting: 0 });
    second.release();
    expect(fake.made).toHaveLength(1);
    await pool.close();
  });

  it('shares one pending connect between concurrent runs', async () => {
    const fake = fakeConnect({ manual: true });
    const pool = createMcpPool({
      idleMs: 60_000,
      connect: fake.connect,
      policy: UNRESTRICTED_MCP_HOST_POLICY,
    });
    const a = pool.acquire(request());
    const b = pool.acquire(request());
    expect(pool.stats().connecting).toBe(1);
    fake.waiting[0]?.resolve();
    const [leaseA, leaseB] = await Promise.all([a, b]);
    expect(leaseA.connection).toBe(leaseB.connection);
    expect(fake.made).toHaveLength(1);
    leaseA.release();
    expect(fake.made[0]?.isClosed()).toBe(false);
    leaseB.release();
    await pool.close();
  });

  it('never shares between tenants, servers, settings or secret values', async () => {
    const fake = fakeConnect();
    const pool = createMcpPool({
      idleMs: 60_000,
      connect: fake.connect,
      policy: UNRESTRICTED_MCP_HOST_POLICY,
    });
    const variants = [
      request(),
      request({ tenantId: 'other' }),
      request({ serverId: 'srv-2' }),
      request({ settings: { ...settings, allowedTools: ['echo'] } }),
      request({
        settings: { ...settings, headers: { authorization: 'Bearer rotated-value' } },
        secrets: new Map([['TOKEN', 'rotated-value']]),
      }),
    ];
    const leases = await Promise.all(variants.map((v) => pool.acquire(v)));
    expect(new Set(leases.map((l) => l.connection)).size).toBe(variants.length);
    // The order of env and header entries does not matter.
    const [ab, ba] = await Promise.all([
      pool.acquire(request({ settings: { ...settings, env: { A: '1', B: '2' } } })),
      pool.acquire(request({ settings: { ...settings, env: { B: '2', A: '1' } } })),
    ]);
    expect(ab.connection).toBe(ba.connection);
    await pool.close();
  });

  it('redacts with the secrets of the connection’s own settings', async () => {
    const fake = fakeConnect();
    const pool = createMcpPool({ connect: fake.connect, policy: UNRESTRICTED_MCP_HOST_POLICY });
    await pool.acquire(request());
    const redact = fake.made[0]?.options.redact;
    expect(redact?.text('got s3cret-value')).toBe('got [secret:TOKEN]');
    await pool.close();
  });

  it('closes a connection no run holds after idleMs', async () => {
    const fake = fakeConnect();
    const pool = createMcpPool({
      idleMs: 20,
      connect: fake.connect,
      policy: UNRESTRICTED_MCP_HOST_POLICY,
    });
    const lease = await pool.acquire(request());
    lease.release();
    await fake.made[0]?.closed;
    expect(pool.stats()).toEqual({ open: 0, leased: 0, connecting: 0 });
    const next = await pool.acquire(request());
    expect(next.connection).not.toBe(lease.connection);
    await pool.close();
  });

  it('lets an aborted run stop waiting without failing the connect others wait on', async () => {
    const fake = fakeConnect({ manual: true });
    const pool = createMcpPool({
      idleMs: 60_000,
      connect: fake.connect,
      policy: UNRESTRICTED_MCP_HOST_POLICY,
    });
    const cancel = new AbortController();
    const cancelled = pool.acquire(request({ signal: cancel.signal }));
    const other = pool.acquire(request());
    cancel.abort(new Error('run cancelled'));
    await expect(cancelled).rejects.toThrow('run cancelled');
    expect(fake.made[0]?.options.signal?.aborted).toBe(false);
    fake.waiting[0]?.resolve();
    const lease = await other;
    expect(lease.connection).toBe(fake.made[0]);
    expect(pool.stats()).toEqual({ open: 1, leased: 1, connecting: 0 });
    await pool.close();
  });

  it('gives every waiter a failed connect’s error and connects again next time', async () => {
    const fake = fakeConnect({ manual: true });
    const pool = createMcpPool({
      idleMs: 60_000,
      connect: fake.connect,
      policy: UNRESTRICTED_MCP_HOST_POLICY,
    });
    const a = pool.acquire(request());
    const b = pool.acquire(request());
    fake.waiting[0]?.reject(new Error('refused'));
    await Promise.all([expect(a).rejects.toThrow('refused'), expect(b).rejects.toThrow('refused')]);
    const retry = pool.acquire(request());
    fake.waiting[1]?.resolve();
    expect((await retry).connection).toBe(fake.made[1]);
    await pool.close();
  });

  it('never hands out a connection whose transport failed, and closes it when its runs end', async () => {
    const fake = fakeConnect();
    const pool = createMcpPool({
      idleMs: 60_000,
      connect: fake.connect,
      policy: UNRESTRICTED_MCP_HOST_POLICY,
    });
    const held = await pool.acquire(request());
    fake.made[0]?.options.onStale?.('the transport closed');
    const next = await pool.acquire(request());
    expect(next.connection).not.toBe(held.connection);
    expect(fake.made[0]?.isClosed()).toBe(false);
    held.release();
    await fake.made[0]?.closed;
    expect(fake.made[1]?.isClosed()).toBe(false);
    await pool.close();
  });

  it('checks an idle connection before reusing it and replaces one whose server went away', async () => {
    const fake = fakeConnect();
    const pool = createMcpPool({
      idleMs: 60_000,
      connect: fake.connect,
      policy: UNRESTRICTED_MCP_HOST_POLICY,
    });
    (await pool.acquire(request())).release();
    fake.made[0]?.die();
    const [a, b] = await Promise.all([pool.acquire(request()), pool.acquire(request())]);
    expect(a.connection).toBe(fake.made[1]);
    expect(b.connection).toBe(fake.made[1]);
    expect(fake.made).toHaveLength(2);
    await fake.made[0]?.closed;
    await pool.close();
  });

  it('connects per run and closes at its end when idleMs is 0', async () => {
    const fake = fakeConnect();
    const pool = createMcpPool({
      idleMs: 0,
      connect: fake.connect,
      policy: UNRESTRICTED_MCP_HOST_POLICY,
    });
    const [a, b] = await Promise.all([pool.acquire(request()), pool.acquire(request())]);
    expect(a.connection).not.toBe(b.connection);
    a.release();
    await fake.made[0]?.closed;
    expect(pool.stats()).toEqual({ open: 1, leased: 1, connecting: 0 });
    b.release();
    await fake.made[1]?.closed;
  });

  it('closes everything on close, pending connects included, and refuses new leases', async () => {
    const fake = fakeConnect({ manual: true });
    const pool = createMcpPool({
      idleMs: 60_000,
      connect: fake.connect,
      policy: UNRESTRICTED_MCP_HOST_POLICY,
    });
    const open = pool.acquire(request());
    fake.waiting[0]?.resolve();
    await open;
    const pending = expect(pool.acquire(request({ serverId: 'slow' }))).rejects.toThrow('closing');
    await pool.close();
    await pending;
    expect(fake.made[0]?.isClosed()).toBe(true);
    expect(pool.stats()).toEqual({ open: 0, leased: 0, connecting: 0 });
    await expect(pool.acquire(request())).rejects.toThrow('closed');
  });

  it('rejects a negative idleMs', () => {
    expect(() => createMcpPool({ idleMs: -1, policy: UNRESTRICTED_MCP_HOST_POLICY })).toThrow(
      RangeError,
    );
  });
});
