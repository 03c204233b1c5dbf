import type { SecretStore } from '../ports/store.ts';
import { type SecretCipher, SecretDecryptError, secretContext } from './secret-cipher.ts';

/** Why secrets could not be resolved; `code` becomes the run's error code. */
export type SecretErrorCode = 'SECRET_NOT_FOUND' | 'SECRETS_UNAVAILABLE' | 'SECRET_UNREADABLE';

/** A secret a run needs cannot be used. The message names secrets, never values. */
export class SecretUnavailableError extends Error {
  override name = 'SecretUnavailableError';
  constructor(
    readonly code: SecretErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Opens secrets by name, where their values are used (the worker, and `testMcpServer`). */
export interface SecretResolver {
  /**
   * The values of the tenant's secrets of these names (name → value).
   * @throws SecretUnavailableError when one is missing, no key is configured, or one cannot be opened.
   */
  resolve(tenantId: string, names: readonly string[]): Promise<Map<string, string>>;
}

export function createSecretResolver(
  store: SecretStore,
  cipher: SecretCipher | null,
): SecretResolver {
  return {
    async resolve(tenantId, names) {
      const values = new Map<string, string>();
      const unique = [...new Set(names)];
      if (unique.length === 0) return values;
      const found = await store.getByNames(tenantId, unique);
      const missing = unique.filter((_, index) => !found[index]);
      if (missing.length > 0) {
        throw new SecretUnavailableError(
          'SECRET_NOT_FOUND',
          `Secret ${missing.map((name) => JSON.stringify(name)).join(', ')} does not exist (deleted after it was referenced?); create it again or change the reference.`,
        );
      }
      if (!cipher) {
        throw new SecretUnavailableError(
          'SECRETS_UNAVAILABLE',
          'This deployment has no secrets key (SECRETS_KEYS), so secrets cannot be opened; ask its operator.',
        );
      }
      for (const secret of found) {
        if (!secret) continue;
        try {
          values.set(secret.name, cipher.open(secret.sealed, secretContext(tenantId, secret.name)));
        } catch (error) {
          if (!(error instanceof SecretDecryptError)) throw error;
          throw new SecretUnavailableError(
            'SECRET_UNREADABLE',
            `Secret ${JSON.stringify(secret.name)} cannot be opened: ${error.message}`,
          );
        }
      }
      return values;
    },
  };
}
