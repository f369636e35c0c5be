// Test runner configuration: every *.test.ts in the repo, against real services started once by test/global-setup.ts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'web/build/**', 'web/.svelte-kit/**', '.data/**', '.tools/**', 'dist/**'],
    globalSetup: ['test/global-setup.ts'],
    // Integration tests spawn containers and servers: separate processes, and two at a time on this 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
