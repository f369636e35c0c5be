// A worker-less test platform per file, started and stopped by the file's own hooks (kept apart from test/platform.ts,
// which benchmarks import outside vitest).
import { afterAll, beforeAll } from 'vitest';
import { startPlatform, type PlatformOptions, type TestPlatform } from './platform.js';

/**
 * A platform without a worker for the calling test file (API, PostgreSQL, sessions, a paper exchange of its own):
 * started before its tests, stopped after them. Read it through the returned function inside tests.
 */
export function apiOnlyPlatform(options: Omit<PlatformOptions, 'worker'> = {}): () => TestPlatform {
  let platform: TestPlatform | undefined;
  beforeAll(async () => {
    platform = await startPlatform({ ...options, worker: false });
  }, 60_000);
  afterAll(async () => platform?.stop());
  return () => platform!;
}
