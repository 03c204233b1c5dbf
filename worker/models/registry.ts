import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { MAX_MODEL_CHARS } from '../../shared/domain/types.ts';
import { BadUserInputError } from '../../shared/errors.ts';
import { createDemoModel, DEMO_MODEL_IDS, DEMO_PROVIDER } from './demo-model.ts';

/** The wire formats a configured provider can speak. */
export type ProviderType = 'openai' | 'anthropic' | 'openai-compatible';

/**
 * One model provider of a deployment. Model strings name it as their prefix: a provider named
 * `ollama` serves `ollama:llama3.1:8b`.
 */
export interface ProviderConfig {
  /** The prefix of model strings, e.g. `openai`. Letters, digits, `.`, `_`, `-`; never `demo`. */
  name: string;
  /**
   * `openai`: OpenAI's chat-completions API (also any server that speaks it, given `baseURL`).
   * `anthropic`: Anthropic's Messages API.
   * `openai-compatible`: OpenRouter, Ollama, vLLM, LM Studio …; `baseURL` required.
   */
  type: ProviderType;
  /** API root including the version segment, e.g. `https://api.openai.com/v1`. Default: the vendor's. */
  baseURL?: string;
  /**
   * The provider's key. The registry never falls back to the SDKs' environment variables
   * (`OPENAI_API_KEY` …): configuration is parsed in one place, so a missing key is sent as an
   * empty one and the provider answers 401, which the run reports as `PROVIDER_AUTH_FAILED`.
   */
  apiKey?: string;
  /** Extra HTTP headers sent with every request, e.g. OpenRouter's `HTTP-Referer`. */
  headers?: Record<string, string>;
}

/** Options of {@link createModelRegistry}. */
export interface ModelRegistryOptions {
  /** The fetch used for every provider request. Default: the global `fetch`. */
  fetch?: typeof fetch;
}

/** Resolves `provider:model` strings to AI SDK language models. */
export interface ModelRegistry {
  /**
   * The language model a model string names. Creating it does no I/O; a model the provider does
   * not know fails on its first call.
   * @throws BadUserInputError when {@link ModelRegistry.validate} would.
   */
  resolve(model: string): LanguageModelV3;
  /**
   * Checks a model string without creating anything: `provider:model` of at most
   * {@link MAX_MODEL_CHARS} characters, split on the FIRST colon (model ids may hold colons, e.g.
   * `ollama:llama3.1:8b`), naming a configured provider (or `demo:echo`). Call it where a model
   * string enters the system (agent and workflow input).
   * @throws BadUserInputError with a message that lists what would be accepted.
   */
  validate(model: string): void;
  /** Every provider name a model string may use, `demo` first. */
  providerNames(): string[];
}

/** A provider name: the prefix of model strings. */
export const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Creates a provider's models by id. */
export type ModelFactory = (modelId: string) => LanguageModelV3;

/** The AI SDK provider of one configuration (also used for tenants' provider records). */
export function createFactory(
  config: ProviderConfig,
  fetchFn: typeof fetch | undefined,
): ModelFactory {
  const apiKey = config.apiKey ?? '';
  const common = { apiKey, headers: config.headers, fetch: fetchFn };
  switch (config.type) {
    case 'openai': {
      // Chat completions, not the Responses API: it is the wire format every OpenAI-compatible
      // server speaks, so `type: 'openai'` with a `baseURL` also reaches those servers.
      const provider = createOpenAI({ ...common, baseURL: config.baseURL, name: config.name });
      return (modelId) => provider.chat(modelId);
    }
    case 'anthropic': {
      const provider = createAnthropic({ ...common, baseURL: config.baseURL });
      return (modelId) => provider.messages(modelId);
    }
    case 'openai-compatible': {
      const provider = createOpenAICompatible({
        ...common,
        name: config.name,
        baseURL: config.baseURL ?? '',
        apiKey: config.apiKey,
        includeUsage: true,
      });
      return (modelId) => provider.chatModel(modelId);
    }
  }
}

function checkConfig(config: ProviderConfig, seen: Set<string>): void {
  const label = `Model provider ${JSON.stringify(config.name)}`;
  if (!PROVIDER_NAME.test(config.name)) {
    throw new Error(
      `${label}: a provider name uses letters, digits, ".", "_" and "-" only (it prefixes model strings such as "openai:gpt-4.1").`,
    );
  }
  if (config.name === DEMO_PROVIDER) {
    throw new Error(`${label}: "demo" is the built-in demo provider; pick another name.`);
  }
  if (seen.has(config.name)) {
    throw new Error(`${label} is configured twice; provider names must be unique.`);
  }
  if (!['openai', 'anthropic', 'openai-compatible'].includes(config.type)) {
    throw new Error(`${label}: type must be "openai", "anthropic" or "openai-compatible".`);
  }
  if (config.type === 'openai-compatible' && !config.baseURL) {
    throw new Error(
      `${label}: an openai-compatible provider needs baseURL (e.g. http://127.0.0.1:11434/v1 for Ollama).`,
    );
  }
  if (config.baseURL !== undefined && !URL.canParse(config.baseURL)) {
    throw new Error(`${label}: baseURL ${JSON.stringify(config.baseURL)} is not a URL.`);
  }
}

/**
 * The model registry of one deployment: `demo` (only `demo:echo`) plus the configured providers.
 *
 * @throws Error when the configuration is impossible (a bad or duplicate name, `demo` reused, an
 *   openai-compatible provider without `baseURL`): configuration mistakes surface at startup,
 *   never on a run.
 */
export function createModelRegistry(
  providers: ProviderConfig[],
  options: ModelRegistryOptions = {},
): ModelRegistry {
  const factories = new Map<string, ModelFactory>();
  for (const config of providers) {
    checkConfig(config, new Set(factories.keys()));
    factories.set(config.name, createFactory(config, options.fetch));
  }
  const names = [DEMO_PROVIDER, ...factories.keys()];

  function parse(model: string): { provider: string; modelId: string } {
    // First, and without echoing it: everything below quotes the model string back.
    if (model.length > MAX_MODEL_CHARS) {
      throw new BadUserInputError(
        `model is ${model.length} characters long; the limit is ${MAX_MODEL_CHARS}.`,
        { field: 'model', limit: MAX_MODEL_CHARS },
      );
    }
    const colon = model.indexOf(':');
    const provider = model.slice(0, colon);
    const modelId = model.slice(colon + 1);
    if (colon <= 0 || modelId.length === 0 || /\s/.test(model)) {
      throw new BadUserInputError(
        `Model ${JSON.stringify(model)} is not a model string: write provider:model without spaces, e.g. "demo:echo". Configured providers: ${names.join(', ')}.`,
        { model },
      );
    }
    if (provider === DEMO_PROVIDER) {
      if (!DEMO_MODEL_IDS.includes(modelId)) {
        throw new BadUserInputError(
          `Model ${JSON.stringify(model)} does not exist: the demo provider has only ${DEMO_MODEL_IDS.map((id) => `"demo:${id}"`).join(', ')}.`,
          { model },
        );
      }
    } else if (!factories.has(provider)) {
      throw new BadUserInputError(
        `Model ${JSON.stringify(model)} names provider ${JSON.stringify(provider)}, which is not configured. Configured providers: ${names.join(', ')}.`,
        { model, providers: names },
      );
    }
    return { provider, modelId };
  }

  return {
    validate(model) {
      parse(model);
    },
    resolve(model) {
      const { provider, modelId } = parse(model);
      const factory = factories.get(provider);
      return factory ? factory(modelId) : createDemoModel(modelId);
    },
    providerNames() {
      return [...names];
    },
  };
}
