import { defineConfig } from 'vitest/config';

// Two projects: pure unit suites, and suites that need servers (a real PostgreSQL and a shared
// eon node, started once by the global setup only when such a suite is in the run).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Server and PostgreSQL suites start real processes; two cores cannot run many at once.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/diff/**', 'test/clients/**', 'test/persistence/**', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'servers',
          include: ['test/diff/**/*.test.ts', 'test/clients/**/*.test.ts', 'test/persistence/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
