import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/** `npm run chaos`: the chaos test alone (test/chaos), against real processes, Redis and PostgreSQL. */
export default defineConfig({
  resolve: {
    // As in the root config: Pothos and Yoga load graphql's CJS build, so the tests must too.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/chaos/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 90_000,
    pool: 'forks',
  },
});
