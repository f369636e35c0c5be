// API server entry: wires real dependencies into the app and listens.
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { oidcSettings, readConfig, secretKeyRing } from '../domain/config.js';
import { openMongoMirror } from '../db/legacy-mirror-setup.js';
import { createDb } from '../db/pool.js';
import { createSecretBox } from '../db/secret-box.js';
import { platformDataConverter } from '../temporal/data-converter.js';
import { createPayloadCodec } from '../temporal/payload-codec.js';
import { createOidc } from './auth/oidc.js';
import { createSessions } from './auth/sessions.js';
import { createApp } from './app.js';
import { createBotCommands } from './bot-commands.js';
import { createBotEvents } from './bot-events.js';
import { createBotTrading } from './bot-trading.js';
import { createBotViews } from './bot-views.js';
import { createExchangeAccountCommands } from './exchange-account-commands.js';
import { createGuardCommands } from './guard-commands.js';
import { createGuardEvents } from './guard-events.js';
import { createPoolEvents } from './pool-events.js';
import { createPortfolioEvents } from './portfolio-events.js';
import { createLog, entryLog } from '../telemetry/log.js';
import { createNotifier } from '../telemetry/notify.js';
import { clientTracing, shutdownTracing, startTracing } from '../telemetry/tracing.js';

const config = readConfig(process.env);
const log = entryLog(createLog('server', config.LOG_LEVEL));
// Before the app and the Temporal client: a request's span is the parent of the workflow calls it makes.
const tracing = await startTracing('tradefleet-server', config);
if (tracing) log({ level: 'info', msg: `traces go to ${tracing.url} as ${tracing.serviceName}` });
const db = await createDb(config.DATABASE_URL);
// Sign-ups happen here: while a migration run has dual-write on, they are mirrored to MONGO_URL.
const mirror = openMongoMirror(config.MONGO_URL);
const pgPool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 5 });
// An idle session connection that PostgreSQL drops (a restart) errors on the pool: without a listener that error would
// end the API process; the pool opens a new connection for the next request.
pgPool.on('error', (error) => log({ level: 'warn', msg: `session database connection lost: ${error.message}` }));
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const payloadCodec = createPayloadCodec(secretKeyRing(config));
const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: platformDataConverter(payloadCodec), ...clientTracing() });
const events = await createBotEvents(config.DATABASE_URL, (msg) => log({ level: 'warn', msg }));
const portfolioEvents = await createPortfolioEvents(config.DATABASE_URL, (msg) => log({ level: 'warn', msg }));
const guardEvents = await createGuardEvents(config.DATABASE_URL, (msg) => log({ level: 'warn', msg }));
const poolEvents = await createPoolEvents(config.DATABASE_URL, (msg) => log({ level: 'warn', msg }));
const secure = config.COOKIE_SECURE === 'auto' ? config.DASHBOARD_URL.startsWith('https:') : config.COOKIE_SECURE === 'true';
const allowedOrigins = new Set([new URL(config.DASHBOARD_URL).origin, ...config.ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean)]);

const oidc = oidcSettings(config);
const oidcFromConfig = oidc ? createOidc(oidc) : null;
if (oidc) log({ level: 'info', msg: `sign-in with ${oidc.name} (${oidc.issuerUrl}) on; callback ${oidc.redirectUri}` });

const app = createApp({
  db,
  dualWrite: mirror.sink,
  sessions: createSessions(pgPool, { secure }),
  temporal,
  commands: createBotCommands(temporal, config.TEMPORAL_TASK_QUEUE, db, config.BOT_POOL_ID),
  events,
  botTrading: createBotTrading({ db, box: createSecretBox(secretKeyRing(config)), botChannel: { socketDir: config.BOT_SOCKET_DIR, fallbackHost: config.BOT_API_HOST } }),
  botViews: createBotViews({ db, box: createSecretBox(secretKeyRing(config)), botChannel: { socketDir: config.BOT_SOCKET_DIR, fallbackHost: config.BOT_API_HOST } }),
  allowedOrigins,
  temporalUiUrl: config.TEMPORAL_UI_URL,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  log,
  exchangeAccounts: createExchangeAccountCommands(temporal, config.TEMPORAL_TASK_QUEUE, createSecretBox(secretKeyRing(config)), db),
  payloadCodec,
  portfolioEvents,
  guardEvents,
  poolEvents,
  limits: config,
  guardCommands: createGuardCommands(temporal, config.TEMPORAL_TASK_QUEUE, db),
  paperExchangeUrl: config.PAPER_EXCHANGE_URL,
  oidc: oidcFromConfig,
  alertWebhookToken: config.ALERTMANAGER_WEBHOOK_TOKEN,
  secretBox: createSecretBox(secretKeyRing(config)),
  notifier: createNotifier({ db, box: createSecretBox(secretKeyRing(config)), telegramApiUrl: config.TELEGRAM_API_URL, warn: (msg) => log({ level: 'warn', msg }) }),
});

const server = app.listen(config.API_PORT, config.API_HOST, () => {
  log({ level: 'info', msg: `API listening on http://${config.API_HOST}:${config.API_PORT}` });
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log({ level: 'info', msg: `${signal}: shutting down` });
    server.closeAllConnections();
    // A failing close is logged and still ends the process (an async callback here would leave its rejection unhandled).
    server.close(() => void closeAll().then(() => process.exit(0), (error: unknown) => {
      log({ level: 'error', msg: `shutdown: ${error instanceof Error ? error.message : String(error)}` });
      process.exit(1);
    }));
  });
}

async function closeAll(): Promise<void> {
  await events.close();
  await portfolioEvents.close();
  await guardEvents.close();
  await poolEvents.close();
  await connection.close();
  await pgPool.end();
  await mirror.close();
  await db.end();
  await shutdownTracing();
}
