// /api/portfolio: the user's valuation now, its history, and a live SSE stream of it (never another user's data).
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/pool.js';
import { portfolioHistory, valueUserPortfolio } from '../../db/portfolio.js';
import { HistoryRange } from '../../domain/portfolio.js';
import { currentUser } from '../auth/middleware.js';
import type { PortfolioStreams } from '../portfolio-streams.js';
import { openEventStream } from '../sse.js';
import { requireScope } from '../auth/scopes.js';

export const HistoryQuery = z.object({ range: HistoryRange.default('24h') });

export function portfolioRouter(db: Db, streams: PortfolioStreams, heartbeatMs = 15_000): Router {
  const router = Router();

  router.get('/', requireScope('read'), async (req, res) => {
    res.json((await valueUserPortfolio(db, currentUser(req).id)).valuation);
  });

  router.get('/history', requireScope('read'), async (req, res) => {
    const { range } = HistoryQuery.parse(req.query);
    res.json({ range, points: await portfolioHistory(db, currentUser(req).id, range) });
  });

  router.get('/stream', requireScope('read'), (req, res) => {
    const stream = openEventStream(req, res, heartbeatMs);
    stream.onClose(streams.subscribe(currentUser(req).id, (valuation) => stream.send('valuation', valuation)));
  });

  return router;
}
