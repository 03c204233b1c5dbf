import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.ts';
import './scalars.ts';
import './agent.ts';
import './workflow.ts';
import './run.ts';
import './message.ts';
import './events.ts';
import './mcp-server.ts';
import './secret.ts';
import './provider.ts';
import './skill.ts';

builder.queryType({ description: 'Reads.' });
builder.mutationType({ description: 'Writes.' });
builder.subscriptionType({ description: 'Live event streams over SSE.' });

/** The executable schema. */
export const schema = builder.toSchema({ sortSchema: true });

/** The schema as committed in schema/schema.graphql: printed and sorted. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
