import type { SecretStore } from '../ports/store.ts';
import { type SecretCipher, secretContext } from './secret-cipher.ts';

/** What a rotation did. */
export interface RotationReport {
  /** Secrets re-sealed under the current key. */
  resealed: number;
  /** Secrets changed by someone else during the rotation (already under the current key). */
  skipped: number;
}

/** Secrets read per batch. */
const BATCH = 100;

/**
 * Re-seals every secret of every tenant that is not sealed with the cipher's current key, so
 * older keys can then be removed from `SECRETS_KEYS`. Each value is opened with the key that
 * sealed it (it must still be configured) and written back with a compare-and-set, so a value
 * changed meanwhile is left as it is. Safe to run again and while gateways and workers run.
 *
 * @throws SecretDecryptError when a value's key is no longer configured (nothing after it changes).
 */
export async function rotateSecrets(
  store: SecretStore,
  cipher: SecretCipher,
): Promise<RotationReport> {
  const report: RotationReport = { resealed: 0, skipped: 0 };
  let after: string | null = null;
  for (;;) {
    const batch = await store.listSealedWithout(cipher.currentKeyId, after, BATCH);
    if (batch.length === 0) return report;
    for (const secret of batch) {
      const context = secretContext(secret.tenantId, secret.name);
      const sealed = cipher.seal(cipher.open(secret.sealed, context), context);
      if (await store.reseal(secret.tenantId, secret.id, secret.sealed.iv, sealed)) {
        report.resealed += 1;
      } else {
        report.skipped += 1;
      }
    }
    after = batch.at(-1)?.id ?? null;
  }
}
