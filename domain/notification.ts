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

/** A trade as the trade sync read it, and whether the platform's ledger already held it open or closed. */
interface SeenTrade {
  tradeId: number; pair: string; isOpen: boolean; amount: number; openRate: number; closeRate: number | null;
  openDate: string; closeDate: string | null; profitAbs: number | null; profitRatio: number | null; exitReason: string | null;
}

/** Only news: a bot's older history read for the first time is not announced. */
export const TRADE_NOTICE_MAX_AGE_MS = 60 * 60_000;

/**
 * What the owner hears about a bot's trades after a sync: a trade opened (new to the ledger, open) and a trade closed
 * (closed now, not closed in the ledger before), each once (its source key), each only if it happened in the last hour.
 */
export function tradeNotices(
  bot: { id: string; name: string }, trades: readonly SeenTrade[], held: { open: ReadonlySet<number>; closed: ReadonlySet<number> }, now: number,
): Array<{ kind: 'trade_opened' | 'trade_closed'; severity: 'info'; title: string; body: string; botId: string; sourceKey: string }> {
  const recent = (iso: string | null) => iso !== null && now - Date.parse(iso) <= TRADE_NOTICE_MAX_AGE_MS;
  const out: ReturnType<typeof tradeNotices> = [];
  for (const t of trades) {
    if (t.isOpen && !held.open.has(t.tradeId) && !held.closed.has(t.tradeId) && recent(t.openDate)) {
      out.push({ kind: 'trade_opened', severity: 'info', botId: bot.id, sourceKey: `trade-opened:${bot.id}:${t.tradeId}`,
        title: `${bot.name} bought ${t.amount} ${t.pair} at ${t.openRate}`, body: `trade ${t.tradeId}` });
    }
    if (!t.isOpen && !held.closed.has(t.tradeId) && recent(t.closeDate)) {
      const pct = t.profitRatio === null ? '' : ` (${t.profitRatio >= 0 ? '+' : ''}${(t.profitRatio * 100).toFixed(2)} %)`;
      out.push({ kind: 'trade_closed', severity: 'info', botId: bot.id, sourceKey: `trade-closed:${bot.id}:${t.tradeId}`,
        title: `${bot.name} sold ${t.amount} ${t.pair} at ${t.closeRate ?? '?'}${pct}`, body: `trade ${t.tradeId}${t.exitReason ? `, ${t.exitReason}` : ''}${t.profitAbs === null ? '' : `, profit ${t.profitAbs}`}` });
    }
  }
  return out;
}
