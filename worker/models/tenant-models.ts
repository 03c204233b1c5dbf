import type { LanguageModelV3 } from '@ai-sdk/provider';
import { BadUserInputError } from '../../shared/errors.ts';
import type { ProviderStore } from '../../shared/ports/store.ts';
import { referencedSecretNames, substituteAll } from '../../shared/secrets/references.ts';
import type { SecretResolver } from '../../shared/secrets/secret-resolver.ts';
import { DEMO_PROVIDER } from './demo-model.ts';
import { createFactory, type ModelRegistry } from './registry.ts';

/** A model ready to call, and the secret values it was built with (to redact them). */
export interface ResolvedModel {
  model: LanguageModelV3;
  /** Secret name → value, of the provider record's key and headers (empty otherwise). */
  secrets: ReadonlyMap<string, string>;
}

/** Model strings of a tenant: its provider records first, then the deployment's providers. */
export interface TenantModels {
  /**
   * Checks a model string where it enters the system (agent and workflow input).
   * @throws BadUserInputError for a malformed string or a provider neither the tenant nor the
   *   deployment has, listing the ones it could use.
   */
  validate(tenantId: string, model: string): Promise<void>;
  /**
   * The language model, with a record's key secret opened. Runs in the worker.
   * @throws BadUserInputError as `validate` (the run fails MODEL_UNAVAILABLE), or
   *   SecretUnavailableError when the key secret cannot be used.
   */
  resolve(tenantId: string, model: string): Promise<ResolvedModel>;
}

export interface TenantModelsDeps {
  /** The deployment's providers (and `demo`). */
  registry: ModelRegistry;
  providers: ProviderStore;
  secrets: SecretResolver;
  /** The fetch used for records' requests. Default: the global `fetch`. */
  fetch?: typeof fetch;
}

/** Providers a tenant may list in an error message: its first 100 records by name. */
const LISTED_RECORDS = 100;

function split(model: string): { provider: string; modelId: string } | null {
  const colon = model.indexOf(':');
  if (colon <= 0 || colon === model.length - 1 || /\s/.test(model)) return null;
  return { provider: model.slice(0, colon), modelId: model.slice(colon + 1) };
}

export function createTenantModels(deps: TenantModelsDeps): TenantModels {
  const { registry, providers, secrets } = deps;

  /** The tenant's record for the model string's provider, or null (demo is never a record). */
  async function recordOf(tenantId: string, model: string) {
    const parts = split(model);
    if (!parts || parts.provider === DEMO_PROVIDER) return null;
    const record = await providers.getByName(tenantId, parts.provider);
    return record ? { record, modelId: parts.modelId } : null;
  }

  return {
    async validate(tenantId, model) {
      if (await recordOf(tenantId, model)) return;
      const parts = split(model);
      if (parts && !registry.providerNames().includes(parts.provider)) {
        const page = await providers.list(tenantId, { first: LISTED_RECORDS });
        const names = [...registry.providerNames(), ...page.items.map((p) => p.name)];
        throw new BadUserInputError(
          `Model ${JSON.stringify(model)} names provider ${JSON.stringify(parts.provider)}, which is neither one of your providers (createProvider) nor one of the deployment's. Available providers: ${[...new Set(names)].join(', ')}.`,
          { model, providers: names },
        );
      }
      registry.validate(model);
    },

    async resolve(tenantId, model) {
      const found = await recordOf(tenantId, model);
      if (!found) return { model: registry.resolve(model), secrets: new Map() };
      const { record, modelId } = found;
      const names = referencedSecretNames(Object.values(record.headers));
      if (record.apiKeySecret) names.push(record.apiKeySecret);
      const values = await secrets.resolve(tenantId, names);
      const factory = createFactory(
        {
          name: record.name,
          type: record.type,
          baseURL: record.baseURL ?? undefined,
          apiKey: record.apiKeySecret ? values.get(record.apiKeySecret) : undefined,
          headers: substituteAll(record.headers, values),
        },
        deps.fetch,
      );
      return { model: factory(modelId), secrets: values };
    },
  };
}
