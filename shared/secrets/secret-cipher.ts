import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Secret values at rest: AES-256-GCM under a key from configuration (`SECRETS_KEYS`), a random
 * 12-byte IV per encryption and the 16-byte authentication tag. Each sealed value names the key
 * it was sealed with, so keys can be rotated: the first key seals, every listed key opens.
 */

/** Bytes of an AES-256 key. */
export const SECRET_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A key id: letters, digits, `_`, `.` and `-`, at most 32 characters. */
export const SECRET_KEY_ID_PATTERN = /^[A-Za-z0-9_.-]{1,32}$/;

/** One encryption key. */
export interface SecretKey {
  /** Stored with every value it seals; never the key itself. */
  id: string;
  /** Exactly {@link SECRET_KEY_BYTES} bytes. */
  key: Buffer;
}

/** A value as stored: which key sealed it, and the IV, tag and ciphertext in base64. */
export interface SealedValue {
  keyId: string;
  iv: string;
  authTag: string;
  ciphertext: string;
}

/** Raised when a value cannot be opened: an unknown key id, or a tampered or misbound value. */
export class SecretDecryptError extends Error {
  override name = 'SecretDecryptError';
}

/** Seals and opens secret values. */
export interface SecretCipher {
  /** The id of the key new values are sealed with. */
  readonly currentKeyId: string;
  /**
   * Encrypts `plaintext` under the current key. `context` is bound as additional authenticated
   * data: the value opens only with the same context (callers pass tenant and secret name, so a
   * row copied to another tenant or name does not decrypt).
   */
  seal(plaintext: string, context: string): SealedValue;
  /** @throws SecretDecryptError when the key is unknown or the value, tag or context differ. */
  open(sealed: SealedValue, context: string): string;
}

/** The id a key gets when configured without one: a fingerprint, stable across processes. */
export function fingerprintKeyId(key: Buffer): string {
  return `k${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

/**
 * Parses `[id:]base64key` entries separated by commas (the first is the current key). Returns
 * the keys, or throws an Error whose message says what is wrong without echoing any key.
 */
export function parseSecretKeys(raw: string): SecretKey[] {
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) throw new Error('no key given');
  const keys: SecretKey[] = [];
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const id = colon >= 0 ? entry.slice(0, colon) : undefined;
    const encoded = colon >= 0 ? entry.slice(colon + 1) : entry;
    const key = Buffer.from(encoded, 'base64');
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded) || key.length !== SECRET_KEY_BYTES) {
      throw new Error(
        `key #${index + 1} must be ${SECRET_KEY_BYTES} random bytes in base64 (\`npm run secrets -- generate-key\` prints one)`,
      );
    }
    if (id !== undefined && !SECRET_KEY_ID_PATTERN.test(id)) {
      throw new Error(`key #${index + 1}: a key id uses letters, digits, _, . and - (at most 32)`);
    }
    const keyId = id ?? fingerprintKeyId(key);
    if (keys.some((k) => k.id === keyId)) throw new Error(`key id "${keyId}" is used twice`);
    keys.push({ id: keyId, key });
  });
  return keys;
}

/** A new random key in the `id:base64` form `SECRETS_KEYS` takes. */
export function generateSecretKey(id = `k${Date.now().toString(36)}`): string {
  return `${id}:${randomBytes(SECRET_KEY_BYTES).toString('base64')}`;
}

/**
 * A cipher over `keys`; the first one seals.
 * @throws Error when there is no key or a key is not 32 bytes.
 */
export function createSecretCipher(keys: readonly SecretKey[]): SecretCipher {
  const [current] = keys;
  if (!current) throw new Error('A secret cipher needs at least one key.');
  const byId = new Map<string, Buffer>();
  for (const { id, key } of keys) {
    if (key.length !== SECRET_KEY_BYTES) throw new Error(`Key "${id}" is not 32 bytes.`);
    byId.set(id, key);
  }
  return {
    currentKeyId: current.id,

    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return {
        keyId: current.id,
        iv: iv.toString('base64'),
        authTag: cipher.getAuthTag().toString('base64'),
        ciphertext: ciphertext.toString('base64'),
      };
    },

    open(sealed, context) {
      const key = byId.get(sealed.keyId);
      if (!key) {
        throw new SecretDecryptError(
          `The value was sealed with key "${sealed.keyId}", which is not configured (SECRETS_KEYS).`,
        );
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'), {
          authTagLength: TAG_BYTES,
        });
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(sealed.authTag, 'base64'));
        const plain = Buffer.concat([
          decipher.update(Buffer.from(sealed.ciphertext, 'base64')),
          decipher.final(),
        ]);
        return plain.toString('utf8');
      } catch {
        // GCM says only "unable to authenticate": the value, tag, IV or context changed.
        throw new SecretDecryptError(
          `The value sealed with key "${sealed.keyId}" does not authenticate (tampered, or moved to another tenant or name).`,
        );
      }
    },
  };
}

/** The additional authenticated data of a secret: its tenant and name. */
export function secretContext(tenantId: string, name: string): string {
  return `agentgate-secret:v1:${JSON.stringify([tenantId, name])}`;
}
