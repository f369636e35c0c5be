// Worker entry: connects to Temporal and PostgreSQL, picks the bot runtime driver and runs workflows + activities.
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel } from '@temporalio/worker';
import { createBotActivities } from '../activities/bots.js';
import { readConfig } from '../domain/config.js';
import { publishFact } from '../db/platform-facts.js';
import { createDb } from '../db/pool.js';
import { createSecretBox } from '../db/secret-box.js';
import { buildWorkflowBundle } from './bundle.js';
import { chooseRuntimeDriver } from './runtime-driver.js';

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
await publishFact(db, 'bot_driver', driver.kind);

const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const worker = await Worker.create({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  workflowBundle: { codePath: await buildWorkflowBundle() },
  activities: createBotActivities({
    db,
    box: createSecretBox(config.TF_SECRET_KEY),
    driver,
    botApiHost: config.BOT_API_HOST,
    botListenHost: config.BOT_NETWORK === 'host' || driver.kind === 'process' ? '127.0.0.1' : '0.0.0.0',
  }),
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: shutting down`);
    worker.shutdown();
  });
}
log(`worker ready on task queue ${config.TEMPORAL_TASK_QUEUE} (bot driver: ${driver.kind})`);
await worker.run();
await connection.close();
await db.end();
log('worker stopped');
