import { PROVIDER_TYPES, type Provider, type ProviderType } from '../domain/types.ts';
import { BadUserInputError, ConflictError, NotFoundError } from '../errors.ts';
import type { Page, PageArgs } from '../ports/pagination.ts';
import type { NewProvider, ProviderPatch } from '../ports/store.ts';
import { stringMap } from './mcp-servers.ts';
import { checkSecretReferences } from './secrets.ts';
import type { ServiceDeps, Viewer } from './types.ts';

/** A provider name: the prefix of model strings (as the deployment's providers), at most 64. */
const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** The built-in demo provider's name, which records cannot take. */
const RESERVED_NAMES = new Set(['demo']);

export interface CreateProviderInput {
  name: string;
  type: ProviderType;
  baseURL?: string | null;
  apiKeySecret?: string | null;
  headers?: unknown;
}

export interface UpdateProviderInput {
  type?: ProviderType | null;
  baseURL?: string | null;
  apiKeySecret?: string | null;
  headers?: unknown;
}

function checkName(name: string): string {
  if (!PROVIDER_NAME.test(name)) {
    throw new BadUserInputError(
      `Provider name ${JSON.stringify(name.slice(0, 80))} is not allowed: letters, digits, ".", "_" and "-", starting with a letter or digit, at most 64 (it prefixes model strings such as "mine:gpt-4.1").`,
      { field: 'name' },
    );
  }
  if (RESERVED_NAMES.has(name)) {
    throw new BadUserInputError('"demo" is the built-in demo provider; pick another name.', {
      field: 'name',
    });
  }
  return name;
}

function checkBaseURL(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  if (!trimmed) return null;
  let url: URL | undefined;
  try {
    url = new URL(trimmed);
  } catch {}
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || trimmed.length > 2_000) {
    throw new BadUserInputError(
      'baseURL must be an http(s) URL such as https://api.example.com/v1.',
      {
        field: 'baseURL',
      },
    );
  }
  return trimmed;
}

function checkSettings(provider: Omit<NewProvider, 'tenantId' | 'name'>): void {
  if (!PROVIDER_TYPES.includes(provider.type)) {
    throw new BadUserInputError(`type must be one of ${PROVIDER_TYPES.join(', ')}.`, {
      field: 'type',
    });
  }
  if (provider.type === 'openai-compatible' && !provider.baseURL) {
    throw new BadUserInputError(
      'An openai-compatible provider needs baseURL (e.g. http://127.0.0.1:11434/v1 for Ollama).',
      { field: 'baseURL' },
    );
  }
}

export type ProviderService = ReturnType<typeof createProviderService>;

/**
 * Tenants' model providers (bring your own key): the key is a secret, named here and opened only
 * by the worker. Deleting a provider agents still name is allowed; their runs then use the
 * deployment's provider of that name, or fail MODEL_UNAVAILABLE.
 */
export function createProviderService({ store }: Pick<ServiceDeps, 'store'>) {
  async function checkSecrets(viewer: Viewer, patch: ProviderPatch): Promise<void> {
    if (patch.headers) {
      await checkSecretReferences(store, viewer.tenantId, 'headers', Object.values(patch.headers));
    }
    if (patch.apiKeySecret) {
      await checkSecretReferences(store, viewer.tenantId, 'apiKeySecret', [], [patch.apiKeySecret]);
    }
  }

  return {
    async create(viewer: Viewer, input: CreateProviderInput): Promise<Provider> {
      const provider: NewProvider = {
        tenantId: viewer.tenantId,
        name: checkName(input.name),
        type: input.type,
        baseURL: checkBaseURL(input.baseURL),
        apiKeySecret: input.apiKeySecret?.trim() || null,
        headers: stringMap('headers', input.headers),
      };
      checkSettings(provider);
      await checkSecrets(viewer, provider);
      const created = await store.providers.create(provider);
      if (!created) {
        throw new ConflictError(
          `A provider named ${JSON.stringify(provider.name)} already exists; update it (updateProvider) or pick another name.`,
          { name: provider.name },
        );
      }
      return created;
    },

    async update(viewer: Viewer, id: string, input: UpdateProviderInput): Promise<Provider> {
      const [current] = await store.providers.getMany(viewer.tenantId, [id]);
      if (!current) throw new NotFoundError('Provider', id);
      const patch: ProviderPatch = {};
      if (input.type != null) patch.type = input.type;
      if (input.baseURL !== undefined) patch.baseURL = checkBaseURL(input.baseURL);
      if (input.apiKeySecret !== undefined) patch.apiKeySecret = input.apiKeySecret?.trim() || null;
      if (input.headers !== undefined) patch.headers = stringMap('headers', input.headers);
      checkSettings({ ...current, ...patch });
      await checkSecrets(viewer, patch);
      const updated = await store.providers.update(viewer.tenantId, id, patch);
      if (!updated) throw new NotFoundError('Provider', id);
      return updated;
    },

    async delete(viewer: Viewer, id: string): Promise<string> {
      if (!(await store.providers.delete(viewer.tenantId, id))) {
        throw new NotFoundError('Provider', id);
      }
      return id;
    },

    list(viewer: Viewer, page: PageArgs): Promise<Page<Provider>> {
      return store.providers.list(viewer.tenantId, page);
    },

    getMany(viewer: Viewer, ids: readonly string[]) {
      return store.providers.getMany(viewer.tenantId, ids);
    },
  };
}
