// Starts the real services tests use (fresh PostgreSQL, in-memory Temporal, Docker, FerretDB as the legacy MongoDB) once per `vitest run`, and removes them after.
// Tests read them with `inject('DATABASE_URL')` or `process.env.DATABASE_URL` (forks inherit the environment set here).
// No exchange is shared: each test file starts its own paper exchange (test/platform.ts does for a platform without one).
// TF_TEST_SERVICES=none skips the services for a quick run of pure unit tests.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Docker from 'dockerode';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { ensureDocker } from '../scripts/services/docker.js';
import { startFerretDb } from '../scripts/services/ferretdb.js';
import { dataDir, pinnedBotImageEnv, repoRoot, sinceSeconds } from '../scripts/services/paths.js';
import { freePort } from '../scripts/services/ports.js';
import { startPostgres, type PostgresHandle } from '../scripts/services/postgres.js';
import { stopAll } from '../scripts/services/processes.js';
import { resolveTemporalCli, startTemporal } from '../scripts/services/temporal.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The application role's URL (what the platform connects as). */
    DATABASE_URL: string;
    /** The cluster's bootstrap superuser: creating databases, migrating them, checking what the application role may not do. */
    DATABASE_ADMIN_URL: string;
    TEMPORAL_ADDRESS: string;
    TEMPORAL_CLI: string;
    TF_SECRET_KEY: string;
    DOCKER_AVAILABLE: boolean;
    /** The legacy MongoDB (FerretDB) server; tests append a database name of their own. */
    MONGO_URL: string;
  }
}

const RUN_PREFIX = 'test-run-';
const log = (line: string) => console.log(`[global-setup] ${line}`);

/** A test that failed half-way may leave its bot's container behind: remove every container of this run's bots. */
async function removeBotContainersOf(databaseUrl: string, say: (line: string) => void): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const ids = (await client.query<{ id: string }>('select id::text from bots')).rows.map((r) => r.id);
    const docker = new Docker();
    const left = (await docker.listContainers({ all: true, filters: { label: ['tradefleet.managed=true'] } }))
      .filter((c) => ids.includes(c.Labels['tradefleet.bot'] ?? ''));
    for (const c of left) await docker.getContainer(c.Id).remove({ force: true, v: true });
    if (left.length) say(`removed ${left.length} bot container(s) a test left behind`);
    // Pool containers (and their state volumes) of this run's pools.
    const pools = (await client.query<{ id: string }>('select id from pools')).rows.map((r) => r.id);
    const pooled = (await docker.listContainers({ all: true, filters: { label: ['tradefleet.managed=true'] } }))
      .filter((c) => pools.includes(c.Labels['tradefleet.pool'] ?? ''));
    for (const c of pooled) await docker.getContainer(c.Id).remove({ force: true, v: true });
    const keys = (await client.query<{ key: string }>('select key from pool_containers')).rows.map((r) => `tf-pool-${r.key}-state`);
    for (const name of keys) await docker.getVolume(name).remove().catch(() => undefined);
    if (pooled.length) say(`removed ${pooled.length} pool container(s) a test left behind`);
    // FreqTrade bots keep their data in a named volume of their own.
    const volumes = ((await docker.listVolumes({ filters: { label: ['tradefleet.managed=true'] } })).Volumes ?? [])
      .filter((v) => ids.includes(v.Labels?.['tradefleet.bot'] ?? ''));
    for (const v of volumes) await docker.getVolume(v.Name).remove().catch(() => undefined);
    if (volumes.length) say(`removed ${volumes.length} bot volume(s) a test left behind`);
  } catch (error) {
    say(`could not sweep bot containers: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Removes run folders whose vitest process is gone (a run that was killed could not clean up). */
function sweepStaleRuns(): void {
  if (!fs.existsSync(dataDir)) return;
  for (const name of fs.readdirSync(dataDir)) {
    const pidFile = path.join(dataDir, name, 'owner.pid');
    // Only folders this harness made: other .data/test-* folders belong to someone else.
    if (!name.startsWith(RUN_PREFIX) || !fs.existsSync(pidFile)) continue;
    let alive: boolean;
    try {
      alive = process.kill(Number(fs.readFileSync(pidFile, 'utf8')), 0);
    } catch {
      alive = false;
    }
    if (!alive) fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = performance.now();
  // This checkout's bot-host image for every platform, worker and test the run starts (they read BOT_IMAGE).
  Object.assign(process.env, pinnedBotImageEnv());
  const secretKey = crypto.randomBytes(32).toString('base64');
  const values = { TF_SECRET_KEY: secretKey, DATABASE_URL: '', DATABASE_ADMIN_URL: '', TEMPORAL_ADDRESS: '', TEMPORAL_CLI: '', DOCKER_AVAILABLE: false, MONGO_URL: '' };
  const publish = () => {
    for (const [key, value] of Object.entries(values)) {
      process.env[key] = String(value);
      project.provide(key as keyof typeof values, value as never);
    }
  };
  if (process.env.TF_TEST_SERVICES === 'none') {
    publish();
    return async () => {};
  }

  fs.mkdirSync(dataDir, { recursive: true });
  sweepStaleRuns();
  const runDir = fs.mkdtempSync(path.join(dataDir, RUN_PREFIX));
  fs.chmodSync(runDir, 0o755); // the postgres system user must be able to enter it
  fs.writeFileSync(path.join(runDir, 'owner.pid'), String(process.pid));

  let postgres: PostgresHandle | undefined;
  const teardown = async () => {
    if (values.DATABASE_ADMIN_URL) await removeBotContainersOf(values.DATABASE_ADMIN_URL, log);
    await postgres?.destroy();
    await stopAll((line) => log(line));
    fs.rmSync(runDir, { recursive: true, force: true });
  };

  try {
    const cli = resolveTemporalCli();
    const temporalPort = await freePort();
    let pgPort = 0;
    /**
     * A free port can be taken between the check and PostgreSQL's bind (the services starting beside it pick theirs at
     * the same time): once in a CI run PostgreSQL exited before it was ready. It gets two more tries on other ports,
     * each failure saying what its log said.
     */
    const startPg = async (): Promise<PostgresHandle> => {
      for (let attempt = 1; ; attempt++) {
        pgPort = await freePort();
        const logFile = path.join(runDir, `postgres-${attempt}.log`);
        try {
          return await startPostgres({ dataDir: path.join(runDir, 'postgres'), port: pgPort, logFile, ephemeral: true }, log);
        } catch (error) {
          const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join(' | ') : 'no log';
          if (attempt >= 3 || !String((error as Error).message).includes('exited before it was ready')) throw error;
          log(`PostgreSQL did not start on :${pgPort} (its log: ${tail}); trying another port`);
        }
      }
    };
    const [pg, temporal, docker, ferret] = await Promise.all([
      startPg(),
      startTemporal({ cli, port: temporalPort, logFile: path.join(runDir, 'temporal.log') }),
      ensureDocker(log),
      startFerretDb({ dataDir: path.join(runDir, 'ferretdb'), logFile: path.join(runDir, 'ferretdb.log') }),
    ]);
    postgres = pg;
    const migrateFile = path.join(repoRoot, 'db', 'migrate.ts');
    if (fs.existsSync(migrateFile)) {
      const mod = (await import(pathToFileURL(migrateFile).href)) as typeof import('../db/migrate.js');
      await mod.migrate(pg.ownerUrl, log, { grantTo: pg.appRole });
    }
    Object.assign(values, { DATABASE_URL: pg.url, DATABASE_ADMIN_URL: pg.ownerUrl, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_CLI: cli, DOCKER_AVAILABLE: docker, MONGO_URL: ferret.url });
    publish();
    log(`PostgreSQL :${pgPort}, Temporal ${temporal.address}, FerretDB :${ferret.port}, Docker ${docker ? 'available' : 'NOT available'} (${sinceSeconds(t0)})`);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
