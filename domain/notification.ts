// Notifications: what the notification center shows a user (their bots) or every operator (platform alerts).
import { z } from 'zod';

export const NotificationSeverity = z.enum(['info', 'warning', 'critical']);
export const Notification = z.object({
  id: z.string(),
  /** null: addressed to every operator. */
  userId: z.string().nullable(),
  kind: z.string(),
  severity: NotificationSeverity,
  title: z.string(),
  body: z.string(),
  botId: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type Notification = z.infer<typeof Notification>;

/** One alert of Alertmanager's webhook payload (version 4), the fields the platform reads. */
export const AlertmanagerAlert = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: z.string(),
  fingerprint: z.string().default(''),
});
export const AlertmanagerPayload = z.looseObject({ version: z.string().optional(), alerts: z.array(AlertmanagerAlert).max(1000) });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The notification an alert becomes: an alert naming a user (label `user_id`, e.g. BotUnreachable) goes to that user,
 * any other to every operator. A resolved alert is a notification too ("resolved: ..."), so the story is complete.
 */
export function notificationOfAlert(alert: z.infer<typeof AlertmanagerAlert>): {
  userId: string | null; kind: string; severity: z.infer<typeof NotificationSeverity>; title: string; body: string; botId: string | null; sourceKey: string;
} {
  const name = alert.labels['alertname'] ?? 'alert';
  const userId = UUID.test(alert.labels['user_id'] ?? '') ? alert.labels['user_id']! : null;
  const botId = UUID.test(alert.labels['bot_id'] ?? '') ? alert.labels['bot_id']! : null;
  const severity = NotificationSeverity.safeParse(alert.labels['severity']).success ? (alert.labels['severity'] as 'warning') : 'warning';
  const summary = alert.annotations['summary'] ?? name;
  const resolved = alert.status === 'resolved';
  return {
    userId,
    kind: `alert:${name}`,
    severity: resolved ? 'info' : severity,
    title: resolved ? `Resolved: ${summary}` : summary,
    // Owners get the summary; operators also get the runbook line.
    body: userId ? '' : (alert.annotations['runbook'] ?? ''),
    botId,
    sourceKey: `${name}:${alert.fingerprint}:${alert.startsAt}:${alert.status}`,
  };
}
