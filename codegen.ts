import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for clients, generated from the committed, printed schema.
 * `npm run codegen` writes them to `sdk/gql/`.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['sdk/**/*.ts', 'test/**/*.ts', '!sdk/gql/**'],
  ignoreNoDocuments: true,
  generates: {
    'sdk/gql/': {
      preset: 'client',
      config: { scalars: { DateTime: 'string', JSON: 'unknown' }, enumsAsTypes: true },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
