// The notification center's rows: recorded once per source key, listed and marked read by their user (operators also
// see the notifications addressed to every operator).
import { z } from 'zod';
import { Notification } from '../domain/notification.js';
import { sql, type Db } from './pool.js';

const columns = sql.fragment`id::text, user_id, kind, severity, title, body, bot_id::text, created_at, read_at`;

export interface NewNotification {
  userId: string | null;
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  title: string;
  body: string;
  botId: string | null;
  sourceKey: string;
}

/** Records it unless its source key was recorded for the same addressee; returns it when new. */
export async function insertNotification(db: Db, n: NewNotification): Promise<Notification | null> {
  return db.maybeOne(sql.type(Notification)`
    insert into notifications (user_id, kind, severity, title, body, bot_id, source_key)
    values (${n.userId}, ${n.kind}, ${n.severity}, ${n.title.slice(0, 500)}, ${n.body.slice(0, 2000)}, ${n.botId}, ${n.sourceKey})
    on conflict do nothing
    returning ${columns}`);
}

/** A user's own notifications, and the operators' ones when the user is an operator; newest first. */
export async function listNotifications(db: Db, user: { id: string; isOperator: boolean }, limit = 50): Promise<{ notifications: readonly Notification[]; unread: number }> {
  const mine = user.isOperator ? sql.fragment`(user_id = ${user.id} or user_id is null)` : sql.fragment`user_id = ${user.id}`;
  const notifications = await db.any(sql.type(Notification)`select ${columns} from notifications where ${mine} order by created_at desc, id desc limit ${limit}`);
  const unread = await db.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from notifications where ${mine} and read_at is null`);
  return { notifications, unread };
}

/** Marks the given notifications (or all, when `ids` is null) of this user read; returns how many changed. */
export async function markNotificationsRead(db: Db, user: { id: string; isOperator: boolean }, ids: readonly string[] | null): Promise<number> {
  const mine = user.isOperator ? sql.fragment`(user_id = ${user.id} or user_id is null)` : sql.fragment`user_id = ${user.id}`;
  const which = ids === null ? sql.fragment`true` : sql.fragment`id = any(${sql.array(ids.map(Number), 'int8')})`;
  const rows = await db.any(sql.type(z.object({ id: z.string() }))`update notifications set read_at = now() where ${mine} and ${which} and read_at is null returning id::text`);
  return rows.length;
}
