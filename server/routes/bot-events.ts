// GET /api/bots/events: SSE stream of the user's bot changes; every (re)connect starts with a snapshot of all bots.
import { Router } from 'express';
import * as bots from '../../db/bots.js';
import type { Db } from '../../db/pool.js';
import { currentUser } from '../auth/middleware.js';
import type { BotEvents } from '../bot-events.js';

export function botEventsRouter(db: Db, events: BotEvents, heartbeatMs = 15_000): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const user = currentUser(req);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    let seq = Number(req.header('last-event-id')) || 0;
    const send = (event: string, data: unknown) => {
      seq += 1;
      res.write(`id: ${seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    // Changes are applied in order even though each needs a query.
    let chain = Promise.resolve();
    const unsubscribe = events.subscribe(user.id, (change) => {
      chain = chain.then(async () => {
        const bot = change.op === 'delete' ? null : await bots.findBotForUser(db, user.id, change.id);
        if (bot) send('bot', bot);
        else send('bot-deleted', { id: change.id });
      }).catch(() => undefined);
    });
    res.write('retry: 2000\n\n');
    for (const bot of (await bots.listBotsForUser(db, user.id)).toReversed()) send('bot', bot);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), heartbeatMs);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });
  return router;
}
