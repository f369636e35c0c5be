// /api/notifications: the notification center: the newest notifications with the unread count, live as a stream;
// mark some or all read.
import { Router } from 'express';
import { z } from 'zod';
import { listNotifications, markNotificationsRead } from '../../db/notifications.js';
import { findNotificationChannels, saveNotificationChannels } from '../../db/notification-channels.js';
import type { SecretBox } from '../../db/secret-box.js';
import { HttpError } from '../errors.js';
import type { Db } from '../../db/pool.js';
import { currentUser } from '../auth/middleware.js';
import { requireScope } from '../auth/scopes.js';
import { openEventStream } from '../sse.js';

/** How often an open stream looks for new notifications (whichever process recorded them). */
const STREAM_CHECK_MS = 2_000;

const ReadInput = z.strictObject({ ids: z.array(z.string().regex(/^\d{1,18}$/, 'a notification id')).max(500).optional() });

/** Where notifications go besides the center; secrets are write-only (absent: kept, null: removed). */
export const ChannelsInput = z.strictObject({
  webhookUrl: z.url({ protocol: /^https?$/ }).max(2000).nullable(),
  webhookSecret: z.string().min(16, 'at least 16 characters').max(200).nullable().optional(),
  telegramChatId: z.string().regex(/^-?\d{1,20}$|^@\w{5,64}$/, 'a numeric chat id or @channel').nullable(),
  telegramToken: z.string().regex(/^\d{3,20}:[\w-]{20,100}$/, 'a bot token as BotFather gives it (<digits>:<letters>)').nullable().optional(),
});
export const ChannelsView = z.object({ webhookUrl: z.string().nullable(), webhookSecretSet: z.boolean(), telegramChatId: z.string().nullable(), telegramTokenSet: z.boolean() });

export function notificationsRouter(db: Db, box: SecretBox | null, heartbeatMs = 15_000): Router {
  const router = Router();
  const channelsView = async (userId: string): Promise<z.infer<typeof ChannelsView>> => {
    const c = box ? await findNotificationChannels(db, box, userId) : null;
    return { webhookUrl: c?.webhookUrl ?? null, webhookSecretSet: !!c?.secrets.webhookSecret, telegramChatId: c?.telegramChatId ?? null, telegramTokenSet: !!c?.secrets.telegramToken };
  };
  // Delivery secrets are managed from a browser session only, like API tokens.
  router.get('/channels', requireScope('session'), async (req, res) => {
    res.json({ channels: await channelsView(currentUser(req).id) });
  });
  router.patch('/channels', requireScope('session'), async (req, res) => {
    if (!box) throw new HttpError(503, 'unavailable', 'notification channels need the platform\'s secret key');
    const input = ChannelsInput.parse(req.body);
    const user = currentUser(req);
    const stored = await findNotificationChannels(db, box, user.id);
    if (input.webhookUrl && !(input.webhookSecret ?? stored?.secrets.webhookSecret)) {
      throw new HttpError(400, 'invalid_input', 'webhookSecret: a webhook needs a secret to sign its calls with', 'webhookSecret');
    }
    if (input.telegramChatId && !(input.telegramToken ?? stored?.secrets.telegramToken)) {
      throw new HttpError(400, 'invalid_input', 'telegramToken: a Telegram chat needs the bot token that writes to it', 'telegramToken');
    }
    await saveNotificationChannels(db, box, user.id, input);
    res.json({ channels: await channelsView(user.id) });
  });
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
