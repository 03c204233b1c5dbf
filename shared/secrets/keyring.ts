import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Config } from '../config.ts';
import {
  createSecretCipher,
  fingerprintKeyId,
  parseSecretKeys,
  SECRET_KEY_BYTES,
  type SecretCipher,
} from './secret-cipher.ts';

/**
 * The cipher of a process: from `SECRETS_KEYS` / `SECRETS_KEY`; else, embedded, from the key file
 * under DATA_DIR, generated (mode 0600) on first use; else null — secrets cannot be written or
 * resolved, and everything else works as before.
 */
export async function loadSecretCipher(config: Config['secrets']): Promise<SecretCipher | null> {
  if (config.keys.length > 0) return createSecretCipher(config.keys);
  if (!config.keyFile) return null;
  return createSecretCipher(parseSecretKeys(await readOrCreateKeyFile(config.keyFile)));
}

/** The key file's content; a new random key when it does not exist (never overwritten). */
async function readOrCreateKeyFile(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(SECRET_KEY_BYTES);
  const line = `${fingerprintKeyId(key)}:${key.toString('base64')}`;
  await mkdir(dirname(path), { recursive: true });
  try {
    // `wx`: of two processes starting at once, one writes and the other reads what it wrote.
    await writeFile(path, `${line}\n`, { mode: 0o600, flag: 'wx' });
    return line;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readFile(path, 'utf8')).trim();
  }
}
