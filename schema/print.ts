import { writeFileSync } from 'node:fs';
import { printSortedSchema } from './index.ts';

const target = new URL('./schema.graphql', import.meta.url);
writeFileSync(target, printSortedSchema());
console.log(`wrote ${target.pathname}`);
