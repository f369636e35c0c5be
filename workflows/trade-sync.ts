// Trade sync (Temporal Schedule `trade-sync`, every 10 s, overlaps skipped): one pass of every running bot's trades.
import { proxyActivities } from '@temporalio/workflow';
import type { TradeSyncActivities, TradeSyncResult } from '../activities/trade-sync.js';

// The next scheduled pass comes in 10 s, so a failed pass is retried once and then left to it.
const sync = proxyActivities<TradeSyncActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 2 },
});

export async function tradeSyncWorkflow(): Promise<TradeSyncResult> {
  return sync.syncBotTrades();
}
