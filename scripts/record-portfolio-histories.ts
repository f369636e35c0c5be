// Records reference histories of the market feed, trade sync and portfolio snapshot workflows for the replay test.
// Run: node --import tsx scripts/record-portfolio-histories.ts (only when a change is meant to break replay).
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { marketFeedWorkflowId, portfolioSnapshotsScheduleId, tradeSyncScheduleId } from '../domain/workflow-ids.js';
import { marketFeedWorkflow } from '../workflows/market-feed.js';
import { portfolioSnapshotsWorkflow } from '../workflows/portfolio-snapshots.js';
import { tradeSyncWorkflow } from '../workflows/trade-sync.js';
import { repoRoot } from './services/paths.js';
import { resolveTemporalCli } from './services/temporal.js';

const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: resolveTemporalCli() } } });

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

async function record(name: string, start: (taskQueue: string) => Promise<WorkflowHandleWithFirstExecutionRunId>, done: (h: WorkflowHandleWithFirstExecutionRunId) => Promise<unknown>) {
  const taskQueue = `record-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: path.join(repoRoot, 'workflows', 'index.ts'), activities });
  await worker.runUntil(async () => {
    const handle = await start(taskQueue);
    await done(handle);
    const history = await env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).fetchHistory();
    await writeFile(path.join(repoRoot, 'workflows', 'histories', `${name}.json`), historyToJSON(history));
    console.log(`recorded ${name}: ${history.events?.length} events`);
    if (name === 'market-feed') await handle.terminate('recorded');
  });
}

try {
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
} finally {
  await env.teardown();
}
