// Test harness: the real API app and an in-process worker wired to the test PostgreSQL, Temporal and Docker.
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import pg from 'pg';
import request from 'supertest';
import { botClient, type FreqtradeClient, type FreqtradeCredentials } from '../activities/freqtrade-client.js';
import type { BotRoute } from '../domain/bot-channel.js';
import { oidcSettings, readConfig, secretKeyRing, type PlatformConfig } from '../domain/config.js';
import type { DualWriteSink } from '../db/legacy-mirror.js';
import { botDriverFact, publishFact } from '../db/platform-facts.js';
import { createDb, type Db } from '../db/pool.js';
import { botCredentialsPlace, createSecretBox } from '../db/secret-box.js';
import { startPaperExchange } from '../exchange/server.js';
import { createApp } from '../server/app.js';
import { createOidc } from '../server/auth/oidc.js';
import { createSessions } from '../server/auth/sessions.js';
import { createBotCommands } from '../server/bot-commands.js';
import { createBotEvents } from '../server/bot-events.js';
import { createBotTrading } from '../server/bot-trading.js';
import { createBotViews } from '../server/bot-views.js';
import { createExchangeAccountCommands } from '../server/exchange-account-commands.js';
import { createGuardCommands } from '../server/guard-commands.js';
import { createGuardEvents } from '../server/guard-events.js';
import { createPoolEvents } from '../server/pool-events.js';
import { createPortfolioEvents } from '../server/portfolio-events.js';
import { platformDataConverter } from '../temporal/data-converter.js';
import { createPayloadCodec } from '../temporal/payload-codec.js';
import { createActivities } from '../worker/activities.js';
import { createNotifier } from '../telemetry/notify.js';
import { unwatchBotHosts } from '../telemetry/bot-host-metrics.js';
import { clientTracing, workerTracing } from '../telemetry/tracing.js';
import { buildWorkflowBundle } from '../worker/bundle.js';
import { closeBotGateways, createDockerHostWorker } from '../worker/docker-host.js';
import { createGuardWorker } from '../worker/guard-worker.js';
import { createPoolWorker } from '../worker/pool-worker.js';
import { botChannelsFor, chooseDocker, chooseRuntimeDriver } from '../worker/runtime-driver.js';

export const ORIGIN = 'http://127.0.0.1:3000';

let runtimeInstalled = false;
function quietTemporalRuntime(metricsAddress?: string): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    ...(metricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress }, metricPrefix: 'tradefleet_worker_' } } } : {}),
  });
}

export interface TestPlatform {
  config: PlatformConfig;
  app: ReturnType<typeof createApp>;
  db: Db;
  temporal: Client;
  /** Stops the in-process worker (if any). */
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  worker?: boolean;
  env?: Record<string, string>;
  origins?: string[];
  /** Where the in-process API and worker mirror their writes while a migration run has dual-write on; none by default. */
  dualWrite?: DualWriteSink | null;
  /** Receives the API's log entries (tests that check what is logged); dropped by default. */
  log?: (entry: Record<string, unknown>) => void;
  /** Where the in-process worker's Temporal SDK serves Prometheus metrics (the first platform of a test file decides). */
  temporalMetricsAddress?: string;
  /** false: the API without request metrics or /metrics (benchmarks' baseline). */
  metrics?: boolean;
  /** The API's request spans and its Temporal client's; by default on when this process traces (telemetry/tracing.ts). */
  tracing?: boolean;
}

/** A random address in 127.0.0.0/8 (every one of them is this machine's loopback), never 127.0.0.1 or 127.0.0.2. */
export function loopbackAddress(): string {
  const [a, b, c] = randomBytes(3);
  return `127.${(a! % 254) + 1}.${b}.${(c! % 254) + 1}`;
}

export async function startPlatform(options: PlatformOptions = {}): Promise<TestPlatform> {
  // Each platform has its own task queue, pool and Docker host name, so tests running at once never share placement.
  // Bots are dedicated unless a test asks for pools (BOT_PLACEMENT=pool, or placement in the bot's spec).
  const unique = randomUUID().slice(0, 8);
  // A platform without an exchange of the test's own gets a paper exchange of its own: no file shares prices, accounts
  // or the per-IP request weight with another.
  const exchange = options.env?.['PAPER_EXCHANGE_URL'] ? null : await startPaperExchange({ port: 0, seed: `platform-${unique}` });
  const config = readConfig({
    ...process.env, TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`, BOT_POOL_ID: `t-${unique}`, DOCKER_HOST_NAME: `h-${unique}`,
    BOT_PLACEMENT: 'dedicated', BOT_SOCKET_DIR: `/tmp/tf-${unique}`, ...(exchange ? { PAPER_EXCHANGE_URL: exchange.url } : {}),
    // Its Docker host's gateway on a loopback address of its own: other runs on this machine open the same bot ports.
    BOT_API_ADDRESS: loopbackAddress(),
    // Every test signs its users up from 127.0.0.1 into one shared database: only tests of that limit set it.
    MAX_SIGNUPS_PER_ADDRESS_PER_HOUR: '1000000', ...options.env,
  });
  const db = await createDb(config.DATABASE_URL);
  const pgPool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 3 });
  pgPool.on('error', () => {}); // as server/main.ts: a dropped idle connection is replaced, not fatal
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const payloadCodec = createPayloadCodec(secretKeyRing(config));
  const dataConverter = platformDataConverter(payloadCodec);
  // Traced when the test started tracing in this process (test/traces.test.ts), as server/main.ts does.
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter, ...(options.tracing === false ? {} : clientTracing()) });
  const events = await createBotEvents(config.DATABASE_URL, () => {});
  const portfolioEvents = await createPortfolioEvents(config.DATABASE_URL, () => {});
  const guardEvents = await createGuardEvents(config.DATABASE_URL, () => {});
  const poolEvents = await createPoolEvents(config.DATABASE_URL, () => {});
  const dualWrite = options.dualWrite ?? null;
  const oidc = oidcSettings(config);
  const app = createApp({
    db,
    dualWrite,
    sessions: createSessions(pgPool, { secure: false }),
    temporal,
    commands: createBotCommands(temporal, config.TEMPORAL_TASK_QUEUE, db, config.BOT_POOL_ID),
    events,
    botTrading: createBotTrading({ db, box: createSecretBox(secretKeyRing(config)), botChannel: { socketDir: config.BOT_SOCKET_DIR, fallbackHost: '127.0.0.1' } }),
    botViews: createBotViews({ db, box: createSecretBox(secretKeyRing(config)), botChannel: { socketDir: config.BOT_SOCKET_DIR, fallbackHost: '127.0.0.1' } }),
    allowedOrigins: new Set([ORIGIN, ...(options.origins ?? [])]),
    temporalUiUrl: config.TEMPORAL_UI_URL,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    log: options.log ?? (() => {}),
    exchangeAccounts: createExchangeAccountCommands(temporal, config.TEMPORAL_TASK_QUEUE, createSecretBox(secretKeyRing(config)), db),
    payloadCodec,
    portfolioEvents,
    guardEvents,
    poolEvents,
    limits: config,
    guardCommands: createGuardCommands(temporal, config.TEMPORAL_TASK_QUEUE, db),
    paperExchangeUrl: config.PAPER_EXCHANGE_URL,
    oidc: oidc ? createOidc(oidc) : null,
    alertWebhookToken: config.ALERTMANAGER_WEBHOOK_TOKEN,
    ...(options.metrics === false ? { metrics: false } : {}),
    ...(options.tracing !== undefined ? { tracing: options.tracing } : {}),
    secretBox: createSecretBox(secretKeyRing(config)),
    notifier: createNotifier({ db, box: createSecretBox(secretKeyRing(config)), telegramApiUrl: config.TELEGRAM_API_URL }),
  });

  let workerRun: Promise<unknown> | null = null;
  let worker: Worker | null = null;
  let guardWorker: Worker | null = null;
  let poolWorker: Worker | null = null;
  let hostWorker: Worker | null = null;
  let nativeConnection: NativeConnection | null = null;
  if (options.worker !== false) {
    quietTemporalRuntime(options.temporalMetricsAddress);
    const driver = await chooseRuntimeDriver(config, () => {});
    const docker = await chooseDocker();
    await publishFact(db, botDriverFact(config.TEMPORAL_TASK_QUEUE), driver.kind);
    nativeConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
    const activities = createActivities({ config: { ...config, BOT_API_HOST: '127.0.0.1' }, db, dualWrite, temporal, driver, docker, botListenHost: '127.0.0.1' });
    worker = await Worker.create({
      connection: nativeConnection,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowBundle: { codePath: await buildWorkflowBundle() },
      dataConverter,
      ...(config.WORKER_MAX_ACTIVITIES ? { maxConcurrentActivityTaskExecutions: config.WORKER_MAX_ACTIVITIES } : {}),
      activities,
      ...workerTracing(),
    });
    poolWorker = await createPoolWorker({
      connection: nativeConnection, taskQueue: config.TEMPORAL_TASK_QUEUE, dataConverter, activities, maxActivities: config.POOL_WORKER_MAX_ACTIVITIES,
    });
    guardWorker = await createGuardWorker({ connection: nativeConnection, taskQueue: config.TEMPORAL_TASK_QUEUE, dataConverter, activities });
    if (docker) {
      hostWorker = await createDockerHostWorker({ connection: nativeConnection, namespace: config.TEMPORAL_NAMESPACE, dataConverter, config, db, docker });
    }
    workerRun = Promise.all([worker, poolWorker, guardWorker, hostWorker].filter((w): w is Worker => w !== null).map((w) => w.run()));
  }
  const stopWorker = async () => {
    for (const w of [worker, poolWorker, guardWorker, hostWorker]) if (w && w.getState() === 'RUNNING') w.shutdown();
    await workerRun;
    // Idempotent: a test may stop the worker before it stops the platform.
    const closing = nativeConnection;
    nativeConnection = null;
    await closing?.close();
    worker = null;
    guardWorker = null;
    poolWorker = null;
    hostWorker = null;
  };
  return {
    config,
    app,
    db,
    temporal,
    stopWorker,
    async stop() {
      await stopWorker();
      await events.close();
      await portfolioEvents.close();
      await guardEvents.close();
      await poolEvents.close();
      await connection.close();
      await pgPool.end();
      await db.end();
      await exchange?.close();
      // The platform's egress proxies, and its bots' socket directories (their containers are gone with the bots).
      await botChannelsFor(config).close();
      await closeBotGateways(config);
      unwatchBotHosts(config.DOCKER_HOST_NAME);
      await fs.rm(config.BOT_SOCKET_DIR, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

/** The platform's client of a bot (its row as read from the database), over the bot's own channel. */
export function botClientOf(platform: TestPlatform, row: BotRoute & { apiCredentials: string }): FreqtradeClient {
  const credentials = JSON.parse(createSecretBox(secretKeyRing(platform.config)).open(row.apiCredentials, botCredentialsPlace(row.id))) as FreqtradeCredentials;
  return botClient(row, { socketDir: platform.config.BOT_SOCKET_DIR, fallbackHost: '127.0.0.1' }, credentials);
}

/** A signed-up user's agent: keeps the session cookie and sends the dashboard's Origin on every request. */
/** A signed-up user's agent; `fromAddress` signs up as that client address (the API trusts the loopback proxy's X-Forwarded-For). */
export async function signedUpAgent(app: TestPlatform['app'], fromAddress?: string) {
  const agent = request.agent(app);
  const email = `user-${randomUUID()}@example.com`;
  const signup = agent.post('/api/auth/signup').set('Origin', ORIGIN);
  if (fromAddress) signup.set('X-Forwarded-For', fromAddress);
  const res = await signup.send({ email, password: 'correct horse battery' });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie = String(res.headers['set-cookie']?.[0]).split(';')[0]!;
  return { agent, email, cookie, userId: res.body.user.id as string };
}

/** Reads the app's SSE stream of bot events over a real socket until `until` holds for the statuses seen. */
export async function watchBotStatuses(app: TestPlatform['app'], cookie: string, until: (statuses: string[]) => boolean, timeoutMs = 60_000) {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const statuses: string[] = [];
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/bots/events`, { headers: { cookie }, signal: abort.signal });
    if (res.headers.get('content-type')?.startsWith('text/event-stream') !== true) throw new Error(`not an event stream: ${res.status}`);
    let buf = '';
    for await (const chunk of res.body!) {
      buf += Buffer.from(chunk).toString();
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const data = /^event: bot\ndata: (.*)$/m.exec(frame.replace(/^id: .*\n/, ''));
        if (data) statuses.push(JSON.parse(data[1]!).status);
      }
      if (until(statuses)) break;
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
    throw new Error(`SSE saw only [${statuses.join(', ')}] within ${timeoutMs} ms`);
  } finally {
    clearTimeout(timer);
    abort.abort();
    server.closeAllConnections();
    server.close();
  }
  return statuses;
}

/**
 * A `waitFor` check polled once a second instead of every 100 ms: FreqTrade's API is Python, and several bots polled ten
 * times a second only load the machine. A check that throws still waits its second; waitFor keeps the error for its
 * timeout message.
 */
export const everySecond = <T>(check: () => Promise<T | null | undefined | false>) => async (): Promise<T | null | undefined | false> => {
  try {
    const value = await check();
    if (!value) await new Promise((r) => setTimeout(r, 1000));
    return value;
  } catch (error) {
    await new Promise((r) => setTimeout(r, 1000));
    throw error;
  }
};

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
