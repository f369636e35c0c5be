// `npm start`: the whole platform on the embedded defaults (PostgreSQL, Temporal, worker, server, web) until Ctrl-C.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { pingDocker } from './services/docker.js';
import { dataDir, pinnedBotImageEnv, repoRoot, sinceSeconds } from './services/paths.js';
import { assertPortsFree, httpAnswers, PortInUseError, waitFor } from './services/ports.js';
import { secretKeysFromEnvOrFile } from './services/embedded-secrets.js';
import { startPostgres } from './services/postgres.js';
import { APP_ROLE } from './services/postgres-roles.js';
import { startPaperExchangeProcess } from './services/paper-exchange.js';
import { liveProcesses, spawnManaged, stopAll, type ManagedProcess } from './services/processes.js';
import { startTemporal, temporalReady } from './services/temporal.js';
import { startObservability } from './services/prometheus.js';
import { randomBytes } from 'node:crypto';

const T0 = performance.now();
const env = process.env;
const log = (line: string) => console.log(`[start] ${line}`);

const port = (name: string, fallback: number): number => {
  const value = Number(env[name] ?? fallback);
  if (Number.isInteger(value) && value >= 1 && value <= 65535) return value;
  console.error(`[start] ${name}=${env[name]} is not a TCP port: set it to a number from 1 to 65535`);
  process.exit(1);
};
const ports = {
  api: port('API_PORT', 3001),
  web: port('WEB_PORT', 3000),
  postgres: port('TF_PG_PORT', 54329),
  temporal: port('TF_TEMPORAL_PORT', 7233),
  temporalUi: port('TF_TEMPORAL_UI_PORT', 8233),
  exchange: port('PAPER_EXCHANGE_PORT', 8090),
  prometheus: port('TF_PROMETHEUS_PORT', 9090),
  alertmanager: port('TF_ALERTMANAGER_PORT', 9093),
};
/** Opt-in: Prometheus with the platform's alert rules and Alertmanager, from the Debian packages. */
const withPrometheus = env.TF_PROMETHEUS === '1';
const embeddedPostgres = !env.DATABASE_URL;
const embeddedTemporal = !env.TEMPORAL_ADDRESS;
const namespace = env.TEMPORAL_NAMESPACE ?? 'default';
const apiUrl = `http://127.0.0.1:${ports.api}`;
const dashboardUrl = env.DASHBOARD_URL ?? `http://127.0.0.1:${ports.web}`;

const STOP_ORDER = ['prometheus', 'alertmanager', 'web', 'server', 'worker', 'exchange', 'temporal', 'postgres'];
let stopping = false;
async function shutdown(code: number, reason: string): Promise<void> {
  if (stopping) return; // npm forwards the Ctrl-C the terminal already sent us: one shutdown is enough
  stopping = true;
  if (liveProcesses().length > 0) {
    const t = performance.now();
    const names = liveProcesses().map((p) => p.name);
    log(`${reason}: stopping ${STOP_ORDER.filter((n) => names.includes(n)).join(', ')}`);
    await stopAll(log, STOP_ORDER);
    log(`all stopped in ${sinceSeconds(t)}`);
  }
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0, `received ${signal}`));

/** A child that exits while we are not stopping takes the platform down with it, loudly. */
function watch(child: ManagedProcess): ManagedProcess {
  void child.exited.then((info) => {
    if (stopping || child.stopping) return;
    const how = info.signal ? `signal ${info.signal}` : `exit code ${info.code}`;
    void shutdown(1, `${child.name} exited unexpectedly (${how})`);
  });
  return child;
}

async function step<T>(name: string, fn: () => Promise<T>, done: (r: T) => string): Promise<T> {
  const t = performance.now();
  log(`${name}...`);
  const result = await fn();
  if (!stopping) log(`${name}: ${done(result)} (${sinceSeconds(t)})`);
  return result;
}

/** Explains a busy PostgreSQL port left by an earlier run that was killed before it could stop its database. */
function stalePostgresHint(): string {
  const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return '';
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
    return `\nPostgreSQL from an earlier run is still running (pid ${pid}): stop it with \`kill -INT ${pid}\``;
  } catch {
    return '';
  }
}

async function main(): Promise<void> {
  const busy = [
    ...(embeddedPostgres ? [{ port: ports.postgres, what: 'embedded PostgreSQL', envVar: 'TF_PG_PORT (or DATABASE_URL)' }] : []),
    ...(embeddedTemporal
      ? [
          { port: ports.temporal, what: 'Temporal dev server', envVar: 'TF_TEMPORAL_PORT (or TEMPORAL_ADDRESS)' },
          { port: ports.temporalUi, what: 'Temporal Web UI', envVar: 'TF_TEMPORAL_UI_PORT' },
        ]
      : []),
    { port: ports.api, what: 'API server', envVar: 'API_PORT' },
    { port: ports.web, what: 'dashboard', envVar: 'WEB_PORT' },
    { port: ports.exchange, what: 'paper exchange', envVar: 'PAPER_EXCHANGE_PORT' },
    ...(withPrometheus
      ? [
          { port: ports.prometheus, what: 'Prometheus', envVar: 'TF_PROMETHEUS_PORT' },
          { port: ports.alertmanager, what: 'Alertmanager', envVar: 'TF_ALERTMANAGER_PORT' },
        ]
      : []),
  ];
  try {
    await assertPortsFree(busy);
  } catch (error) {
    if (error instanceof PortInUseError) throw new PortInUseError(error.message + stalePostgresHint());
    throw error;
  }
  const keys = secretKeysFromEnvOrFile(env);
  fs.mkdirSync(dataDir, { recursive: true });

  // PostgreSQL and Temporal do not depend on each other: start them side by side.
  const [database, temporalAddress] = await Promise.all([
    embeddedPostgres
      ? step(
          'PostgreSQL',
          async () => {
            const pg = await startPostgres({ dataDir: path.join(dataDir, 'postgres'), port: ports.postgres, logFile: path.join(dataDir, 'postgres.log') }, log);
            watch(pg.process);
            return { url: pg.url, ownerUrl: pg.ownerUrl };
          },
          () => `ready on 127.0.0.1:${ports.postgres} as role ${APP_ROLE} (passwords: .data/postgres-*.password, log: .data/postgres.log)`,
        )
      : { url: env.DATABASE_URL!, ownerUrl: env.DATABASE_OWNER_URL },
    embeddedTemporal
      ? step(
          'Temporal',
          async () => {
            const t = await startTemporal({
              dbFile: path.join(dataDir, 'temporal.db'),
              port: ports.temporal,
              uiPort: ports.temporalUi,
              namespace,
              // The API's codec server, so operators can read encrypted payloads in the UI (set it empty to turn it off).
              codecEndpoint: env.TEMPORAL_CODEC_ENDPOINT ?? `${apiUrl}/api/codec`,
              logFile: path.join(dataDir, 'temporal.log'),
            });
            watch(t.process);
            return t.address;
          },
          (a) => `ready on ${a}, Web UI on :${ports.temporalUi} (log: .data/temporal.log)`,
        )
      : step(
          'Temporal',
          async () => {
            await waitFor(`Temporal at ${env.TEMPORAL_ADDRESS}`, () => temporalReady(env.TEMPORAL_ADDRESS!, namespace), { timeoutMs: 30_000 });
            return env.TEMPORAL_ADDRESS!;
          },
          (a) => `answers on ${a}`,
        ),
  ]);
  const temporalUiUrl = embeddedTemporal ? `http://127.0.0.1:${ports.temporalUi}` : (env.TEMPORAL_UI_URL ?? '(external)');

  const migrateFile = path.join(repoRoot, 'db', 'migrate.ts');
  if (fs.existsSync(migrateFile)) {
    await step(
      'migrations',
      async () => {
        const mod = (await import(pathToFileURL(migrateFile).href)) as typeof import('../db/migrate.js');
        return mod.migratePlatform(database, log);
      },
      (applied) => (applied.length ? `applied ${applied.join(', ')}` : 'schema up to date'),
    );
  } else {
    log('migrations: skipped (db/migrate.ts does not exist yet)');
  }

  const docker = await pingDocker();
  log(docker ? 'bots: Docker answers, bots run in containers' : 'bots: Docker is not reachable, bots run as local processes');

  const exchange = await step(
    'paper exchange',
    async () => {
      const started = await startPaperExchangeProcess(ports.exchange, env);
      watch(started.process);
      return started;
    },
    (e) => `ready on ${e.url}`,
  );

  // The owner's URL stays here: no child needs more than the application role.
  const { DATABASE_OWNER_URL: _owner, ...inherited } = env;
  const childEnv: NodeJS.ProcessEnv = {
    ...inherited,
    ...pinnedBotImageEnv(env),
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_UI_URL: embeddedTemporal ? temporalUiUrl : env.TEMPORAL_UI_URL,
    ...keys,
    API_PORT: String(ports.api),
    WEB_PORT: String(ports.web),
    DASHBOARD_URL: dashboardUrl,
    TF_DATA_DIR: env.TF_DATA_DIR ?? dataDir,
    PAPER_EXCHANGE_URL: exchange.url,
    // Alertmanager authenticates to the API's webhook with this token: made once per data dir.
    ...(withPrometheus ? { ALERTMANAGER_WEBHOOK_TOKEN: env.ALERTMANAGER_WEBHOOK_TOKEN ?? webhookToken() } : {}),
  };
  // TF_COMPILED=1: the compiled JavaScript of `npm run build` (dist/app), as the images run it; else TypeScript via tsx.
  const compiled = env.TF_COMPILED === '1';
  const node = (name: string) => (compiled ? { entry: `dist/app/${name}/main.js`, args: [`dist/app/${name}/main.js`] } : { entry: `${name}/main.ts`, args: ['--import', 'tsx', `${name}/main.ts`] });
  const apps = [
    { name: 'worker', ...node('worker'), extra: {}, withhold: [] as string[] },
    { name: 'server', ...node('server'), extra: {}, withhold: [] as string[] },
    {
      name: 'web',
      entry: 'web/build/index.js',
      args: ['web/build/index.js'],
      extra: { PORT: String(ports.web), HOST: '127.0.0.1', ORIGIN: dashboardUrl, API_URL: apiUrl, NODE_ENV: 'production' },
      // The dashboard only talks to the API: it gets neither the database nor the key that opens sealed secrets.
      withhold: ['DATABASE_URL', 'TF_SECRET_KEY', 'TF_SECRET_KEY_RING', 'MONGO_URL', 'ALERTMANAGER_WEBHOOK_TOKEN'],
    },
  ];
  const started = new Map<string, ManagedProcess>();
  for (const app of apps) {
    if (stopping) return;
    if (!fs.existsSync(path.join(repoRoot, app.entry))) {
      log(`${app.name}: skipped (${app.entry} does not exist yet)`);
      continue;
    }
    const appEnv: NodeJS.ProcessEnv = { ...childEnv, ...app.extra };
    for (const name of app.withhold ?? []) delete appEnv[name];
    const child = spawnManaged(app.name, process.execPath, app.args, { cwd: repoRoot, env: appEnv, stopTimeoutMs: 10_000 });
    started.set(app.name, watch(child));
    log(`${app.name}: started (pid ${child.pid})`);
  }

  const waits: Promise<void>[] = [];
  const server = started.get('server');
  if (server) waits.push(waitFor(`API ${apiUrl}/api/health`, () => httpAnswers(`${apiUrl}/api/health`, 300), { timeoutMs: 60_000, alive: () => server.running }));
  const web = started.get('web');
  const webUrl = `http://127.0.0.1:${ports.web}`;
  if (web) waits.push(waitFor(`dashboard ${webUrl}`, () => httpAnswers(webUrl), { timeoutMs: 60_000, alive: () => web.running }));
  await step('health', () => Promise.all(waits), () => 'answering');
  if (stopping) return;
  if (withPrometheus) {
    await step(
      'Prometheus and Alertmanager',
      async () => {
        const started = await startObservability(path.join(dataDir, 'prometheus'), {
          apiPort: ports.api, prometheusPort: ports.prometheus, alertmanagerPort: ports.alertmanager,
          workerSdk: env.WORKER_METRICS_ADDRESS ?? '127.0.0.1:9464', workerApp: env.WORKER_APP_METRICS_ADDRESS ?? '127.0.0.1:9465',
          webhookToken: childEnv.ALERTMANAGER_WEBHOOK_TOKEN!,
          // For tests: rules with short `for`s, and a fast scrape.
          rulesFile: env.TF_PROMETHEUS_RULES || undefined, interval: env.TF_PROMETHEUS_INTERVAL || undefined,
        });
        watch(started.prometheus);
        watch(started.alertmanager);
      },
      () => `ready on :${ports.prometheus} and :${ports.alertmanager} (logs: .data/prometheus/)`,
    );
    if (stopping) return;
  }

  console.log(
    [
      '',
      `tradefleet is ready in ${sinceSeconds(T0)}`,
      `  Dashboard    ${dashboardUrl}${web ? '' : '  (web not started)'}`,
      `  API          ${apiUrl}/api${server ? '' : '  (server not started)'}`,
      `  Temporal UI  ${temporalUiUrl}`,
      ...(withPrometheus
        ? [`  Prometheus   http://127.0.0.1:${ports.prometheus}  (alert rules: ops/prometheus/alerts.yml)`, `  Alertmanager http://127.0.0.1:${ports.alertmanager}`]
        : ['  Metrics      TF_PROMETHEUS=1 npm start also runs Prometheus and Alertmanager']),
      `  Paper exch.  ${exchange.url}  demo account: API key ${exchange.identity.demo.apiKey}, secret in .data/paper-exchange.json`,
      `  PostgreSQL   ${database.url.replace(/:[^:@/]+@/, ':***@')}`,
      '  Press Ctrl-C to stop everything.',
      '',
    ].join('\n'),
  );
}

/** The Alertmanager → API webhook token of this data dir, made on first use. */
function webhookToken(): string {
  const file = path.join(dataDir, 'alertmanager-webhook.token');
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(24).toString('hex'), { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

main().catch((error: unknown) => {
  if (stopping) return; // a failure caused by our own shutdown
  const message = error instanceof Error ? error.message : String(error);
  console.error(`[start] ${message}`);
  void shutdown(1, 'start failed');
});
