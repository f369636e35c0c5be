// Trade sync (Temporal Schedule `trade-sync`, every 10 s, overlaps skipped): one pass of every running bot's trades.
import { proxyActivities } from '@temporalio/workflow';
import type { TradeSyncActivities, TradeSyncResult } from '../activities/trade-sync.js';

export const TRADE_SYNC_SCHEDULE_ID = 'trade-sync';
/** One schedule per platform (task queue), so platforms sharing a namespace never take each other's runs. */
export const tradeSyncScheduleId = (taskQueue: string): string => `${TRADE_SYNC_SCHEDULE_ID}@${taskQueue}`;

// The next scheduled pass comes in 10 s, so a failed pass is retried once and then left to it.
const sync = proxyActivities<TradeSyncActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 2 },
});

export async function tradeSyncWorkflow(): Promise<TradeSyncResult> {
  return sync.syncBotTrades();
}
