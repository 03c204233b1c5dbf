import type { Secret } from '../domain/types.ts';
import { AppError, BadUserInputError, ConflictError, NotFoundError } from '../errors.ts';
import type { Page, PageArgs } from '../ports/pagination.ts';
import type { SecretPatch, Store } from '../ports/store.ts';
import { maskSuffix, referencedSecretNames, SECRET_NAME_PATTERN } from '../secrets/references.ts';
import { type SecretCipher, secretContext } from '../secrets/secret-cipher.ts';
import type { ServiceDeps, Viewer } from './types.ts';
import { optionalText } from './validation.ts';

export const SECRET_LIMITS = {
  /** Longest value, in bytes of UTF-8 (64 KiB). */
  valueBytes: 65_536,
  description: 2_000,
} as const;

export interface CreateSecretInput {
  name: string;
  value: string;
  description?: string | null;
}

export interface UpdateSecretInput {
  value?: string | null;
  description?: string | null;
}

function checkName(name: string): string {
  if (!SECRET_NAME_PATTERN.test(name)) {
    throw new BadUserInputError(
      `Secret name ${JSON.stringify(name.slice(0, 140))} is not allowed: use a letter or "_", then letters, digits and "_", at most 128 characters (e.g. OPENAI_KEY).`,
      { field: 'name' },
    );
  }
  return name;
}

/** Errors never echo the value: only its size. */
function checkValue(value: string): string {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes === 0) throw new BadUserInputError('value must not be empty.', { field: 'value' });
  if (bytes > SECRET_LIMITS.valueBytes) {
    throw new BadUserInputError(
      `value is ${bytes} bytes; the limit is ${SECRET_LIMITS.valueBytes}.`,
      { field: 'value', limit: SECRET_LIMITS.valueBytes },
    );
  }
  return value;
}

/**
 * Checks `{{secret:NAME}}` references in `values` (and the plain `names`): each well formed and
 * naming one of the tenant's secrets. Called where references are saved.
 * @throws BadUserInputError naming the malformed or missing secrets.
 */
export async function checkSecretReferences(
  store: Store,
  tenantId: string,
  field: string,
  values: Iterable<string>,
  names: readonly string[] = [],
): Promise<void> {
  const referenced = [...new Set([...referencedSecretNames(values), ...names])];
  if (referenced.length === 0) return;
  const malformed = referenced.filter((name) => !SECRET_NAME_PATTERN.test(name));
  if (malformed.length > 0) {
    throw new BadUserInputError(
      `${field} holds a malformed secret reference; write {{secret:NAME}} with NAME made of letters, digits and "_".`,
      { field },
    );
  }
  const found = await store.secrets.getByNames(tenantId, referenced);
  const missing = referenced.filter((_, index) => !found[index]);
  if (missing.length > 0) {
    throw new BadUserInputError(
      `${field} references ${missing.map((n) => JSON.stringify(n)).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not among your secrets; create ${missing.length === 1 ? 'it' : 'them'} first (createSecret).`,
      { field, missing },
    );
  }
}

export type SecretService = ReturnType<typeof createSecretService>;

/**
 * Secrets: names and sealed values. Values are sealed here, on the way in, and never returned;
 * only the worker (and `testMcpServer`) opens them.
 */
export function createSecretService({
  store,
  secretCipher,
}: Pick<ServiceDeps, 'store' | 'secretCipher'>) {
  function cipher(): SecretCipher {
    if (!secretCipher) {
      throw new AppError(
        'FORBIDDEN',
        'This deployment has no secrets key, so secrets cannot be stored; its operator sets SECRETS_KEYS on the gateways and workers (README "Secrets").',
      );
    }
    return secretCipher;
  }

  return {
    async create(viewer: Viewer, input: CreateSecretInput): Promise<Secret> {
      const name = checkName(input.name);
      const value = checkValue(input.value);
      const description = optionalText('description', input.description, SECRET_LIMITS.description);
      const created = await store.secrets.create({
        tenantId: viewer.tenantId,
        name,
        description,
        maskedSuffix: maskSuffix(value),
        sealed: cipher().seal(value, secretContext(viewer.tenantId, name)),
      });
      if (!created) {
        throw new ConflictError(
          `A secret named ${JSON.stringify(name)} already exists; update it (updateSecret) or pick another name.`,
          { name },
        );
      }
      return created;
    },

    async update(viewer: Viewer, id: string, input: UpdateSecretInput): Promise<Secret> {
      const [current] = await store.secrets.getMany(viewer.tenantId, [id]);
      if (!current) throw new NotFoundError('Secret', id);
      const patch: SecretPatch = {};
      if (input.description !== undefined) {
        patch.description = optionalText(
          'description',
          input.description,
          SECRET_LIMITS.description,
        );
      }
      if (input.value != null) {
        const value = checkValue(input.value);
        patch.value = {
          sealed: cipher().seal(value, secretContext(viewer.tenantId, current.name)),
          maskedSuffix: maskSuffix(value),
        };
      }
      const updated = await store.secrets.update(viewer.tenantId, id, patch);
      if (!updated) throw new NotFoundError('Secret', id);
      return updated;
    },

    /** References to a deleted secret stay; runs that need it fail with SECRET_NOT_FOUND. */
    async delete(viewer: Viewer, id: string): Promise<string> {
      if (!(await store.secrets.delete(viewer.tenantId, id))) throw new NotFoundError('Secret', id);
      return id;
    },

    list(viewer: Viewer, page: PageArgs): Promise<Page<Secret>> {
      return store.secrets.list(viewer.tenantId, page);
    },

    getMany(viewer: Viewer, ids: readonly string[]) {
      return store.secrets.getMany(viewer.tenantId, ids);
    },
  };
}
