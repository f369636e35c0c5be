// Worker entry: connects to Temporal and PostgreSQL, picks the bot runtime driver and runs workflows + activities.
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel } from '@temporalio/worker';
import { createBotActivities } from '../activities/bots.js';
import { createExchangeAccountActivities } from '../activities/exchange-accounts.js';
import { createWalletSyncScheduleActivities } from '../activities/wallet-sync-schedules.js';
import { createMarketFeedActivities } from '../activities/market-feed.js';
import { createPortfolioActivities } from '../activities/portfolio.js';
import { createTradeSyncActivities } from '../activities/trade-sync.js';
import { createMigrationActivities } from '../activities/migration.js';
import { installMongoMirror } from '../db/legacy-mirror-setup.js';
import { exchangeProfile } from '../domain/exchanges.js';
import { readConfig } from '../domain/config.js';
import { botDriverFact, publishFact } from '../db/platform-facts.js';
import { createDb } from '../db/pool.js';
import { createSecretBox } from '../db/secret-box.js';
import { platformDataConverter } from '../temporal/data-converter.js';
import { createPayloadCodec } from '../temporal/payload-codec.js';
import { buildWorkflowBundle } from './bundle.js';
import { chooseRuntimeDriver } from './runtime-driver.js';
import { ensureStandingWork } from './standing-work.js';

const log = (msg: string) => console.log(JSON.stringify({ time: new Date().toISOString(), level: 'info', proc: 'worker', msg }));

const config = readConfig(process.env);
const sdkLevel: LogLevel = config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? 'DEBUG' : config.LOG_LEVEL === 'info' ? 'INFO' : 'WARN';
Runtime.install({
  logger: new DefaultLogger(sdkLevel),
  telemetryOptions: config.WORKER_METRICS_ADDRESS
    ? { metrics: { prometheus: { bindAddress: config.WORKER_METRICS_ADDRESS }, metricPrefix: 'tradefleet_worker_' } }
    : undefined,
});
const db = await createDb(config.DATABASE_URL);
const driver = await chooseRuntimeDriver(config, log);
await publishFact(db, botDriverFact(config.TEMPORAL_TASK_QUEUE), driver.kind);

// Bot and exchange-account writes happen here: while a migration run has dual-write on, they are mirrored to MONGO_URL.
const closeMirror = installMongoMirror(config.MONGO_URL);
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const dataConverter = platformDataConverter(createPayloadCodec(config.TF_SECRET_KEY));
// Activities that manage schedules need a client; it encrypts what it sends just like the worker does.
const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
const worker = await Worker.create({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  workflowBundle: { codePath: await buildWorkflowBundle() },
  dataConverter,
  activities: {
    ...createBotActivities({
      db,
      box: createSecretBox(config.TF_SECRET_KEY),
      driver,
      botApiHost: config.BOT_API_HOST,
      botListenHost: config.BOT_NETWORK === 'host' || driver.kind === 'process' ? '127.0.0.1' : '0.0.0.0',
      paperExchangeUrl: config.PAPER_EXCHANGE_URL,
    }),
    ...createExchangeAccountActivities({ db, box: createSecretBox(config.TF_SECRET_KEY), paperExchangeUrl: config.PAPER_EXCHANGE_URL }),
    ...createWalletSyncScheduleActivities(temporal, config.TEMPORAL_TASK_QUEUE),
    ...createMarketFeedActivities({ db, profileFor: (id) => exchangeProfile(id, config.PAPER_EXCHANGE_URL) }),
    ...createTradeSyncActivities({ db, box: createSecretBox(config.TF_SECRET_KEY), botApiHost: config.BOT_API_HOST }),
    ...createPortfolioActivities({ db }),
    ...createMigrationActivities({ db, box: createSecretBox(config.TF_SECRET_KEY), mongoUrl: config.MONGO_URL }),
  },
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: shutting down`);
    worker.shutdown();
  });
}
// The market feeds and the trade-sync / portfolio-snapshots schedules: idempotent, every worker ensures them.
await ensureStandingWork(temporal, config.TEMPORAL_TASK_QUEUE, log);
log(`worker ready on task queue ${config.TEMPORAL_TASK_QUEUE} (bot driver: ${driver.kind})`);
await worker.run();
await connection.close();
await closeMirror();
await db.end();
log('worker stopped');
