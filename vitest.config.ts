import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI tests start real processes; give them room on a loaded 2-core machine. A test (or a shared
    // beforeAll) must stay under half of this there: make it faster rather than raise the limit.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/plain-summary-reporter.ts'],
  },
});
