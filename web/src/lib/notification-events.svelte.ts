// The live notification center (SSE on /api/notifications/stream): the newest notifications and the unread count.
import type { Notification } from '#domain/notification.ts';
import { createEventFeed } from './event-feed.svelte.ts';

export interface NotificationList {
  notifications: Notification[];
  unread: number;
}

const feed = createEventFeed<{ notifications: NotificationList }>('/api/notifications/stream', ['notifications']);

export const notificationFeed = feed.status;

/** Subscribe from a component's `$effect`; returns the unsubscribe function (the effect's cleanup). */
export const subscribeNotifications = (on: (list: NotificationList) => void): (() => void) => feed.subscribe({ on: { notifications: on } });

/** Marks every notification read; the answer is the list as it is now. */
export async function markAllRead(): Promise<NotificationList> {
  const res = await fetch('/api/notifications/read', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (!res.ok) throw new Error(`marking notifications read failed (${res.status})`);
  return (await res.json()) as NotificationList;
}
