// Builds what the processes load prebuilt (bot host bundle, web app, Temporal workflow bundles), skipping unchanged inputs;
// with --all (`npm run build`) also the compiled platform (dist/app: server, worker, migrations) that images run.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { dataDir, repoRoot, sinceSeconds } from './services/paths.js';

interface Target {
  name: string;
  /** The target is skipped while this file does not exist (its part is not written yet). */
  entry: string;
  /** Files and folders whose content decides whether to rebuild. */
  inputs: string[];
  /** Files the build must leave behind; a missing one forces a rebuild. */
  outputs?: string[];
  /** Built only when asked for (`--all` or by name), not by every setup: `npm run build` asks. */
  onRequest?: boolean;
  build(): Promise<void>;
}

const SKIP_DIRS = new Set(['node_modules', 'build', 'dist', '.svelte-kit', '.data', '.tools', 'test-results']);
const stampDir = path.join(dataDir, 'build-stamps');

function exec(command: string, args: string[], cwd = repoRoot): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit code ${code}`})`))));
  });
}

function listFiles(target: string, out: string[]): void {
  const abs = path.join(repoRoot, target);
  if (!fs.existsSync(abs)) return;
  if (fs.statSync(abs).isFile()) {
    out.push(target);
    return;
  }
  for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
    if (entry.isDirectory() && SKIP_DIRS.has(entry.name)) continue;
    if (entry.isFile() && /\.test\.ts$/.test(entry.name)) continue; // tests do not change what we ship
    listFiles(path.join(target, entry.name), out);
  }
}

function inputsHash(inputs: string[]): string {
  const files: string[] = [];
  for (const input of inputs) listFiles(input, files);
  const hash = crypto.createHash('sha256');
  for (const file of files.sort()) hash.update(file).update('\0').update(fs.readFileSync(path.join(repoRoot, file))).update('\0');
  return hash.digest('hex');
}

const targets: Target[] = [
  {
    name: 'bot host bundle',
    entry: 'bot/build.ts',
    inputs: ['bot', 'domain', 'exchange', 'package-lock.json'],
    build: () => exec(process.execPath, ['--import', 'tsx', 'bot/build.ts']),
  },
  {
    name: 'web app',
    entry: 'web/vite.config.ts',
    inputs: ['web', 'domain', 'package-lock.json'],
    outputs: ['web/build/index.js'],
    build: () => exec('npm', ['run', 'build', '-w', 'web']),
  },
  {
    name: 'workflow bundles',
    entry: 'worker/bundle.ts',
    inputs: ['workflows', 'domain', 'temporal', 'worker/bundle.ts', 'package-lock.json'],
    async build() {
      const mod = (await import(pathToFileURL(path.join(repoRoot, 'worker/bundle.ts')).href)) as { buildWorkflowBundles?: () => Promise<unknown> };
      if (typeof mod.buildWorkflowBundles !== 'function') throw new Error('worker/bundle.ts does not export buildWorkflowBundles()');
      await mod.buildWorkflowBundles();
    },
  },
  {
    name: 'compiled platform',
    entry: 'tsconfig.build.json',
    inputs: ['domain', 'workflows', 'activities', 'db', 'worker', 'server', 'bot', 'exchange', 'temporal', 'freqtrade', 'tsconfig.build.json', 'tsconfig.base.json', 'package.json'],
    outputs: ['dist/app/server/main.js', 'dist/app/worker/main.js', 'dist/app/db/migrations'],
    onRequest: true,
    async build() {
      const out = path.join(repoRoot, 'dist', 'app');
      fs.rmSync(out, { recursive: true, force: true });
      await exec(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
      // What the compiled code reads beside itself: the SQL migrations and the scripts FreqTrade containers run.
      fs.cpSync(path.join(repoRoot, 'db', 'migrations'), path.join(out, 'db', 'migrations'), { recursive: true });
      for (const file of fs.readdirSync(path.join(repoRoot, 'freqtrade')).filter((f) => f.endsWith('.py'))) {
        fs.cpSync(path.join(repoRoot, 'freqtrade', file), path.join(out, 'freqtrade', file));
      }
    },
  },
];

async function main(): Promise<void> {
  fs.mkdirSync(stampDir, { recursive: true });
  const all = process.argv.includes('--all');
  const only = process.argv.slice(2).filter((a) => a !== '--all');
  for (const target of targets) {
    if (only.length && !only.some((o) => target.name.includes(o))) continue;
    if (target.onRequest && !all && !only.length) continue;
    const t0 = performance.now();
    if (!fs.existsSync(path.join(repoRoot, target.entry))) {
      console.log(`[build] ${target.name}: skipped (${target.entry} does not exist yet)`);
      continue;
    }
    const stamp = path.join(stampDir, `${target.name.replaceAll(' ', '-')}.sha256`);
    const hash = inputsHash(target.inputs);
    const outputsThere = (target.outputs ?? []).every((o) => fs.existsSync(path.join(repoRoot, o)));
    if (outputsThere && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) {
      console.log(`[build] ${target.name}: up to date`);
      continue;
    }
    console.log(`[build] ${target.name}: building`);
    fs.rmSync(stamp, { force: true });
    await target.build();
    fs.writeFileSync(stamp, hash);
    console.log(`[build] ${target.name}: built in ${sinceSeconds(t0)}`);
  }
}

main().then(
  () => process.exit(0), // a bundler may leave handles open; the build is done
  (error: unknown) => {
    console.error(`[build] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
