import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for clients, generated from the committed, printed schema.
 * `npm run codegen` writes them to `sdk/gql/`; a test fails when the committed output is stale.
 *
 * Documents are plain strings (`documentMode: 'string'`): the SDK and the console send them as
 * they are, so no GraphQL parser or printer ships to browsers.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['sdk/**/*.ts', 'web/**/*.ts', 'test/**/*.ts', '!sdk/gql/**'],
  ignoreNoDocuments: true,
  generates: {
    'sdk/gql/': {
      preset: 'client',
      config: {
        scalars: { DateTime: 'string', JSON: 'unknown' },
        enumsAsTypes: true,
        documentMode: 'string',
        useTypeImports: true,
        importExtension: '.ts',
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
