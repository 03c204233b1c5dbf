import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSecretCipher } from './keyring.ts';
import {
  createSecretCipher,
  fingerprintKeyId,
  generateSecretKey,
  parseSecretKeys,
  SecretDecryptError,
  secretContext,
} from './secret-cipher.ts';

const key = (id: string) => ({ id, key: randomBytes(32) });
const context = secretContext('tenant-a', 'API_KEY');

describe('the secret cipher (AES-256-GCM)', () => {
  it('round-trips a value and never stores it in the clear', () => {
    const cipher = createSecretCipher([key('k1')]);
    const value = 'sk-live-0123456789abcdef ünïcødé';
    const sealed = cipher.seal(value, context);
    expect(sealed.keyId).toBe('k1');
    expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed.authTag, 'base64')).toHaveLength(16);
    expect(JSON.stringify(sealed)).not.toContain('sk-live');
    expect(cipher.open(sealed, context)).toBe(value);
  });

  it('uses a fresh IV for every encryption', () => {
    const cipher = createSecretCipher([key('k1')]);
    const a = cipher.seal('same value', context);
    const b = cipher.seal('same value', context);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it('refuses a tampered ciphertext, tag or IV', () => {
    const cipher = createSecretCipher([key('k1')]);
    const sealed = cipher.seal('a value worth protecting', context);
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString('base64');
    };
    for (const field of ['ciphertext', 'authTag', 'iv'] as const) {
      expect(() => cipher.open({ ...sealed, [field]: flip(sealed[field]) }, context)).toThrow(
        SecretDecryptError,
      );
    }
  });

  it('binds the value to its tenant and name: another context does not decrypt', () => {
    const cipher = createSecretCipher([key('k1')]);
    const sealed = cipher.seal('bound value', context);
    expect(() => cipher.open(sealed, secretContext('tenant-b', 'API_KEY'))).toThrow(
      /does not authenticate/,
    );
    expect(() => cipher.open(sealed, secretContext('tenant-a', 'OTHER'))).toThrow(
      SecretDecryptError,
    );
  });

  it('opens values of older keys, seals with the first, and refuses unknown key ids', () => {
    const [k1, k2] = [key('k1'), key('k2')];
    const before = createSecretCipher([k1]);
    const sealedOld = before.seal('rotated value', context);
    const after = createSecretCipher([k2, k1]);
    expect(after.currentKeyId).toBe('k2');
    expect(after.open(sealedOld, context)).toBe('rotated value');
    const resealed = after.seal(after.open(sealedOld, context), context);
    expect(resealed.keyId).toBe('k2');
    // Once k1 is retired, only re-sealed values open.
    const retired = createSecretCipher([k2]);
    expect(retired.open(resealed, context)).toBe('rotated value');
    expect(() => retired.open(sealedOld, context)).toThrow(/key "k1", which is not configured/);
  });
});

describe('secret keys from configuration', () => {
  it('parses id:base64 lists, first one current, and derives an id for a bare key', () => {
    const raw = randomBytes(32);
    const keys = parseSecretKeys(
      `k2:${randomBytes(32).toString('base64')}, ${raw.toString('base64')}`,
    );
    expect(keys.map((k) => k.id)).toEqual(['k2', fingerprintKeyId(raw)]);
    expect(parseSecretKeys(generateSecretKey('fresh'))[0]?.id).toBe('fresh');
  });

  it('rejects keys of the wrong size or duplicate ids without echoing the key', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => parseSecretKeys(`k1:${short}`)).toThrow(/32 random bytes/);
    try {
      parseSecretKeys(`k1:${short}`);
    } catch (error) {
      expect((error as Error).message).not.toContain(short);
    }
    const good = randomBytes(32).toString('base64');
    expect(() => parseSecretKeys(`a:${good},a:${good}`)).toThrow(/used twice/);
    expect(() => parseSecretKeys(`bad id:${good}`)).toThrow(/key id/);
  });

  it('generates an embedded key file once, readable only by its owner', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agentgate-keyfile-'));
    try {
      const keyFile = join(dir, 'nested', 'secrets.key');
      const first = await loadSecretCipher({ keys: [], keyFile });
      const second = await loadSecretCipher({ keys: [], keyFile });
      const sealed = first!.seal('kept across restarts', context);
      expect(second!.open(sealed, context)).toBe('kept across restarts');
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
      expect((await readFile(keyFile, 'utf8')).trim()).toMatch(/^k[0-9a-f]{8}:/);
      expect(await loadSecretCipher({ keys: [], keyFile: null })).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
