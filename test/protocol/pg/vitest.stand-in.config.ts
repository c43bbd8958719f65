// Runs these suites before src/types/text-io.ts exists, resolving it to the local stand-in.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  resolve: {
    alias: [{ find: /^.*\/src\/types\/text-io\.js$/, replacement: fileURLToPath(new URL('./text-io-stand-in.ts', import.meta.url)) }],
  },
  test: { include: ['test/protocol/pg/**/*.test.ts'], testTimeout: 60_000, maxWorkers: 2 },
});
