import { parse, validate } from 'graphql';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { it } from 'vitest';
import { schema } from '../schema/index.ts';
it('cost', () => {
  const f = 'id name systemPrompt model description createdAt updatedAt';
  for (const q of [
    'query ($id: ID!) { run(id: $id) { workflow { runs { edges { node { id } } } } } }',
    `{ agents { edges { node { ${f} } } } workflows { edges { node { id title model maxTurns createdAt agent { ${f} } } } } }`,
    '{ a: __typename b: __typename c: __typename }',
  ]) {
    let cost = 0;
    validate(schema, parse(q), [costLimitRule({ maxCost: 1e9, onAccept: [(_c, d) => { cost = d.n; }] })]);
    console.log('COST', cost, q.slice(0, 60));
  }
});
