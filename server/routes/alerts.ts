// /api/alerts/alertmanager: Alertmanager's webhook. Each alert becomes a notification: a bot's alert for the bot's
// owner (read from the database, not from the alert's labels), any other for every operator. Bearer-token auth with
// ALERTMANAGER_WEBHOOK_TOKEN; off (404) when that is empty.
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import { AlertmanagerPayload, notificationOfAlert } from '../../domain/notification.js';
import { insertNotification, type NewNotification } from '../../db/notifications.js';
import type { Notifier } from '../../telemetry/notify.js';
import { sql, type Db } from '../../db/pool.js';
import { requireScope } from '../auth/scopes.js';
import { HttpError } from '../errors.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function alertsRouter(db: Db, token: string, notifier?: Notifier): Router {
  const record = notifier ? (n: NewNotification) => notifier.notify(n) : (n: NewNotification) => insertNotification(db, n);
  const router = Router();
  router.use(express.json({ limit: '1mb' }));
  // Public to the session layer: the webhook token below is its authentication.
  router.post('/alertmanager', requireScope('public'), async (req, res) => {
    if (!token) throw new HttpError(404, 'not_found', 'the Alertmanager webhook is off: set ALERTMANAGER_WEBHOOK_TOKEN');
    const sent = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (!timingSafeEqual(digest(sent), digest(token))) throw new HttpError(401, 'unauthenticated', 'send the webhook token as "Authorization: Bearer <ALERTMANAGER_WEBHOOK_TOKEN>"');
    const payload = AlertmanagerPayload.parse(req.body);
    let recorded = 0;
    for (const alert of payload.alerts) {
      const n = notificationOfAlert(alert);
      // The owner comes from the bot's row; an alert about a bot that no longer exists goes to the operators.
      const owner = n.botId
        ? await db.maybeOneFirst(sql.type(z.object({ userId: z.string() }))`select user_id from bots where id = ${n.botId}`)
        : null;
      if (await record({ ...n, userId: owner })) recorded++;
    }
    res.json({ recorded });
  });
  return router;
}
