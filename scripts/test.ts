// `npm test`: vitest run on Node 24 (extra arguments pass through, e.g. `npm test -- db/`), exiting with its code.
// TF_TEST_SEED=<n> shuffles the order of files and of the tests in each file with that seed (see docs/testing.md).
// Every run writes vitest's JSON report to .data/test-report.json; scripts/test-timings.ts reads it.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { dataDir, repoRoot } from './services/paths.js';

const vitest = path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');
const seed = process.env.TF_TEST_SEED?.trim();
if (seed && !/^\d+$/.test(seed)) {
  console.error(`TF_TEST_SEED must be a whole number (got "${seed}")`);
  process.exit(2);
}
const order = seed ? ['--sequence.shuffle', `--sequence.seed=${seed}`] : [];
if (seed) console.log(`[test] shuffled order, seed ${seed} (rerun the same order with TF_TEST_SEED=${seed} npm test)`);
const report = ['--reporter=default', '--reporter=json', `--outputFile.json=${path.join(dataDir, 'test-report.json')}`];
// Coverage (vitest.config.ts) under CI or TF_COVERAGE=1; CI holds it to TF_COVERAGE_MIN % of lines (.ci/run sets it).
const coverage = process.env.CI === 'true' || process.env.TF_COVERAGE === '1';
const child = spawn(process.execPath, [vitest, 'run', ...order, ...report, ...(coverage ? ['--coverage'] : []), ...process.argv.slice(2)], { cwd: repoRoot, stdio: 'inherit' });

// The terminal's Ctrl-C reaches vitest too; forwarding covers `kill` aimed at us alone.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (coverage) spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts', 'coverage-report.ts')], { cwd: repoRoot, stdio: 'inherit' });
  process.exit(code ?? (signal ? 1 : 0));
});
