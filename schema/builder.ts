import SchemaBuilder from '@pothos/core';
import type { GraphQLContext } from './context.ts';

/** The builder's type parameters: context and scalar types. */
export interface SchemaTypesDefinition {
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  Scalars: {
    ID: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
  };
}

export type Types = PothosSchemaTypes.ExtendDefaultTypes<SchemaTypesDefinition>;

/**
 * The Pothos builder: plugins, context and scalar types. It defines no types of its own; each
 * domain type lives in its own file beside this one. Fields are non-null unless marked nullable.
 */
export const builder = new SchemaBuilder<SchemaTypesDefinition>({
  defaultFieldNullability: false,
});
