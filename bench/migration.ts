// `npm run bench:migration [-- --trades N]`: migrates N legacy trades (default 1,000,000) and measures, in the same run,
// the two raw limits: one cursor over the source read into nothing, and PostgreSQL COPY of the same rows. Prints docs/s
// of each and the ratio workflow / min(COPY, scan).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { hash } from '@node-rs/argon2';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { z } from 'zod';
import { createMigrationActivities } from '../activities/migration.js';
import { collectionProgress, findMigrationRun } from '../db/migration-runs.js';
import { migrate } from '../db/migrate.js';
import { createDb, sql } from '../db/pool.js';
import { createSecretBox } from '../db/secret-box.js';
import { insertUser } from '../db/users.js';
import { seedLegacy } from '../scripts/legacy-seed.js';
import { startFerretDb } from '../scripts/services/ferretdb.js';
import { dataDir } from '../scripts/services/paths.js';
import { freePort } from '../scripts/services/ports.js';
import { startPostgres } from '../scripts/services/postgres.js';
import { stopAll } from '../scripts/services/processes.js';
import { startTemporal } from '../scripts/services/temporal.js';
import { createMigrationCommands } from '../server/migration-commands.js';
import { platformDataConverter } from '../temporal/data-converter.js';
import { createPayloadCodec } from '../temporal/payload-codec.js';
import { buildWorkflowBundle } from '../worker/bundle.js';

const { values } = parseArgs({ options: { trades: { type: 'string', default: process.env.BENCH_TRADES ?? '1000000' }, batch: { type: 'string', default: '5000' } } });
const TRADES = Number(values.trades);
const BATCH = Number(values.batch);
if (!Number.isInteger(TRADES) || TRADES < 1000) throw new Error(`--trades: must be a whole number of at least 1000, got ${values.trades}`);

const say = (line: string) => console.log(`[bench:migration] ${line}`);
const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

fs.mkdirSync(dataDir, { recursive: true });
const runDir = fs.mkdtempSync(path.join(dataDir, 'bench-migration-'));
fs.chmodSync(runDir, 0o755);
const [pgPort, temporalPort] = await Promise.all([freePort(), freePort()]);
const [postgres, temporal, ferret] = await Promise.all([
  startPostgres({ dataDir: path.join(runDir, 'postgres'), port: pgPort, ephemeral: true }),
  startTemporal({ port: temporalPort, logFile: path.join(runDir, 'temporal.log') }),
  startFerretDb({ dataDir: path.join(runDir, 'ferretdb'), logFile: path.join(runDir, 'ferretdb.log') }),
]);
await migrate(postgres.ownerUrl, () => {}, { grantTo: postgres.appRole });
const mongoUrl = `${ferret.url}legacy`;
const mongoClient = new MongoClient(mongoUrl);
const mongo = mongoClient.db();
const db = await createDb(postgres.url);
const key = randomBytes(32).toString('base64');
const taskQueue = 'bench-migration';
Runtime.install({ logger: new DefaultLogger('WARN') });

try {
  say(`seeding ${TRADES.toLocaleString('en')} trades into FerretDB (SQLite backend)…`);
  let t0 = performance.now();
  const seeded = await seedLegacy(mongo, { trades: TRADES, passwordHash: await hash('legacy password'), log: () => {} });
  const sourceDocs = Object.values(seeded.counts).reduce((a, b) => a + b, 0);
  say(`seeded ${sourceDocs.toLocaleString('en')} documents (${JSON.stringify(seeded.counts)}) in ${secs(performance.now() - t0)}`);

  // 1. The source's limit: one cursor over the trades, sorted by _id, read into nothing.
  t0 = performance.now();
  let scanned = 0;
  for await (const _doc of mongo.collection('trades').find({}).sort({ _id: 1 }).batchSize(BATCH)) scanned += 1;
  const scanMs = performance.now() - t0;
  say(`scan: ${scanned.toLocaleString('en')} trades in ${secs(scanMs)} = ${rate(scanned, scanMs).toLocaleString('en')} docs/s`);

  // 2. The workflow end to end: plan, dual-write on, backfill, verify, cutover (approved ahead), archive.
  const operator = await insertUser(db, null, { id: 'bench-operator', email: 'operator@bench.example', passwordHash: 'x' });
  const nativeConnection = await NativeConnection.connect({ address: temporal.address });
  const dataConverter = platformDataConverter(createPayloadCodec(key));
  const worker = await Worker.create({
    connection: nativeConnection, taskQueue, dataConverter, workflowBundle: { codePath: await buildWorkflowBundle() },
    activities: createMigrationActivities({ db, box: createSecretBox(key), mongoUrl }),
  });
  const workerRun = worker.run();
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, dataConverter });
  const commands = createMigrationCommands(db, client, taskQueue);
  t0 = performance.now();
  const run = await commands.start(operator.email, { batchSize: BATCH, autoApprove: true });
  await client.workflow.getHandle(run.workflowId).result();
  const workflowMs = performance.now() - t0;
  const finished = await findMigrationRun(db, run.id);
  const progress = await collectionProgress(db, run.id);
  const trades = progress.find((p) => p.collection === 'trades')!;
  const copyPhaseMs = Date.parse(trades.finishedAt!) - Date.parse(trades.startedAt!);
  say(`workflow: ${finished?.status}; ${sourceDocs.toLocaleString('en')} documents end to end in ${secs(workflowMs)} = ${rate(sourceDocs, workflowMs).toLocaleString('en')} docs/s`);
  say(`  trades backfill alone: ${(trades.copied + trades.quarantined).toLocaleString('en')} in ${secs(copyPhaseMs)} = ${rate(trades.copied + trades.quarantined, copyPhaseMs).toLocaleString('en')} docs/s (${trades.quarantined} quarantined)`);
  worker.shutdown();
  await workerRun;
  await nativeConnection.close();
  await connection.close();

  // 3. The floor on the PostgreSQL side: COPY of the very rows the workflow wrote, into a table of the same shape.
  const raw = new pg.Client({ connectionString: postgres.url });
  await raw.connect();
  await raw.query('create table bench_trades (like bot_trades including defaults)');
  const dump = path.join(runDir, 'trades.copy');
  await pipeline(raw.query(copyTo('copy bot_trades to stdout')), fs.createWriteStream(dump));
  t0 = performance.now();
  await pipeline(fs.createReadStream(dump), raw.query(copyFrom('copy bench_trades from stdin')));
  const copyMs = performance.now() - t0;
  const copied = Number((await raw.query('select count(*) as n from bench_trades')).rows[0].n);
  await raw.end();
  say(`COPY: ${copied.toLocaleString('en')} rows in ${secs(copyMs)} = ${rate(copied, copyMs).toLocaleString('en')} rows/s`);

  const floor = Math.min(rate(scanned, scanMs), rate(copied, copyMs));
  const workflowRate = rate(sourceDocs, workflowMs);
  say(`ratio workflow / min(COPY, scan) = ${workflowRate.toLocaleString('en')} / ${floor.toLocaleString('en')} = ${((100 * workflowRate) / floor).toFixed(0)}% (target ≥ 50%)`);
  const check = await db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from bot_trades`);
  if (check !== trades.copied) throw new Error(`bot_trades holds ${check} rows but the run says ${trades.copied} were copied`);
} finally {
  await mongoClient.close();
  await db.end();
  await stopAll();
  fs.rmSync(runDir, { recursive: true, force: true });
}
// The Temporal runtime keeps native handles open after its worker stopped: end the process once the figures are out.
process.exit(0);
