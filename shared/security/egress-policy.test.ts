import { describe, expect, it } from 'vitest';
import { blockedReason, checkEgress, parseEgressAllow } from './egress-policy.ts';

describe('the egress policy', () => {
  it('blocks loopback, private, link-local, metadata and reserved addresses in every form', () => {
    for (const address of [
      '127.0.0.1',
      '127.255.0.9',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.100.100.200',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:a9fe:a9fe',
      'fd00:ec2::254',
      'fe80::1',
    ]) {
      expect(blockedReason(address), address).not.toBeNull();
    }
  });

  it('lets public addresses through', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect(blockedReason(address), address).toBeNull();
    }
  });

  it('allows a blocked address only through a matching EGRESS_ALLOW rule', () => {
    const allow = parseEgressAllow('10.0.0.0/8, 127.0.0.1:11434, ollama.internal, [fd00::5]:8080');
    const target = (hostname: string, address: string, port: number) => ({
      hostname,
      address,
      port,
    });
    expect(checkEgress(allow, target('10.9.9.9', '10.9.9.9', 443))).toBeNull();
    expect(checkEgress(allow, target('127.0.0.1', '127.0.0.1', 11434))).toBeNull();
    expect(checkEgress(allow, target('127.0.0.1', '127.0.0.1', 11435))?.message).toMatch(
      /127\.0\.0\.1:11435 is blocked: it is a loopback address/,
    );
    expect(checkEgress(allow, target('ollama.internal', '192.168.3.4', 80))).toBeNull();
    expect(checkEgress(allow, target('other.internal', '192.168.3.4', 80))).not.toBeNull();
    expect(checkEgress(allow, target('fd00::5', 'fd00::5', 8080))).toBeNull();
    expect(checkEgress(allow, target('fd00::5', 'fd00::5', 8081))).not.toBeNull();
    expect(checkEgress(parseEgressAllow('*'), target('x', '127.0.0.1', 1))).toBeNull();
  });

  it('names the entry it cannot read', () => {
    expect(() => parseEgressAllow('10.0.0.0/33')).toThrow(/"10\.0\.0\.0\/33"/);
    expect(() => parseEgressAllow('host:port')).toThrow(/"host:port"/);
    expect(() => parseEgressAllow('a b')).toThrow(/"a b"/);
  });
});
