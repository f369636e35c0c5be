// Prints the slowest test files of the last `npm test` (from .data/test-report.json) and the total, so a creeping suite is seen.
import fs from 'node:fs';
import path from 'node:path';
import { dataDir, repoRoot } from './services/paths.js';

interface FileResult { name: string; startTime: number; endTime: number; status: string; assertionResults: unknown[] }
interface Report { numPassedTests: number; numFailedTests: number; numTotalTests: number; startTime: number; testResults: FileResult[] }

const file = path.join(dataDir, 'test-report.json');
if (!fs.existsSync(file)) {
  console.log(`[timings] no report at ${path.relative(repoRoot, file)}: run npm test first`);
  process.exit(0);
}
const report = JSON.parse(fs.readFileSync(file, 'utf8')) as Report;
const files = report.testResults
  .map((r) => ({ name: path.relative(repoRoot, r.name), seconds: (r.endTime - r.startTime) / 1000, tests: r.assertionResults.length, status: r.status }))
  .sort((a, b) => b.seconds - a.seconds);
const limit = Number(process.argv[2] ?? 10);
console.log(`[timings] slowest ${Math.min(limit, files.length)} of ${files.length} test files:`);
for (const f of files.slice(0, limit)) console.log(`[timings] ${f.seconds.toFixed(1).padStart(7)}s  ${f.name} (${f.tests} tests${f.status === 'passed' ? '' : `, ${f.status}`})`);
const wall = (Math.max(...report.testResults.map((r) => r.endTime)) - report.startTime) / 1000;
const sum = files.reduce((s, f) => s + f.seconds, 0);
console.log(`[timings] total: ${report.numTotalTests} tests in ${files.length} files, ${wall.toFixed(0)}s wall clock (${sum.toFixed(0)}s summed over files, 2 at a time)`);
