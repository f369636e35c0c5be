// Strategy check (`strategy-check:<id>`): runs an uploaded FreqTrade strategy's load check on a worker with Docker.
import { proxyActivities } from '@temporalio/workflow';
import type { StrategyCheckActivities, StrategyCheckInput, StrategyCheckResult } from '../activities/strategy-check.js';

const checker = proxyActivities<StrategyCheckActivities>({
  // The check container has its own 45 s deadline; this covers creating and removing it.
  startToCloseTimeout: '90 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 2 },
});

export async function strategyCheckWorkflow(input: StrategyCheckInput): Promise<StrategyCheckResult> {
  return checker.checkFreqtradeStrategy(input);
}
