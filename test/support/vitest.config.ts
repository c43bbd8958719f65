// Runs only the server suites (differential SQL, clients, persistence) with their globalSetup:
// `npx vitest run -c test/support/vitest.config.ts [filter]`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/diff/**/*.test.ts', 'test/clients/**/*.test.ts', 'test/persistence/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
