// /api/notifications: the notification center: the newest notifications with the unread count, live as a stream;
// mark some or all read.
import { Router } from 'express';
import { z } from 'zod';
import { listNotifications, markNotificationsRead } from '../../db/notifications.js';
import type { Db } from '../../db/pool.js';
import { currentUser } from '../auth/middleware.js';
import { requireScope } from '../auth/scopes.js';
import { openEventStream } from '../sse.js';

/** How often an open stream looks for new notifications (whichever process recorded them). */
const STREAM_CHECK_MS = 2_000;

const ReadInput = z.strictObject({ ids: z.array(z.string().regex(/^\d{1,18}$/, 'a notification id')).max(500).optional() });

export function notificationsRouter(db: Db, heartbeatMs = 15_000): Router {
  const router = Router();
  // `notifications`: the newest 20 and the unread count, at once and whenever they change.
  router.get('/stream', requireScope('read'), (req, res) => {
    const user = currentUser(req);
    const stream = openEventStream(req, res, heartbeatMs);
    let last = '';
    let closed = false;
    const push = async () => {
      const list = await listNotifications(db, user, 20);
      const key = `${list.unread}:${list.notifications[0]?.id ?? ''}`;
      if (closed || key === last) return;
      last = key;
      stream.send('notifications', list);
    };
    void push().catch(() => undefined);
    const timer = setInterval(() => void push().catch(() => undefined), STREAM_CHECK_MS);
    stream.onClose(() => {
      closed = true;
      clearInterval(timer);
    });
  });
  router.get('/', requireScope('read'), async (req, res) => {
    res.json(await listNotifications(db, currentUser(req)));
  });
  router.post('/read', requireScope('read'), async (req, res) => {
    const input = ReadInput.parse(req.body ?? {});
    const changed = await markNotificationsRead(db, currentUser(req), input.ids ?? null);
    res.json({ changed, ...(await listNotifications(db, currentUser(req))) });
  });
  return router;
}
