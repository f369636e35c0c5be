// Test runner configuration: every *.test.ts in the repo, against real services started once by test/global-setup.ts.
// Coverage (V8, on with `--coverage`, which `npm test` passes under CI or TF_COVERAGE=1) includes the child processes
// tests start — worker, server, bot hosts, scripts — and fails the run below TF_COVERAGE_MIN % of lines.
import { defineConfig } from 'vitest/config';

// The dashboard (web/) runs as Vite's bundle, whose lines do not map onto these files: it is left out.
const SOURCES = ['domain', 'workflows', 'activities', 'db', 'worker', 'server', 'bot', 'exchange', 'temporal'];

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
    coverage: {
      provider: 'v8',
      autoAttachSubprocess: true,
      reportsDirectory: '.data/coverage',
      include: SOURCES.map((dir) => `${dir}/**/*.{ts,svelte}`),
      exclude: ['**/*.test.ts', '**/*.d.ts', 'workflows/histories/**'],
      reporter: ['json-summary', 'html', 'text-summary'],
      reportOnFailure: true,
      thresholds: { lines: Number(process.env.TF_COVERAGE_MIN ?? 0) },
    },
  },
});
