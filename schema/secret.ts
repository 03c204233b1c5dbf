import type { Secret as SecretShape } from '../shared/domain/types.ts';
import { maskedValue } from '../shared/secrets/references.ts';
import { builder } from './builder.ts';
import { connectionArgs, defineConnection, toConnection, toPageArgs } from './connection.ts';

export const Secret = builder.objectRef<SecretShape>('Secret').implement({
  description:
    'A named value stored encrypted (AES-256-GCM). Reference it as `{{secret:NAME}}` in MCP server env values and headers, and name it as a provider’s key. Its value is never returned.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Unique id.' }),
    name: t.exposeString('name', {
      description: 'Unique per tenant; what `{{secret:NAME}}` references. Cannot change.',
    }),
    description: t.exposeString('description', { nullable: true, description: 'What it is for.' }),
    maskedValue: t.string({
      description:
        'The value masked: `********` followed by its last 4 characters when it has at least 12, else the mask only.',
      resolve: (s) => maskedValue(s.maskedSuffix),
    }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When it was created.',
      resolve: (s) => s.createdAt,
    }),
    updatedAt: t.field({
      type: 'DateTime',
      description: 'When it (or its value) last changed.',
      resolve: (s) => s.updatedAt,
    }),
  }),
});

const SecretConnection = defineConnection('Secret', Secret);

const CreateSecretInput = builder.inputType('CreateSecretInput', {
  description: 'A new secret.',
  fields: (t) => ({
    name: t.string({
      required: true,
      description: 'A letter or `_`, then letters, digits and `_`; at most 128 (e.g. OPENAI_KEY).',
    }),
    value: t.string({
      required: true,
      description: 'The value (1 byte to 64 KiB). Stored encrypted; never returned.',
    }),
    description: t.string({ description: 'What it is for (at most 2,000 characters).' }),
  }),
});

const UpdateSecretInput = builder.inputType('UpdateSecretInput', {
  description: 'Changes to a secret; absent fields stay as they are. The name cannot change.',
  fields: (t) => ({
    value: t.string({
      description: 'A new value (1 byte to 64 KiB); runs that start afterwards use it.',
    }),
    description: t.string({ description: 'What it is for; null clears it.' }),
  }),
});

builder.queryFields((t) => ({
  secret: t.field({
    type: Secret,
    nullable: true,
    description: 'One secret (never its value), or null if there is none with this id.',
    args: { id: t.arg.id({ required: true, description: 'The secret id.' }) },
    resolve: async (_, { id }, ctx) =>
      (await ctx.services.secrets.getMany(ctx.viewer, [id]))[0] ?? null,
  }),
  secrets: t.field({
    type: SecretConnection,
    description: 'Secrets (names and masked values), newest first.',
    args: connectionArgs,
    resolve: async (_, args, ctx) =>
      toConnection(await ctx.services.secrets.list(ctx.viewer, toPageArgs(args)), (s) => s.id),
  }),
}));

builder.mutationFields((t) => ({
  createSecret: t.field({
    type: Secret,
    description:
      'Stores a secret encrypted. A name already taken is CONFLICT; a deployment without a secrets key answers FORBIDDEN.',
    args: { input: t.arg({ type: CreateSecretInput, required: true, description: 'The secret.' }) },
    resolve: (_, { input }, ctx) => ctx.services.secrets.create(ctx.viewer, input),
  }),
  updateSecret: t.field({
    type: Secret,
    description: 'Replaces a secret’s value or description.',
    args: {
      id: t.arg.id({ required: true, description: 'The secret id.' }),
      input: t.arg({ type: UpdateSecretInput, required: true, description: 'The changes.' }),
    },
    resolve: (_, { id, input }, ctx) => ctx.services.secrets.update(ctx.viewer, id, input),
  }),
  deleteSecret: t.field({
    type: 'ID',
    description:
      'Deletes a secret and returns its id. References to it stay; runs that need it fail with SECRET_NOT_FOUND.',
    args: { id: t.arg.id({ required: true, description: 'The secret id.' }) },
    resolve: (_, { id }, ctx) => ctx.services.secrets.delete(ctx.viewer, id),
  }),
}));
