// A user's notification channels: webhook URL and Telegram chat in clear, the webhook secret and the Telegram bot
// token sealed (db/secret-box.ts) and never returned by the API.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { sql, type Db } from './pool.js';
import { notificationSecretsPlace, type SecretBox } from './secret-box.js';

export interface ChannelSecrets {
  webhookSecret?: string;
  telegramToken?: string;
}

export interface NotificationChannels {
  webhookUrl: string | null;
  telegramChatId: string | null;
  secrets: ChannelSecrets;
}

const Row = z.object({ id: z.string(), webhookUrl: z.string().nullable(), telegramChatId: z.string().nullable(), secrets: z.string() });

export async function findNotificationChannels(db: Db, box: SecretBox, userId: string): Promise<NotificationChannels | null> {
  const row = await db.maybeOne(sql.type(Row)`select id::text, webhook_url, telegram_chat_id, secrets from notification_channels where user_id = ${userId}`);
  if (!row) return null;
  const secrets = row.secrets ? (JSON.parse(box.open(row.secrets, notificationSecretsPlace(row.id))) as ChannelSecrets) : {};
  return { webhookUrl: row.webhookUrl, telegramChatId: row.telegramChatId, secrets };
}

/** Replaces the user's channels; a secret left undefined keeps the one stored, null removes it. */
export async function saveNotificationChannels(
  db: Db, box: SecretBox, userId: string,
  input: { webhookUrl: string | null; telegramChatId: string | null; webhookSecret?: string | null; telegramToken?: string | null },
): Promise<void> {
  await db.transaction(async (tx) => {
    const existing = await tx.maybeOne(sql.type(Row)`select id::text, webhook_url, telegram_chat_id, secrets from notification_channels where user_id = ${userId} for update`);
    const id = existing?.id ?? randomUUID();
    const before: ChannelSecrets = existing?.secrets ? (JSON.parse(box.open(existing.secrets, notificationSecretsPlace(id))) as ChannelSecrets) : {};
    const secrets: ChannelSecrets = { ...before };
    if (input.webhookSecret !== undefined) secrets.webhookSecret = input.webhookSecret ?? undefined;
    if (input.telegramToken !== undefined) secrets.telegramToken = input.telegramToken ?? undefined;
    const sealed = box.seal(JSON.stringify(secrets), notificationSecretsPlace(id));
    await tx.query(sql.typeAlias('void')`
      insert into notification_channels (id, user_id, webhook_url, telegram_chat_id, secrets) values (${id}, ${userId}, ${input.webhookUrl}, ${input.telegramChatId}, ${sealed})
      on conflict (user_id) do update set webhook_url = excluded.webhook_url, telegram_chat_id = excluded.telegram_chat_id, secrets = excluded.secrets, updated_at = now()`);
  });
}
