// /api/portfolio: the user's valuation now, its history, and a live SSE stream of it (never another user's data).
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/pool.js';
import { portfolioHistory, valueUserPortfolio } from '../../db/portfolio.js';
import { HistoryRange } from '../../domain/portfolio.js';
import { currentUser } from '../auth/middleware.js';
import type { PortfolioStreams } from '../portfolio-streams.js';

const HistoryQuery = z.object({ range: HistoryRange.default('24h') });

/** A Last-Event-ID the stream can continue from: a non-negative integer, else numbering starts over. */
const lastEventId = (header: string | undefined): number => {
  const n = Number(header);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
};

export function portfolioRouter(db: Db, streams: PortfolioStreams, heartbeatMs = 15_000): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    res.json((await valueUserPortfolio(db, currentUser(req).id)).valuation);
  });

  router.get('/history', async (req, res) => {
    const { range } = HistoryQuery.parse(req.query);
    res.json({ range, points: await portfolioHistory(db, currentUser(req).id, range) });
  });

  router.get('/stream', (req, res) => {
    const user = currentUser(req);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    let seq = lastEventId(req.header('last-event-id'));
    res.write('retry: 2000\n\n');
    const unsubscribe = streams.subscribe(user.id, (valuation) => {
      seq += 1;
      res.write(`id: ${seq}\nevent: valuation\ndata: ${JSON.stringify(valuation)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), heartbeatMs);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  return router;
}
