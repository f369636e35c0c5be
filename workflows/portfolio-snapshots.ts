// Portfolio snapshots (Temporal Schedule `portfolio-snapshots`, every minute): the history point of every user.
import { proxyActivities } from '@temporalio/workflow';
import type { PortfolioActivities, PortfolioSnapshotsResult } from '../activities/portfolio.js';

const portfolio = proxyActivities<PortfolioActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 2 },
});

export async function portfolioSnapshotsWorkflow(): Promise<PortfolioSnapshotsResult> {
  return portfolio.recordPortfolioSnapshots();
}
