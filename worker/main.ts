// Worker entry: connects to Temporal and PostgreSQL, picks the bot runtime driver and runs one worker per task queue:
// - `<TEMPORAL_TASK_QUEUE>`: every workflow but guards, and the bots', accounts' and feeds' activities (slots:
//   WORKER_MAX_ACTIVITIES). Bot workflows are started with their owner as fairness key, so when this queue has a backlog
//   Temporal hands out its tasks user by user: one user's burst does not delay another user's commands.
// - `pools@<queue>`: the pool scaler's PostgreSQL activities, with slots of their own (POOL_WORKER_MAX_ACTIVITIES), so
//   bot work can never take the slots the scaler needs to finish the placements those bots wait for.
// - `guards@<queue>`: guard workflows in a bundle of their own (worker/guard-worker.ts).
// - `docker@<DOCKER_HOST_NAME>`: the pool containers of this worker's Docker engine (worker/docker-host.ts).
// Placement itself holds no slot anywhere: bots and the scaler talk by signals (workflows/bot-runtime.ts).
import { Client } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { readConfig, secretKeyRing } from '../domain/config.js';
import { dockerQueue, guardTaskQueue, poolTaskQueue } from '../domain/workflow-ids.js';
import { botDriverFact, publishFact } from '../db/platform-facts.js';
import { openMongoMirror } from '../db/legacy-mirror-setup.js';
import { createDb } from '../db/pool.js';
import { platformDataConverter } from '../temporal/data-converter.js';
import { createPayloadCodec } from '../temporal/payload-codec.js';
import { createActivities } from './activities.js';
import { buildWorkflowBundle } from './bundle.js';
import { closeBotGateways, createDockerHostWorker, ensurePool } from './docker-host.js';
import { createGuardWorker } from './guard-worker.js';
import { createPoolWorker } from './pool-worker.js';
import { chooseDocker, chooseRuntimeDriver, closeBotChannels } from './runtime-driver.js';
import { ensureStandingWork } from './standing-work.js';
import { createLog, temporalLogger } from '../telemetry/log.js';
import { serveWorkerMetrics } from '../telemetry/worker-metrics.js';
import { clientTracing, shutdownTracing, startTracing, workerTracing } from '../telemetry/tracing.js';

const config = readConfig(process.env);
const logger = createLog('worker', config.LOG_LEVEL);
const log = (msg: string) => logger.info(msg);
// Before anything that makes Docker clients, Temporal clients or workers: they take their tracing from it.
const tracing = await startTracing('tradefleet-worker', config);
if (tracing) log(`traces go to ${tracing.url} as ${tracing.serviceName}`);
Runtime.install({
  // Workflow and activity lines carry workflowId (and the SDK's other fields) through pino.
  logger: temporalLogger(logger, config.LOG_LEVEL),
  telemetryOptions: config.WORKER_METRICS_ADDRESS
    ? { metrics: { prometheus: { bindAddress: config.WORKER_METRICS_ADDRESS }, metricPrefix: 'tradefleet_worker_' } }
    : undefined,
});
serveWorkerMetrics(config.WORKER_APP_METRICS_ADDRESS, (msg) => logger.warn(msg));
const db = await createDb(config.DATABASE_URL);
const driver = await chooseRuntimeDriver(config, log);
const docker = await chooseDocker();
await publishFact(db, botDriverFact(config.TEMPORAL_TASK_QUEUE), driver.kind);

// Bot and exchange-account writes happen here: while a migration run has dual-write on, they are mirrored to MONGO_URL.
const mirror = openMongoMirror(config.MONGO_URL);
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const dataConverter = platformDataConverter(createPayloadCodec(secretKeyRing(config)));
// Activities that manage schedules need a client; it encrypts what it sends just like the worker does.
const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter, ...clientTracing() });
const activities = config.WORKER_ROLE === 'all'
  ? createActivities({
      config,
      db,
      dualWrite: mirror.sink,
      temporal,
      driver,
      docker,
      // Only local-process bots listen on TCP (containers listen on their sockets in /run/tf).
      botListenHost: '127.0.0.1',
    })
  : null;
const maxCachedWorkflows = config.WORKER_MAX_CACHED_WORKFLOWS;
const mainWorker = activities
  ? await Worker.create({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowBundle: { codePath: await buildWorkflowBundle() },
      dataConverter,
      ...(maxCachedWorkflows ? { maxCachedWorkflows } : {}),
      ...(config.WORKER_MAX_ACTIVITIES ? { maxConcurrentActivityTaskExecutions: config.WORKER_MAX_ACTIVITIES } : {}),
      activities,
      ...workerTracing(),
    })
  : null;
const poolWorker = activities
  ? await createPoolWorker({
      connection, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE, dataConverter, activities, maxActivities: config.POOL_WORKER_MAX_ACTIVITIES,
    })
  : null;
const guardWorker = activities
  ? await createGuardWorker({ connection, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE, dataConverter, activities, maxCachedWorkflows })
  : null;
// Pool containers on this worker's Docker engine; an extra Docker host runs only this worker.
if (config.WORKER_ROLE === 'docker-host' && !docker) throw new Error('WORKER_ROLE=docker-host but no Docker engine answers (DOCKER_HOST)');
const hostWorker = docker ? await createDockerHostWorker({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter, config, db, docker }) : null;
const workers = [mainWorker, poolWorker, guardWorker, hostWorker].filter((w): w is Worker => w !== null);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: shutting down`);
    for (const w of workers) w.shutdown();
  });
}
// The market feeds and the trade-sync / portfolio-snapshots / fleet-reconcile schedules: idempotent, every worker ensures them.
if (mainWorker) await ensureStandingWork(temporal, config.TEMPORAL_TASK_QUEUE, log, hostWorker ? { poolId: config.BOT_POOL_ID } : {});
if (mainWorker && hostWorker && driver.kind === 'docker') await ensurePool(temporal, config);
const queues = [
  mainWorker ? config.TEMPORAL_TASK_QUEUE : null,
  poolWorker ? poolTaskQueue(config.TEMPORAL_TASK_QUEUE) : null,
  guardWorker ? guardTaskQueue(config.TEMPORAL_TASK_QUEUE) : null,
  hostWorker ? dockerQueue(config.DOCKER_HOST_NAME) : null,
].filter(Boolean);
log(`worker ready on task queues ${queues.join(', ')} (bot driver: ${driver.kind})`);
await Promise.all(workers.map((w) => w.run()));
// The egress proxies and the gateway's ports: open, they would keep this process alive after its workers stopped.
await closeBotChannels();
await closeBotGateways();
await connection.close();
await mirror.close();
await db.end();
await shutdownTracing();
log('worker stopped');
