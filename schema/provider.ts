import type { Provider as ProviderShape, ProviderType } from '../shared/domain/types.ts';
import { builder } from './builder.ts';
import { connectionArgs, defineConnection, toConnection, toPageArgs } from './connection.ts';

const ProviderTypeEnum = builder.enumType('ProviderType', {
  description: 'The wire format a model provider speaks.',
  values: {
    OPENAI: { value: 'openai', description: 'OpenAI’s chat-completions API.' },
    ANTHROPIC: { value: 'anthropic', description: 'Anthropic’s Messages API.' },
    OPENAI_COMPATIBLE: {
      value: 'openai-compatible',
      description: 'Any OpenAI-compatible endpoint (OpenRouter, Ollama, vLLM …); needs baseURL.',
    },
  } satisfies Record<string, { value: ProviderType; description: string }>,
});

export const Provider = builder.objectRef<ProviderShape>('Provider').implement({
  description:
    'A model provider of your own (bring your own key): model strings `name:model` use it before the deployment’s provider of the same name.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Unique id.' }),
    name: t.exposeString('name', {
      description: 'Unique per tenant; the prefix of model strings. Cannot change.',
    }),
    type: t.field({
      type: ProviderTypeEnum,
      description: 'The wire format.',
      resolve: (p) => p.type,
    }),
    baseURL: t.exposeString('baseURL', {
      nullable: true,
      description: 'API root including the version segment; null: the vendor’s.',
    }),
    apiKeySecret: t.exposeString('apiKeySecret', {
      nullable: true,
      description: 'The name of the secret holding the API key (never the key); null: none.',
    }),
    headers: t.field({
      type: 'JSON',
      description:
        'Extra request headers, name → value, as written (`{{secret:NAME}}` unresolved).',
      resolve: (p) => p.headers,
    }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When it was created.',
      resolve: (p) => p.createdAt,
    }),
    updatedAt: t.field({
      type: 'DateTime',
      description: 'When it last changed.',
      resolve: (p) => p.updatedAt,
    }),
  }),
});

const ProviderConnection = defineConnection('Provider', Provider);

const fields = {
  baseURL:
    'API root including the version segment (http or https); required for OPENAI_COMPATIBLE.',
  apiKeySecret: 'The name of one of your secrets holding the API key.',
  headers:
    'Extra request headers as a JSON object of strings; values may reference secrets as `{{secret:NAME}}`.',
} as const;

const CreateProviderInput = builder.inputType('CreateProviderInput', {
  description: 'A new model provider.',
  fields: (t) => ({
    name: t.string({
      required: true,
      description:
        'Letters, digits, `.`, `_` and `-` (at most 64); not `demo`. Model strings use it as `name:model`.',
    }),
    type: t.field({ type: ProviderTypeEnum, required: true, description: 'The wire format.' }),
    baseURL: t.string({ description: fields.baseURL }),
    apiKeySecret: t.string({ description: fields.apiKeySecret }),
    headers: t.field({ type: 'JSON', description: fields.headers }),
  }),
});

const UpdateProviderInput = builder.inputType('UpdateProviderInput', {
  description: 'Changes to a provider; absent fields stay as they are. The name cannot change.',
  fields: (t) => ({
    type: t.field({ type: ProviderTypeEnum, description: 'The wire format.' }),
    baseURL: t.string({ description: `${fields.baseURL} Null: the vendor’s.` }),
    apiKeySecret: t.string({ description: `${fields.apiKeySecret} Null: no key.` }),
    headers: t.field({ type: 'JSON', description: fields.headers }),
  }),
});

builder.queryFields((t) => ({
  provider: t.field({
    type: Provider,
    nullable: true,
    description: 'One of your model providers, or null if there is none with this id.',
    args: { id: t.arg.id({ required: true, description: 'The provider id.' }) },
    resolve: async (_, { id }, ctx) =>
      (await ctx.services.providers.getMany(ctx.viewer, [id]))[0] ?? null,
  }),
  providers: t.field({
    type: ProviderConnection,
    description: 'Your model providers, newest first (the deployment’s own are not listed).',
    args: connectionArgs,
    resolve: async (_, args, ctx) =>
      toConnection(await ctx.services.providers.list(ctx.viewer, toPageArgs(args)), (p) => p.id),
  }),
}));

builder.mutationFields((t) => ({
  createProvider: t.field({
    type: Provider,
    description:
      'Adds a model provider. A name already taken is CONFLICT; an unknown apiKeySecret or header reference is BAD_USER_INPUT.',
    args: {
      input: t.arg({ type: CreateProviderInput, required: true, description: 'The provider.' }),
    },
    resolve: (_, { input }, ctx) => ctx.services.providers.create(ctx.viewer, input),
  }),
  updateProvider: t.field({
    type: Provider,
    description: 'Changes a provider; runs that start afterwards use the new settings.',
    args: {
      id: t.arg.id({ required: true, description: 'The provider id.' }),
      input: t.arg({ type: UpdateProviderInput, required: true, description: 'The changes.' }),
    },
    resolve: (_, { id, input }, ctx) => ctx.services.providers.update(ctx.viewer, id, input),
  }),
  deleteProvider: t.field({
    type: 'ID',
    description:
      'Deletes a provider and returns its id. Agents naming it then use the deployment’s provider of that name, or their runs fail with MODEL_UNAVAILABLE.',
    args: { id: t.arg.id({ required: true, description: 'The provider id.' }) },
    resolve: (_, { id }, ctx) => ctx.services.providers.delete(ctx.viewer, id),
  }),
}));
