// Prints line coverage per source folder from the last coverage run (.data/coverage/coverage-summary.json), worst
// first, and the total: `npm test` prints it at its end when coverage was on.
import fs from 'node:fs';
import path from 'node:path';
import { dataDir, repoRoot } from './services/paths.js';

type Counts = { total: number; covered: number };
const file = path.join(dataDir, 'coverage', 'coverage-summary.json');
if (!fs.existsSync(file)) {
  console.log(`[coverage] no report at ${path.relative(repoRoot, file)}: run with coverage on (CI=true or TF_COVERAGE=1 npm test)`);
  process.exit(0);
}
const summary = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, { lines: Counts }>;
const folders = new Map<string, Counts>();
for (const [name, { lines }] of Object.entries(summary)) {
  if (name === 'total') continue;
  const parts = path.relative(repoRoot, name).split(path.sep);
  const folder = parts[0] === 'web' ? 'web/src' : (parts[0] ?? '?');
  const sum = folders.get(folder) ?? { total: 0, covered: 0 };
  folders.set(folder, { total: sum.total + lines.total, covered: sum.covered + lines.covered });
}
const pct = (c: Counts) => (c.total ? (100 * c.covered) / c.total : 100);
console.log('[coverage] lines covered per folder (worst first); the report: .data/coverage/index.html');
for (const [folder, counts] of [...folders].sort((a, b) => pct(a[1]) - pct(b[1]))) {
  console.log(`[coverage]   ${folder.padEnd(11)} ${pct(counts).toFixed(1).padStart(5)} %  (${counts.covered}/${counts.total})`);
}
const total = summary.total?.lines;
if (total) console.log(`[coverage]   ${'total'.padEnd(11)} ${pct(total).toFixed(1).padStart(5)} %  (${total.covered}/${total.total})`);
