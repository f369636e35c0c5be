// Every GitHub Actions workflow under .github/workflows passes actionlint (built by scripts/actionlint.sh; shellcheck
// checks their `run:` scripts when setup installed it), and CI runs exactly what .ci/run runs.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../scripts/services/paths.js';

const run = promisify(execFile);
const workflowsDir = path.join(repoRoot, '.github', 'workflows');
const actionlint = path.join(repoRoot, '.tools', 'actionlint');

async function lint(files: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(actionlint, ['-no-color', '-oneline', ...files], { cwd: repoRoot });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('GitHub Actions workflows', () => {
  const files = fs.readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join('.github', 'workflows', f));

  it('actionlint is built (scripts/actionlint.sh, run by setup)', () => {
    expect(fs.existsSync(actionlint), 'run bash scripts/actionlint.sh').toBe(true);
  });

  it('every workflow file passes actionlint', async () => {
    expect(files).toContain('.github/workflows/ci.yml');
    const { code, output } = await lint(files);
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it('actionlint refuses a broken workflow, naming the problem', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-actionlint-'));
    const broken = path.join(dir, 'broken.yml');
    fs.writeFileSync(broken, 'on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.evnt.name }}\n');
    try {
      const { code, output } = await lint([broken]);
      expect(code).toBe(1);
      expect(output).toMatch(/evnt/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CI runs .ci/run, on pushes and pull requests', () => {
    const ci = fs.readFileSync(path.join(workflowsDir, 'ci.yml'), 'utf8');
    expect(ci).toMatch(/^\s+run: bash \.ci\/run$/m);
    expect(ci).toMatch(/^\s+push:$/m);
    expect(ci).toMatch(/^\s+pull_request:$/m);
  });
});
