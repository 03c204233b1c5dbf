import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteStore } from '../../shared/adapters/store/sql/pglite-store.ts';
import { defaultClients } from '../../shared/config.ts';
import { generateToken } from '../../shared/domain/api-tokens.ts';
import { spyStore } from '../support/spy-store.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Failed authentications per client address through the gateway app: the address is the socket
 * peer Node hands Yoga (`serverContext.req`), here given directly as `app.fetch` allows.
 */

let t: TestApp;
let spy: ReturnType<typeof spyStore>;
let token: string;
const { authFailuresPerMinute } = defaultClients();

beforeAll(async () => {
  const inner = createPgliteStore();
  await inner.init();
  spy = spyStore(inner);
  t = await createTestApp({ store: spy.store, auth: true, worker: false });
  token = await t.createToken('acme', 'ci');
});
afterAll(async () => {
  await t.close();
});

/** A query from `address` with `secret` as its bearer token. */
async function from(address: string, secret: string) {
  const response = await t.app.fetch(
    'http://agentgate.test/graphql',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query: '{ agents { edges { cursor } } }' }),
    },
    { req: { socket: { remoteAddress: address } } },
  );
  const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return {
    status: response.status,
    headers: response.headers,
    code: body.errors?.[0]?.extensions?.code,
  };
}

describe('failed authentications per client address', () => {
  it('turns a burst of unknown tokens into RATE_LIMITED before the store is asked', async () => {
    spy.reset();
    for (let i = 0; i < authFailuresPerMinute; i++) {
      expect(await from('198.51.100.10', generateToken())).toMatchObject({
        status: 401,
        code: 'UNAUTHENTICATED',
      });
    }
    expect(spy.counts['tokens.findByHash']).toBe(authFailuresPerMinute);

    const limited = await from('198.51.100.10', generateToken());
    expect(limited).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // The valid token waits too, from that address; no lookup was made for either.
    expect(await from('198.51.100.10', token)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(spy.counts['tokens.findByHash']).toBe(authFailuresPerMinute);
  });

  it('leaves other addresses alone, IPv6 ones counted by their /64', async () => {
    expect(await from('198.51.100.11', token)).toMatchObject({ status: 200 });
    for (let i = 0; i < authFailuresPerMinute; i++) {
      await from(`2001:db8:aa:bb::${i.toString(16)}`, generateToken());
    }
    expect(await from('2001:db8:aa:bb::ffff', token)).toMatchObject({ status: 429 });
    expect(await from('2001:db8:aa:cc::1', token)).toMatchObject({ status: 200 });
  });
});
