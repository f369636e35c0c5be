// Builds the express app from its dependencies; tests drive it with supertest against real services.
import express from 'express';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { DualWriteSink } from '../db/legacy-mirror.js';
import type { Db } from '../db/pool.js';
import type { Limits } from '../domain/config.js';
import { loadApiToken } from './auth/api-tokens.js';
import { checkOrigin, loadSession, requireUser } from './auth/middleware.js';
import type { Oidc } from './auth/oidc.js';
import type { Sessions } from './auth/sessions.js';
import type { BotCommands } from './bot-commands.js';
import type { BotEvents } from './bot-events.js';
import type { BotTrading } from './bot-trading.js';
import type { BotViews } from './bot-views.js';
import { errorMiddleware, notFound } from './errors.js';
import type { ExchangeAccountCommands } from './exchange-account-commands.js';
import type { GuardCommands } from './guard-commands.js';
import type { GuardEvents } from './guard-events.js';
import { createPoolCommands, type PoolCommands } from './pool-commands.js';
import type { PoolEvents } from './pool-events.js';
import type { PortfolioEvents } from './portfolio-events.js';
import { createPortfolioStreams } from './portfolio-streams.js';
import { createMetrics } from './metrics.js';
import { traceRequests } from './request-trace.js';
import { tracingActive } from '../telemetry/tracing.js';
import { requestLog } from './request-log.js';
import { alertsRouter } from './routes/alerts.js';
import { notificationsRouter } from './routes/notifications.js';
import type { SecretBox } from '../db/secret-box.js';
import type { Notifier } from '../telemetry/notify.js';
import { createQuotas } from './quotas.js';
import { authRouter } from './routes/auth.js';
import { botEventsRouter } from './routes/bot-events.js';
import { botsRouter } from './routes/bots.js';
import { botViewsRouter, fleetRouter } from './routes/bot-views.js';
import { sessionsRouter } from './routes/sessions.js';
import { codecRouter } from './routes/codec.js';
import { exchangeAccountsRouter } from './routes/exchange-accounts.js';
import { exchangesRouter } from './routes/exchanges.js';
import { createMigrationCommands, type MigrationCommands } from './migration-commands.js';
import { migrationsRouter } from './routes/migrations.js';
import { oidcRouter } from './routes/oidc.js';
import { openApiRouter } from './routes/openapi.js';
import { guardsRouter } from './routes/guards.js';
import { poolsRouter } from './routes/pools.js';
import { portfolioRouter } from './routes/portfolio.js';
import { strategiesRouter } from './routes/strategies.js';
import { strategySchemaRouter } from './routes/strategy-schema.js';
import { systemRouter } from './routes/system.js';
import { tokensRouter } from './routes/tokens.js';
import { workflowLinker } from './workflow-links.js';

export interface AppDeps {
  db: Db;
  /** Where sign-ups are mirrored while a migration run has dual-write on; null without MONGO_URL. */
  dualWrite: DualWriteSink | null;
  sessions: Sessions;
  temporal: Client;
  commands: BotCommands;
  events: BotEvents;
  /** Reads and commands bots through their own FreqTrade REST API (open trades, profit, balance, force-exit). */
  botTrading: BotTrading;
  /** FreqUI's views of a bot (chart, trades, periods, performance, locks, log, pair lists) through its REST API. */
  botViews: BotViews;
  allowedOrigins: ReadonlySet<string>;
  temporalUiUrl: string;
  namespace: string;
  taskQueue: string;
  log: (entry: Record<string, unknown>) => void;
  exchangeAccounts: ExchangeAccountCommands;
  /** The Temporal payload codec, served to operators for the Temporal Web UI. */
  payloadCodec: PayloadCodec;
  /** Price, wallet and trade changes (one LISTEN connection per server) that drive the live portfolio streams. */
  portfolioEvents: PortfolioEvents;
  /** MongoDB → PostgreSQL migration runs; built from `temporal` and `taskQueue` when not given. */
  migrations?: MigrationCommands;
  guardCommands: GuardCommands;
  /** Guard changes (watcher prices, workflow decisions) that drive the live guard streams. */
  guardEvents: GuardEvents;
  /** Pool changes (placement, settings, container stats) that drive the operators' live pool stream. */
  poolEvents: PoolEvents;
  /** Commands to pool scaler workflows; built from `temporal` when not given. */
  poolCommands?: PoolCommands;
  /** Per-user and per-address quotas (domain/config.ts). */
  limits: Limits;
  /** Sign-in with an OpenID Connect provider (docs/sign-in.md); off when null or absent. */
  oidc?: Oidc | null;
  /** The paper exchange's URL (PAPER_EXCHANGE_URL): market lists and the checks of a new bot's pairs. */
  paperExchangeUrl: string;
  /** ALERTMANAGER_WEBHOOK_TOKEN: Alertmanager's webhook turns alerts into notifications; off when empty or absent. */
  alertWebhookToken?: string;
  /** Opens and seals users' notification channel secrets; without it the channels cannot be set. */
  secretBox?: SecretBox;
  /** Records notifications and delivers them to users' channels; without it the webhook only records. */
  notifier?: Notifier;
  /** false: no request metrics and no /metrics (the overhead benchmark's baseline). */
  metrics?: boolean;
  /** A span per request (server/request-trace.ts); by default on when this process traces (telemetry/tracing.ts). */
  tracing?: boolean;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  const metrics = createMetrics(deps.db);
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // First, so every later middleware and route runs inside the request's span.
  if (deps.tracing ?? tracingActive()) app.use(traceRequests());
  if (deps.metrics !== false) app.use(metrics.track);
  app.use(requestLog(deps.log));
  if (deps.metrics !== false) app.get('/metrics', metrics.expose);

  const quotas = createQuotas(deps.db, deps.limits);
  // SSE routes take a stream slot through the app (server/sse.ts), so every stream counts without each router wiring it.
  app.locals.quotas = quotas;
  app.locals.sseStreams = metrics.sseStreams;
  const api = express.Router();
  // Bodies are small, but a batch of up to 1,000 guards (POST /api/guards/batch) takes a few hundred kilobytes.
  const body = express.json({ limit: '100kb' });
  const batchBody = express.json({ limit: '1mb' });
  api.use((req, res, next) => (req.method === 'POST' && req.path === '/guards/batch' ? batchBody : body)(req, res, next));
  api.use(checkOrigin(deps.allowedOrigins));
  api.use(loadApiToken(deps.db));
  api.use(loadSession(deps.sessions));
  api.use(systemRouter(deps.db, deps.temporal, { temporalUiUrl: deps.temporalUiUrl, namespace: deps.namespace, taskQueue: deps.taskQueue }));
  api.use('/auth/sessions', requireUser, sessionsRouter(deps.sessions));
  api.use('/auth', authRouter(deps.db, deps.dualWrite, deps.sessions, quotas));
  api.use('/auth', oidcRouter({ db: deps.db, dualWrite: deps.dualWrite, sessions: deps.sessions, oidc: deps.oidc ?? null, log: deps.log }));
  api.use('/tokens', requireUser, tokensRouter(deps.db));
  api.use('/notifications', requireUser, notificationsRouter(deps.db, deps.secretBox ?? null));
  api.use(strategySchemaRouter());
  api.use('/strategies', requireUser, strategiesRouter({ ...deps, quotas }));
  api.use('/bots/events', requireUser, botEventsRouter(deps.db, deps.events));
  api.use('/bots', requireUser, botsRouter({ ...deps, quotas }));
  api.use('/bots', requireUser, botViewsRouter(deps));
  api.use('/fleet', requireUser, fleetRouter(deps.db));
  api.use('/exchanges', requireUser, exchangesRouter(deps));
  api.use('/exchange-accounts', requireUser, exchangeAccountsRouter({ ...deps, quotas }));
  api.use('/migrations', requireUser, migrationsRouter(deps.db, deps.migrations ?? createMigrationCommands(deps.db, deps.temporal, deps.taskQueue), {
    // The server mirrors writes to the legacy MongoDB exactly when one is configured.
    legacyConfigured: deps.dualWrite !== null,
    link: workflowLinker(deps.temporalUiUrl, deps.namespace),
  }));
  api.use(guardsRouter(deps));
  api.use('/pools', poolsRouter({ db: deps.db, poolEvents: deps.poolEvents, poolCommands: deps.poolCommands ?? createPoolCommands(deps.temporal), taskQueue: deps.taskQueue,
    link: workflowLinker(deps.temporalUiUrl, deps.namespace),
  }));
  api.use('/portfolio', requireUser, portfolioRouter(deps.db, createPortfolioStreams(deps.db, deps.portfolioEvents, { log: deps.log })));
  api.use(openApiRouter());
  api.use(() => {
    throw notFound('route');
  });
  // Before the API router: the Temporal UI calls it from its own origin, which the API's origin check would refuse.
  const temporalUiOrigin = new URL(deps.temporalUiUrl).origin;
  app.use('/api/codec', codecRouter({ db: deps.db, sessions: deps.sessions, codec: deps.payloadCodec, corsOrigins: new Set([temporalUiOrigin]) }));
  // Alertmanager is no browser: its own bearer token, no origin check, no session.
  app.use('/api/alerts', alertsRouter(deps.db, deps.alertWebhookToken ?? '', deps.notifier));
  app.use('/api', api);
  app.use(errorMiddleware(deps.log));
  return app;
}
