// The previous release's code, checked out beside this one: which commit it is, its files (git archive) with
// node_modules, its prebuilt bundles, and its server, worker and migrate run as child processes against a database
// this release migrated. test/previous-release.test.ts drives them (docs/releases.md, backward-compatible migrations).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const git = async (repo: string, args: string[]): Promise<string> => (await run('git', args, { cwd: repo, maxBuffer: 64 * 2 ** 20 })).stdout.trim();

export interface PreviousRelease {
  commit: string;
  /** How it was chosen, for the test's log and failure messages. */
  label: string;
}

const migrationFiles = (names: string[]): string[] => names.map((n) => path.basename(n)).filter((n) => n.endsWith('.sql')).sort();

/**
 * The release a rollback goes back to. A tagged release when there is one: the newest `v*` tag (by version) that is an
 * ancestor of HEAD and does not point at HEAD itself (HEAD is the release being made). Without tags, the code as it
 * stood just before the newest change to db/migrations: walking HEAD's first-parent line, the first parent of the
 * newest commit that changed db/migrations, so its schema really differs from this one. Such a state only counts if
 * its migrations are a strict prefix of this checkout's: a state whose migrations were later renumbered (two branches
 * took the same number until the merge renamed one) was a merge in progress, never a release, and node-pg-migrate
 * refuses such a database either way; the walk goes on past it. A tag is a real release and is taken as it is. With
 * migrations added in the working tree and not committed yet, HEAD itself is the code that ran before them.
 */
export async function findPreviousRelease(repo: string): Promise<PreviousRelease> {
  const head = await git(repo, ['rev-parse', 'HEAD']);
  const tags = (await git(repo, ['tag', '--merged', 'HEAD', '--sort=-v:refname', '--list', 'v*'])).split('\n').filter(Boolean);
  for (const tag of tags) {
    const commit = await git(repo, ['rev-parse', `${tag}^{commit}`]);
    if (commit !== head) return { commit, label: `tag ${tag} (${commit.slice(0, 10)})` };
  }
  const current = migrationFiles(fs.readdirSync(path.join(repo, 'db', 'migrations')));
  const migrationsAt = async (commit: string) =>
    migrationFiles((await git(repo, ['ls-tree', '--name-only', `${commit}:db/migrations`]).catch(() => '')).split('\n'));
  const isPrefix = (before: string[]) => before.length > 0 && before.length < current.length && before.every((name, i) => current[i] === name);
  // Migrations added but not committed yet (a change in progress): HEAD is the code that ran before them.
  if (isPrefix(await migrationsAt(head))) return { commit: head, label: `HEAD (${head.slice(0, 10)}), before the uncommitted migrations (no v* tag yet)` };
  const line = (await git(repo, ['rev-list', '--first-parent', '--max-count=2000', 'HEAD'])).split('\n').filter(Boolean);
  for (const commit of line) {
    const parent = await git(repo, ['rev-parse', '--verify', '--quiet', `${commit}^1`]).catch(() => '');
    if (!parent) break;
    const changed = await run('git', ['diff', '--quiet', parent, commit, '--', 'db/migrations'], { cwd: repo }).then(() => false, () => true);
    if (!changed || !isPrefix(await migrationsAt(parent))) continue;
    const subject = await git(repo, ['log', '-1', '--format=%s', parent]);
    return { commit: parent, label: `${parent.slice(0, 10)}, before ${commit.slice(0, 10)} changed db/migrations (no v* tag yet): "${subject.slice(0, 80)}"` };
  }
  throw new Error('no previous release: no v* tag below HEAD and no earlier commit whose migrations are a prefix of the current ones');
}

/** What npm installs for a package.json: dependencies and devDependencies alike (npm ci installs both). */
const installed = (pkg: Record<string, unknown>): Record<string, string> =>
  ({ ...(pkg.dependencies as object), ...(pkg.devDependencies as object) }) as Record<string, string>;

/**
 * Whether this checkout's node_modules serves `theirs`: every package it asks for, at the same version, with the same
 * overrides. Packages added since (tracing's, say) are there too and unused by the older code.
 */
function covers(ours: Record<string, unknown>, theirs: Record<string, unknown>): boolean {
  const have = installed(ours);
  return Object.entries(installed(theirs)).every(([name, version]) => have[name] === version) &&
    JSON.stringify(ours.overrides ?? null) === JSON.stringify(theirs.overrides ?? null);
}

export interface Checkout {
  dir: string;
  /** How its node_modules came to be: a symlink to this checkout's, or its own `npm ci`. */
  modules: 'shared' | 'installed';
  remove(): void;
}

/**
 * The release's files (git archive: no worktree to register or forget), its node_modules, and what its processes load
 * prebuilt (the bot host bundle and the workflow bundles, by its own scripts/build.ts). node_modules is this checkout's,
 * symlinked, when it holds every package the release asks for at the same version (moving one between dependencies and
 * devDependencies changes nothing npm installs); otherwise the release gets its own `npm ci --prefer-offline`.
 */
export async function checkOut(repo: string, release: PreviousRelease, dir: string, log: (line: string) => void): Promise<Checkout> {
  fs.mkdirSync(dir, { recursive: true });
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    await run('sh', ['-c', 'git archive --format=tar "$1" | tar -x -C "$2"', 'sh', release.commit, dir], { cwd: repo, maxBuffer: 16 * 2 ** 20 });
    const theirs = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    const ours = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as Record<string, unknown>;
    let modules: Checkout['modules'] = 'shared';
    if (covers(ours, theirs)) {
      fs.symlinkSync(fs.realpathSync(path.join(repo, 'node_modules')), path.join(dir, 'node_modules'));
    } else {
      log('its package.json asks for other packages than this one: npm ci --prefer-offline into the checkout');
      const npm = (command: string) => run('npm', [command, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, timeout: 900_000, maxBuffer: 64 * 2 ** 20, env: previousEnv({}) });
      // A state whose lock file fell behind its package.json (a merge that did not regenerate it) gets npm install.
      await npm('ci').catch((error: Error) => (/EUSAGE/.test(error.message) ? npm('install') : Promise.reject(error)));
      modules = 'installed';
    }
    await run(process.execPath, ['--import', 'tsx', 'scripts/build.ts', 'bot host bundle', 'workflow bundles'], {
      cwd: dir, timeout: 600_000, maxBuffer: 64 * 2 ** 20, env: previousEnv({ TF_DATA_DIR: path.join(dir, '.data') }),
    });
    return { dir, modules, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/**
 * The environment a test runner exports for its shared services, this release's own settings and V8 coverage (the
 * previous release's files are not this checkout's sources): never inherited by the previous release's processes.
 */
const NOT_INHERITED = /^(DATABASE_|TEMPORAL_|MONGO_URL|PAPER_EXCHANGE_URL|TF_|BOT_|API_|WORKER_|DOCKER_HOST_NAME|DASHBOARD_URL|VITEST|NODE_V8_COVERAGE)/;

export function previousEnv(settings: Record<string, string>): Record<string, string> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !NOT_INHERITED.test(k))) as Record<string, string>;
  return { ...inherited, ...settings };
}

export interface ReleaseProcess {
  child: ChildProcess;
  logFile: string;
  /** The last lines it wrote (stdout and stderr), for failure messages. */
  tail(lines?: number): string;
  /** The lines it logged at level error or fatal (its JSON log lines: pino, and the Temporal SDK's through pino). */
  errors(): string[];
  exited(): boolean;
  stop(): Promise<void>;
}

/** Runs one of the release's entry files (`server/main.ts`, `worker/main.ts`) under tsx, as `npm start` runs it. */
export function startReleaseProcess(checkout: Checkout, entry: string, env: Record<string, string>): ReleaseProcess {
  const logFile = path.join(checkout.dir, `${path.dirname(entry)}.log`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: checkout.dir, env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const read = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
  const tail = (lines = 15) => read().trim().split('\n').slice(-lines).join('\n');
  const errors = () => read().split('\n').filter((line) => /"level":"(error|fatal)"/.test(line));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child, logFile, tail, errors, exited,
    async stop() {
      if (exited()) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** Runs the release's own `db/migrate.ts` to its end (what a rollback's migrate one-shot does first). */
export async function runReleaseMigrate(checkout: Checkout, env: Record<string, string>): Promise<{ ok: boolean; output: string }> {
  return run(process.execPath, ['--import', 'tsx', 'db/migrate.ts'], { cwd: checkout.dir, env, timeout: 120_000 }).then(
    ({ stdout, stderr }) => ({ ok: true, output: `${stdout}${stderr}`.trim() }),
    (error: { stdout?: string; stderr?: string; message: string }) => ({ ok: false, output: `${error.stdout ?? ''}${error.stderr ?? error.message}`.trim() }),
  );
}

/** Stops the bot host processes the process driver started under `dataDir/bots/<id>/pid` (only those carrying the bot's marker). */
export function killProcessBots(dataDir: string): void {
  const bots = path.join(dataDir, 'bots');
  if (!fs.existsSync(bots)) return;
  for (const id of fs.readdirSync(bots)) {
    try {
      const pid = Number(fs.readFileSync(path.join(bots, id, 'pid'), 'utf8').trim());
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(`--tf-bot=${id}`)) process.kill(pid, 'SIGKILL');
    } catch {
      // never started, or gone already
    }
  }
}
