import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // CLI tests spawn the compiled relais: `npm test` builds it first.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
