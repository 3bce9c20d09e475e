import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__test__/**/*.test.ts'],
    // A native addon is safest in child processes, not worker threads.
    pool: 'forks',
    testTimeout: 60_000,
  },
});
