// Test support for the migration: a database and a legacy MongoDB database of the test's own, the API app, real worker
// processes (killable), and an independent comparison of the source and PostgreSQL.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { MongoClient, type Db as MongoDb } from 'mongodb';
import { z } from 'zod';
import type { DualWriteSink } from '../db/legacy-mirror.js';
import { openMongoMirror } from '../db/legacy-mirror-setup.js';
import { targetRowsInRange } from '../db/legacy-readback.js';
import { refKey, resolveLegacyRefs } from '../db/legacy-targets.js';
import { sql } from '../db/pool.js';
import { LEGACY_COLLECTIONS, type LegacyCollection } from '../domain/legacy-model.js';
import { checksumLine, mapLegacy, parseLegacy } from '../domain/legacy-mapping.js';
import { toSourceDoc } from '../activities/legacy-source.js';
import { seedLegacy, type LegacySeedSummary } from '../scripts/legacy-seed.js';
import { createIsolatedDatabase, type IsolatedDatabase } from './isolated-database.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';

export const LEGACY_PASSWORD = 'legacy password';

export interface MigrationHarness {
  platform: TestPlatform;
  mongo: MongoDb;
  mongoUrl: string;
  seed: LegacySeedSummary;
  operator: Awaited<ReturnType<typeof signedUpAgent>>;
  /** The mirror the in-process API writes through, for a test's own writes that must be mirrored like the platform's. */
  dualWrite: DualWriteSink | null;
  startWorker(): ChildProcess;
  killWorkers(): Promise<void>;
  stop(): Promise<void>;
}

export interface MigrationHarnessOptions {
  trades: number;
  seed?: number;
  origins?: string[];
  /** A migrated database to run on (a kill test's own PostgreSQL); by default one of its own in the test cluster. */
  database?: IsolatedDatabase;
  /** Overrides for the API's and the workers' environment, such as a kill test's own TEMPORAL_ADDRESS. */
  env?: Record<string, string>;
}

export async function startMigrationHarness(options: MigrationHarnessOptions): Promise<MigrationHarness> {
  const database: IsolatedDatabase = options.database ?? await createIsolatedDatabase('tf_migration');
  const mongoUrl = `${process.env.MONGO_URL}mig_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  const client = new MongoClient(mongoUrl);
  const mongo = client.db();
  const seed = await seedLegacy(mongo, { trades: options.trades, seed: options.seed ?? 7, passwordHash: await hash(LEGACY_PASSWORD) });
  const env = { DATABASE_URL: database.url, MONGO_URL: mongoUrl, ...options.env };
  // The API runs in this process: its sign-ups are mirrored like the real server's.
  const mirror = openMongoMirror(mongoUrl);
  const platform = await startPlatform({ worker: false, env, origins: options.origins, dualWrite: mirror.sink });
  // The first user of the fresh database is the operator.
  const operator = await signedUpAgent(platform.app);
  const workers: ChildProcess[] = [];
  const kill = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  return {
    platform,
    mongo,
    mongoUrl,
    seed,
    operator,
    dualWrite: mirror.sink,
    startWorker() {
      const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
        env: { ...process.env, ...env, TEMPORAL_TASK_QUEUE: platform.config.TEMPORAL_TASK_QUEUE, BOT_DRIVER: 'process', LOG_LEVEL: 'warn', WORKER_METRICS_ADDRESS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.resume();
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
      child.once('exit', (code, signal) => {
        if (code && signal === null) console.error(`worker exited with ${code}: ${err}`);
      });
      workers.push(child);
      return child;
    },
    killWorkers: async () => void (await Promise.all(workers.splice(0).map(kill))),
    async stop() {
      await Promise.all(workers.splice(0).map(kill));
      await mirror.close();
      await platform.stop();
      await client.close();
      await database.drop();
    },
  };
}

export const api = (h: MigrationHarness) => ({
  get: (path: string) => h.operator.agent.get(`/api/migrations${path}`),
  post: (path: string, body: unknown = {}) => h.operator.agent.post(`/api/migrations${path}`).set('Origin', ORIGIN).send(body as object),
});

export interface RunView {
  run: { id: string; phase: string; status: string; dualWrite: boolean; error: string | null; archivedAs: Record<string, string> | null };
  collections: Array<{ collection: string; state: string; copied: number; quarantined: number; sourceCount: number | null; rate: number | null; etaSeconds: number | null; recopiedRanges: number }>;
  quarantine: { total: number; rows: Array<{ collection: string; legacyId: string; reason: string; document: unknown }> };
}

export async function runView(h: MigrationHarness, runId: string): Promise<RunView> {
  const res = await api(h).get(`/${runId}?quarantineLimit=1000`);
  if (res.status !== 200) throw new Error(`GET run: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as RunView;
}

export async function waitForPhase(h: MigrationHarness, runId: string, phases: string[], timeoutMs = 240_000): Promise<RunView> {
  return waitFor(`run ${runId} in ${phases.join('/')}`, async () => {
    const view = await runView(h, runId);
    if (view.run.status === 'failed' && !phases.includes('failed')) throw new Error(`run failed: ${view.run.error}`);
    return phases.includes(view.run.phase) ? view : null;
  }, timeoutMs);
}

/**
 * The comparison a user would trust, independent of the workflow's own bookkeeping: every source document of the
 * collection (read from `sourceName`) is either exactly one row with the same mapped values or one quarantine entry, and
 * PostgreSQL holds no row with a legacy id the source does not have. Returns the counts and the differences.
 */
export async function compareCollection(h: MigrationHarness, runId: string, collection: LegacyCollection, sourceName: string = collection) {
  const db = h.platform.db;
  const docs = (await h.mongo.collection(sourceName).find({}).sort({ _id: 1 }).toArray()).map(toSourceDoc);
  const quarantined = new Set(await db.anyFirst(sql.type(z.object({ legacyId: z.string() }))`
    select legacy_id from migration_quarantine where run_id = ${runId} and collection = ${collection}`));
  const expected = new Map<string, string>();
  for (let i = 0; i < docs.length; i += 2000) {
    const parsed = docs.slice(i, i + 2000).map((d) => parseLegacy(collection, d.raw)).flatMap((p) => (p.ok ? [p.doc] : []));
    const resolved = await db.transaction((tx) => resolveLegacyRefs(tx, parsed.flatMap((p) => p.refs)));
    for (const p of parsed) {
      if (quarantined.has(p.legacyId)) continue;
      const m = mapLegacy(collection, p, (ref) => resolved.get(refKey(ref)) ?? null);
      if (m.ok) expected.set(p.legacyId, checksumLine(collection, m.row));
    }
  }
  const rows = await targetRowsInRange(db, collection, null, null);
  const sourceIds = new Set(docs.map((d) => d.legacyId));
  const actual = new Map<string, string>();
  let duplicated = 0;
  for (const row of rows) {
    if (!sourceIds.has(row.legacyId)) continue; // rows of other origins (none in these tests' databases)
    if (actual.has(row.legacyId)) duplicated += 1;
    actual.set(row.legacyId, checksumLine(collection, row));
  }
  const lost = [...expected.keys()].filter((id) => !actual.has(id));
  const differing = [...expected.entries()].filter(([id, line]) => actual.has(id) && actual.get(id) !== line).map(([id]) => id);
  const unaccounted = docs.filter((d) => !expected.has(d.legacyId) && !quarantined.has(d.legacyId)).map((d) => d.legacyId);
  return { source: docs.length, rows: actual.size, quarantined: quarantined.size, lost, duplicated, differing, unaccounted };
}

export const ALL_COLLECTIONS = LEGACY_COLLECTIONS;
