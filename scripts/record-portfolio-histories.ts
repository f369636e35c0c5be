// Records reference histories of the market feed, trade sync and portfolio snapshot workflows for the replay test.
// Run: node --import tsx scripts/record-portfolio-histories.ts (only when a change is meant to break replay).
import { randomUUID } from 'node:crypto';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { marketFeedWorkflowId, portfolioSnapshotsScheduleId, tradeSyncScheduleId } from '../domain/workflow-ids.js';
import { marketFeedWorkflow } from '../workflows/market-feed.js';
import { portfolioSnapshotsWorkflow } from '../workflows/portfolio-snapshots.js';
import { tradeSyncWorkflow } from '../workflows/trade-sync.js';
import { recordHistories, saveHistory } from './history-recording.js';

let feedAttempts = 0;
const activities = {
  // The first attempt fails like an unreachable exchange: the history shows the retried attempt that succeeded.
  async watchPrices() {
    if (++feedAttempts === 1) throw new Error('exchange unreachable');
    return { ticks: 3, symbols: 2, moves: 1, lastTickAt: new Date().toISOString(), lastError: null };
  },
  syncBotTrades: async () => ({ bots: 2, synced: 1, changed: 3, skipped: [{ botId: 'b2', reason: 'bot API is unreachable' }] }),
  recordPortfolioSnapshots: async () => ({ users: 2, failed: 0, pruned: 0 }),
};

await recordHistories(async (env) => {
  async function record(name: string, start: (taskQueue: string) => Promise<WorkflowHandleWithFirstExecutionRunId>, done: (h: WorkflowHandleWithFirstExecutionRunId) => Promise<unknown>) {
    await env.withWorker(activities, async (taskQueue) => {
      const handle = await start(taskQueue);
      await done(handle);
      await saveHistory(name, await env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).fetchHistory());
      if (name === 'market-feed') await handle.terminate('recorded');
    });
  }

  await record(
    'market-feed',
    (taskQueue) => env.client.workflow.start(marketFeedWorkflow, { workflowId: marketFeedWorkflowId(`rec-${randomUUID()}`), taskQueue, args: [{ exchangeId: 'paper', runForMs: 50 }] }),
    async (h) => {
      // The first run ends in continue-as-new: wait until a second run exists.
      while ((await env.client.workflow.getHandle(h.workflowId).describe()).runId === h.firstExecutionRunId) await new Promise((r) => setTimeout(r, 100));
    },
  );
  await record('trade-sync', (taskQueue) => env.client.workflow.start(tradeSyncWorkflow, { workflowId: tradeSyncScheduleId(taskQueue), taskQueue }), (h) => h.result());
  await record('portfolio-snapshots', (taskQueue) =>
    env.client.workflow.start(portfolioSnapshotsWorkflow, { workflowId: portfolioSnapshotsScheduleId(taskQueue), taskQueue }), (h) => h.result());
});
