// GET /api/bots/events: SSE stream of the user's bot changes; every (re)connect starts with a snapshot of all bots.
import { Router } from 'express';
import * as bots from '../../db/bots.js';
import type { Db } from '../../db/pool.js';
import { currentUser } from '../auth/middleware.js';
import type { BotEvents } from '../bot-events.js';
import { openEventStream } from '../sse.js';
import { requireScope } from '../auth/scopes.js';

export function botEventsRouter(db: Db, events: BotEvents, heartbeatMs = 15_000): Router {
  const router = Router();
  router.get('/', requireScope('read'), async (req, res) => {
    const user = currentUser(req);
    const stream = openEventStream(req, res, heartbeatMs);
    // Changes are applied in order even though each needs a query.
    let chain = Promise.resolve();
    const unsubscribe = events.subscribe(user.id, (change) => {
      chain = chain.then(async () => {
        const bot = change.op === 'delete' ? null : await bots.findBotForUser(db, user.id, change.id);
        if (bot) stream.send('bot', bot);
        else stream.send('bot-deleted', { id: change.id });
      }).catch(() => undefined);
    });
    stream.onClose(unsubscribe);
    for (const bot of (await bots.listBotsForUser(db, user.id)).toReversed()) stream.send('bot', bot);
  });
  return router;
}
