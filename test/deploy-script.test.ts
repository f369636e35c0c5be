// scripts/deploy.sh (run on the compose host by deploy.yml) refuses what it cannot deploy before touching anything:
// a malformed version, a rollback with no previous version, a missing image prefix.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../scripts/services/paths.js';

const run = promisify(execFile);
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** deploy.sh copied into a host folder of its own, run with `args`; `docker` is not on PATH, so nothing can run. */
async function deploy(args: string[], files: Record<string, string> = {}, env: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-deploy-'));
  dirs.push(dir);
  fs.copyFileSync(path.join(repoRoot, 'scripts/deploy.sh'), path.join(dir, 'deploy.sh'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  try {
    await run('bash', [path.join(dir, 'deploy.sh'), ...args], { env: { PATH: '/usr/bin:/bin', ...env } });
    return { code: 0, stderr: '', dir };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr, dir };
  }
}

describe('deploy.sh', () => {
  it('refuses a malformed version', async () => {
    const r = await deploy(['latest'], {}, { TRADEFLEET_IMAGE_PREFIX: 'ghcr.io/acme/tradefleet-' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('version must look like 1.2.3 (got "latest")');
  });

  it('refuses a rollback when no previous version was recorded', async () => {
    const r = await deploy(['--rollback'], { '.tradefleet-version': '1.2.0\n' }, { TRADEFLEET_IMAGE_PREFIX: 'ghcr.io/acme/tradefleet-' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no previous version recorded');
    expect(fs.readFileSync(path.join(r.dir, '.tradefleet-version'), 'utf8')).toBe('1.2.0\n');
  });

  it('refuses to deploy without an image prefix, naming the variable', async () => {
    const r = await deploy(['v1.2.3']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('set TRADEFLEET_IMAGE_PREFIX');
    expect(fs.existsSync(path.join(r.dir, '.tradefleet-version'))).toBe(false);
  });
});
