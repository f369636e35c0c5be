// /api/bots/:id/… FreqUI's views and controls of one bot (chart, closed trades, profit by period, performance, locks,
// log and its live stream, pair lists, pausing entries) and /api/fleet; each checks that the bot is the user's, then
// asks the bot's API.
import { Router } from 'express';
import { z } from 'zod';
import { BlacklistInput, ChartQuery, LogsQuery, PeriodQuery, TradesQuery } from '../../domain/bot-views.js';
import * as bots from '../../db/bots.js';
import { listFleet } from '../../db/fleet.js';
import type { Db } from '../../db/pool.js';
import { currentUser } from '../auth/middleware.js';
import { requireScope } from '../auth/scopes.js';
import { streamBotLog } from '../bot-log-stream.js';
import type { BotViews } from '../bot-views.js';
import { notFound } from '../errors.js';

export const LockIdParam = z.coerce.number().int().positive('must be a lock id');

export function botViewsRouter({ db, botViews, heartbeatMs = 15_000 }: { db: Db; botViews: BotViews; heartbeatMs?: number }): Router {
  const router = Router();
  const ownBot = async (userId: string, botId: string) => {
    const bot = await bots.findBotForUser(db, userId, botId);
    if (!bot) throw notFound('bot');
    return bot;
  };
  const own = (req: { params: Record<string, string | undefined> } & Parameters<typeof currentUser>[0]) => ownBot(currentUser(req).id, req.params['id']!);

  router.get('/:id/chart', requireScope('read'), async (req, res) => {
    const bot = await own(req);
    res.json({ chart: await botViews.chart(bot, ChartQuery.parse(req.query)) });
  });
  router.get('/:id/trades', requireScope('read'), async (req, res) => {
    const bot = await own(req);
    res.json(await botViews.trades(bot, TradesQuery.parse(req.query)));
  });
  router.get('/:id/profit-periods', requireScope('read'), async (req, res) => {
    const bot = await own(req);
    res.json({ profit: await botViews.periods(bot, PeriodQuery.parse(req.query)) });
  });
  router.get('/:id/performance', requireScope('read'), async (req, res) => {
    res.json({ performance: await botViews.performance(await own(req)) });
  });
  router.get('/:id/locks', requireScope('read'), async (req, res) => {
    res.json({ locks: await botViews.locks(await own(req)) });
  });
  router.delete('/:id/locks/:lockId', requireScope('trade'), async (req, res) => {
    const bot = await own(req);
    res.json({ locks: await botViews.unlock(bot, LockIdParam.parse(req.params.lockId)) });
  });
  router.get('/:id/logs', requireScope('read'), async (req, res) => {
    const bot = await own(req);
    res.json({ logs: await botViews.logs(bot, LogsQuery.parse(req.query).limit) });
  });
  /** The log, live: a bot that is not running (409) or does not answer (502) is refused before the stream opens. */
  router.get('/:id/logs/stream', requireScope('read'), async (req, res) => {
    const read = await botViews.logReader(await own(req));
    await read(1);
    streamBotLog(req, res, read, { heartbeatMs });
  });
  router.get('/:id/pairlists', requireScope('read'), async (req, res) => {
    res.json({ pairlists: await botViews.pairLists(await own(req)) });
  });
  router.post('/:id/blacklist', requireScope('trade'), async (req, res) => {
    const bot = await own(req);
    res.json({ pairlists: await botViews.editBlacklist(bot, BlacklistInput.parse(req.body)) });
  });
  router.post('/:id/pause-entries', requireScope('trade'), async (req, res) => {
    res.json({ pairlists: await botViews.entries(await own(req), 'pause') });
  });
  router.post('/:id/resume-entries', requireScope('trade'), async (req, res) => {
    res.json({ pairlists: await botViews.entries(await own(req), 'resume') });
  });
  return router;
}

/** /api/fleet: every bot of the user side by side, deleted ones with their kept trades included. */
export function fleetRouter(db: Db): Router {
  const router = Router();
  router.get('/', requireScope('read'), async (req, res) => {
    res.json({ bots: await listFleet(db, currentUser(req).id) });
  });
  return router;
}
