// /api/notifications: the notification center: the newest notifications with the unread count; mark some or all read.
import { Router } from 'express';
import { z } from 'zod';
import { listNotifications, markNotificationsRead } from '../../db/notifications.js';
import type { Db } from '../../db/pool.js';
import { currentUser } from '../auth/middleware.js';
import { requireScope } from '../auth/scopes.js';

const ReadInput = z.strictObject({ ids: z.array(z.string().regex(/^\d{1,18}$/, 'a notification id')).max(500).optional() });

export function notificationsRouter(db: Db): Router {
  const router = Router();
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
