// Records a notification once and delivers it beyond the notification center: to each addressee's webhook (signed:
// HMAC-SHA256 of "<timestamp>.<body>" with their secret) and Telegram chat. Delivery never delays or fails the caller,
// and nothing it logs carries a secret (a Telegram token is part of its URL: no URL is logged).
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { Notification } from '../domain/notification.js';
import { findNotificationChannels, type NotificationChannels } from '../db/notification-channels.js';
import { insertNotification, type NewNotification } from '../db/notifications.js';
import { sql, type Db } from '../db/pool.js';
import type { SecretBox } from '../db/secret-box.js';

export interface Notifier {
  /** Records it (once per source key) and starts its delivery; the notification when new. */
  notify(n: NewNotification): Promise<Notification | null>;
  /** Resolves when every delivery started so far has ended (tests). */
  settled(): Promise<void>;
}

export interface NotifierDeps {
  db: Db;
  box: SecretBox;
  /** Telegram's Bot API (TELEGRAM_API_URL). */
  telegramApiUrl?: string;
  warn?: (msg: string, fields?: Record<string, unknown>) => void;
  attempts?: number;
}

export const SIGNATURE_HEADER = 'x-tradefleet-signature';
export const TIMESTAMP_HEADER = 'x-tradefleet-timestamp';

/** The signature a receiver recomputes: `sha256=` + hex HMAC-SHA256 of `<timestamp>.<raw body>` with its secret. */
export const signWebhook = (secret: string, timestamp: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

export function createNotifier(deps: NotifierDeps): Notifier {
  const pending = new Set<Promise<void>>();
  const warn = deps.warn ?? (() => undefined);
  const attempts = deps.attempts ?? 3;

  async function withRetries(what: string, send: () => Promise<Response>): Promise<void> {
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const res = await send();
        await res.body?.cancel();
        if (res.ok) return;
        if (res.status < 500 && res.status !== 429) return warn(`${what} refused the notification (HTTP ${res.status})`);
      } catch (error) {
        if (attempt === attempts) return warn(`${what} failed: ${(error as Error).name}`);
      }
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
    warn(`${what} failed after ${attempts} attempts`);
  }

  async function deliver(n: Notification, channels: NotificationChannels): Promise<void> {
    const sends: Promise<void>[] = [];
    if (channels.webhookUrl && channels.secrets.webhookSecret) {
      const body = JSON.stringify({ id: n.id, kind: n.kind, severity: n.severity, title: n.title, body: n.body, botId: n.botId, createdAt: n.createdAt });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = signWebhook(channels.secrets.webhookSecret, timestamp, body);
      const url = channels.webhookUrl;
      sends.push(withRetries('the notification webhook', () => fetch(url, {
        method: 'POST', body, signal: AbortSignal.timeout(5000),
        headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature },
      })));
    }
    if (channels.telegramChatId && channels.secrets.telegramToken) {
      const url = `${deps.telegramApiUrl ?? 'https://api.telegram.org'}/bot${channels.secrets.telegramToken}/sendMessage`;
      const text = [n.title, n.body].filter(Boolean).join('\n');
      sends.push(withRetries('Telegram', () => fetch(url, {
        method: 'POST', signal: AbortSignal.timeout(5000), headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: channels.telegramChatId, text }),
      })));
    }
    await Promise.all(sends);
  }

  async function addressees(n: Notification): Promise<string[]> {
    if (n.userId) return [n.userId];
    return [...(await deps.db.anyFirst(sql.type(z.object({ id: z.string() }))`select id from users where is_operator`))];
  }

  return {
    async notify(input) {
      const n = await insertNotification(deps.db, input);
      if (!n) return null;
      const delivery = (async () => {
        for (const userId of await addressees(n)) {
          const channels = await findNotificationChannels(deps.db, deps.box, userId);
          if (channels) await deliver(n, channels);
        }
      })().catch((error: unknown) => warn(`notification delivery failed: ${(error as Error).message}`));
      pending.add(delivery);
      void delivery.finally(() => pending.delete(delivery));
      return n;
    },
    async settled() {
      await Promise.all([...pending]);
    },
  };
}
