import { describe, expect, it } from 'vitest';
import { clientAddressKey, createClientAddresses, UNKNOWN_CLIENT } from './client-address.ts';

describe('the client address of a request', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddressKey('198.51.100.7', null, 0)).toBe('198.51.100.7');
    expect(clientAddressKey('198.51.100.7', '203.0.113.1', 0)).toBe('198.51.100.7');
    expect(clientAddressKey('::ffff:198.51.100.7', null, 0)).toBe('198.51.100.7');
  });

  it('is the N-th X-Forwarded-For entry from the right behind N trusted proxies', () => {
    // nginx appends the address it was reached from; the client may have sent anything before.
    expect(clientAddressKey('10.0.0.2', 'forged, 203.0.113.9', 1)).toBe('203.0.113.9');
    expect(clientAddressKey('10.0.0.2', '203.0.113.9, 10.0.0.1', 2)).toBe('203.0.113.9');
    expect(clientAddressKey('10.0.0.2', '1.1.1.1,203.0.113.9 ,  10.0.0.1', 2)).toBe('203.0.113.9');
  });

  it('falls back to the farthest recorded hop when the header has fewer entries than hops', () => {
    expect(clientAddressKey('10.0.0.2', '203.0.113.9', 3)).toBe('203.0.113.9');
    expect(clientAddressKey('10.0.0.2', null, 1)).toBe('10.0.0.2');
    expect(clientAddressKey(undefined, null, 0)).toBe(UNKNOWN_CLIENT);
  });

  it('counts an IPv6 client by its /64 network, so one host cannot rotate addresses', () => {
    const a = clientAddressKey('2001:db8:85a3:12::1', null, 0);
    const b = clientAddressKey('2001:db8:85a3:12:ffff:1:2:3', null, 0);
    expect(a).toBe('2001:db8:85a3:12::/64');
    expect(b).toBe(a);
    expect(clientAddressKey('2001:db8::1', null, 0)).toBe('2001:db8:0:0::/64');
    expect(clientAddressKey('fe80::1%eth0', null, 0)).toBe('fe80:0:0:0::/64');
    expect(clientAddressKey('10.0.0.2', '[2001:db8:1:2::5]:443', 1)).toBe('2001:db8:1:2::/64');
  });

  it('strips a port and treats anything that is not an address as unknown', () => {
    expect(clientAddressKey('10.0.0.2', '203.0.113.9:51234', 1)).toBe('203.0.113.9');
    expect(clientAddressKey('10.0.0.2', 'not-an-address', 1)).toBe(UNKNOWN_CLIENT);
    expect(clientAddressKey('10.0.0.2', `${'9'.repeat(10_000)}`, 1)).toBe(UNKNOWN_CLIENT);
  });

  it('reads the peer from the Node request Yoga was handed, and refuses a negative hop count', () => {
    const addresses = createClientAddresses(0);
    const request = new Request('http://gateway.test/graphql');
    const onRequest = addresses.plugin.onRequest as (payload: unknown) => void;
    onRequest({ request, serverContext: { req: { socket: { remoteAddress: '192.0.2.4' } } } });
    expect(addresses.of(request)).toBe('192.0.2.4');
    expect(addresses.of(new Request('http://gateway.test/graphql'))).toBe(UNKNOWN_CLIENT);
    expect(() => createClientAddresses(-1)).toThrow(/non-negative integer/);
  });
});
