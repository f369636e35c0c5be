// Guard watcher (`guard-watch:<exchange>@<taskQueue>`): runs the exchange's price watcher activity (design in
// activities/guard-watcher.ts) for ten minutes at a time and continues as new, so its history stays a few events long.
// Its heartbeat timeout bounds how long a killed worker leaves the guards unwatched; the restarted attempt recovers
// what it missed from the exchange's candles.
import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { GuardWatcherActivities } from '../activities/guard-watcher.js';

export const GUARD_WATCH_RUN_MS = 10 * 60_000;

const watcher = proxyActivities<GuardWatcherActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '10 seconds',
  // No attempt limit: an unreachable exchange is waited out with backoff.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

export async function guardWatchWorkflow(input: { exchangeId: string }): Promise<void> {
  await watcher.watchGuardPrices({ exchangeId: input.exchangeId, runForMs: GUARD_WATCH_RUN_MS });
  await continueAsNew<typeof guardWatchWorkflow>(input);
}
