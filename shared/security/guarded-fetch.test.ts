import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEgressAllow } from './egress-policy.ts';
import { createGuardedFetch, findEgressBlocked } from './guarded-fetch.ts';

let internal: Server;
let redirector: Server;
let internalPort: number;
let redirectPort: number;
let hits = 0;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  internal = createServer((_req, res) => {
    hits += 1;
    res.end('internal');
  });
  internalPort = await listen(internal);
  redirector = createServer((_req, res) => {
    res.writeHead(302, { location: `http://127.0.0.1:${internalPort}/` });
    res.end();
  });
  redirectPort = await listen(redirector);
});

afterAll(() => {
  internal.close();
  redirector.close();
});

/** The guard's error for `url`, or null when the request went through. */
async function blockedBy(fetchFn: typeof fetch, url: string) {
  try {
    await (await fetchFn(url)).text();
    return null;
  } catch (error) {
    return findEgressBlocked(error);
  }
}

describe('the guarded fetch', () => {
  it('refuses loopback in its literal, mapped, numeric and DNS forms without connecting', async () => {
    const guarded = createGuardedFetch({ allow: [] });
    for (const url of [
      `http://127.0.0.1:${internalPort}/`,
      `http://[::ffff:127.0.0.1]:${internalPort}/`,
      `http://0x7f000001:${internalPort}/`,
      `http://2130706433:${internalPort}/`,
      `http://localhost:${internalPort}/`,
    ]) {
      expect((await blockedBy(guarded, url))?.message, url).toMatch(/is blocked/);
    }
    expect(hits).toBe(0);
  });

  it('checks the target of every redirect', async () => {
    const guarded = createGuardedFetch({ allow: parseEgressAllow(`127.0.0.1:${redirectPort}`) });
    const blocked = await blockedBy(guarded, `http://127.0.0.1:${redirectPort}/`);
    expect(blocked?.message).toContain(`127.0.0.1:${internalPort} is blocked`);
    expect(hits).toBe(0);
  });

  it('reaches an allowed address, and any address while the process trusts its one local user', async () => {
    const allowed = createGuardedFetch({ allow: parseEgressAllow(`127.0.0.1:${internalPort}`) });
    expect(await (await allowed(`http://localhost:${internalPort}/`)).text()).toBe('internal');
    let local = true;
    const trusting = createGuardedFetch({ allow: [], unrestricted: async () => local });
    expect(await (await trusting(`http://127.0.0.1:${internalPort}/`)).text()).toBe('internal');
    local = false;
    expect(await blockedBy(trusting, `http://127.0.0.1:${internalPort}/`)).not.toBeNull();
  });
});
