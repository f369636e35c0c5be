// Builds the express app from its dependencies; tests drive it with supertest against real services.
import express from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/pool.js';
import { loadApiToken } from './auth/api-tokens.js';
import { checkOrigin, loadSession, requireUser } from './auth/middleware.js';
import type { Sessions } from './auth/sessions.js';
import type { BotCommands } from './bot-commands.js';
import type { BotEvents } from './bot-events.js';
import { errorMiddleware, notFound } from './errors.js';
import { createMetrics } from './metrics.js';
import { authRouter } from './routes/auth.js';
import { botEventsRouter } from './routes/bot-events.js';
import { botsRouter } from './routes/bots.js';
import { systemRouter } from './routes/system.js';
import { tokensRouter } from './routes/tokens.js';

export interface AppDeps {
  db: Db;
  sessions: Sessions;
  temporal: Client;
  commands: BotCommands;
  events: BotEvents;
  allowedOrigins: ReadonlySet<string>;
  temporalUiUrl: string;
  namespace: string;
  log: (entry: Record<string, unknown>) => void;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  const metrics = createMetrics();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(metrics.track);
  app.get('/metrics', metrics.expose);

  const api = express.Router();
  api.use(express.json({ limit: '100kb' }));
  api.use(checkOrigin(deps.allowedOrigins));
  api.use(loadApiToken(deps.db));
  api.use(loadSession(deps.sessions));
  api.use(systemRouter(deps.db, deps.temporal, { temporalUiUrl: deps.temporalUiUrl, namespace: deps.namespace }));
  api.use('/auth', authRouter(deps.db, deps.sessions));
  api.use('/tokens', requireUser, tokensRouter(deps.db));
  api.use('/bots/events', requireUser, botEventsRouter(deps.db, deps.events));
  api.use('/bots', requireUser, botsRouter(deps));
  api.use(() => {
    throw notFound('route');
  });
  app.use('/api', api);
  app.use(errorMiddleware(deps.log));
  return app;
}
