// What must always run once per platform, ensured at every worker start: the market feeds and the periodic schedules.
import { ScheduleAlreadyRunning, type Client, type Workflow } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { fleetReconcileScheduleId, marketFeedWorkflowId, portfolioSnapshotsScheduleId, tradeSyncScheduleId } from '../domain/workflow-ids.js';
import { fleetReconcileWorkflow } from '../workflows/fleet-reconcile.js';
import { marketFeedWorkflow } from '../workflows/market-feed.js';
import { portfolioSnapshotsWorkflow } from '../workflows/portfolio-snapshots.js';
import { tradeSyncWorkflow } from '../workflows/trade-sync.js';

/** Exchanges the platform feeds prices for from the start (others could be added as users connect them). */
export const FED_EXCHANGES = ['paper'];

/** Starts `market-feed:<exchangeId>@<taskQueue>` unless it runs already: any number of workers may call this at once. */
export async function ensureMarketFeed(client: Client, taskQueue: string, exchangeId: string): Promise<void> {
  await client.workflow.start(marketFeedWorkflow, {
    workflowId: marketFeedWorkflowId(exchangeId, taskQueue),
    taskQueue,
    args: [{ exchangeId }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
}

/**
 * Creates the schedule unless it exists. An existing one keeps its history and state (paused stays paused); only a
 * task queue that differs from this worker's is corrected, so its runs reach a worker that listens.
 */
export async function ensureSchedule(
  client: Client,
  options: { scheduleId: string; every: Duration; workflow: Workflow; taskQueue: string; args?: unknown[] },
): Promise<'created' | 'exists' | 'moved'> {
  const { scheduleId, every, workflow, taskQueue, args = [] } = options;
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every }] },
      action: { type: 'startWorkflow', workflowType: workflow, workflowId: scheduleId, taskQueue, args },
      policies: { overlap: 'SKIP', catchupWindow: '1 minute' },
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const handle = client.schedule.getHandle(scheduleId);
  const current = await handle.describe();
  if (current.action.type !== 'startWorkflow' || current.action.taskQueue === taskQueue) return 'exists';
  await handle.update((previous) => ({ ...previous, action: { ...previous.action, taskQueue } }));
  return 'moved';
}

/** `poolId`: the pool whose Docker hosts the fleet reconciler sweeps (absent when bots run as local processes). */
export async function ensureStandingWork(
  client: Client,
  taskQueue: string,
  log: (msg: string) => void = () => {},
  options: { poolId?: string } = {},
): Promise<void> {
  for (const exchangeId of FED_EXCHANGES) await ensureMarketFeed(client, taskQueue, exchangeId);
  const tradeSyncId = tradeSyncScheduleId(taskQueue);
  const snapshotsId = portfolioSnapshotsScheduleId(taskQueue);
  const reconcileId = fleetReconcileScheduleId(taskQueue);
  const tradeSync = await ensureSchedule(client, { scheduleId: tradeSyncId, every: '10 seconds', workflow: tradeSyncWorkflow, taskQueue });
  const snapshots = await ensureSchedule(client, { scheduleId: snapshotsId, every: '1 minute', workflow: portfolioSnapshotsWorkflow, taskQueue });
  const reconcile = await ensureSchedule(client, {
    scheduleId: reconcileId, every: '10 seconds', workflow: fleetReconcileWorkflow, taskQueue, args: [options.poolId ? { poolId: options.poolId } : {}],
  });
  log(`market feeds (${FED_EXCHANGES.join(', ')}) running; schedules ${tradeSyncId} ${tradeSync}, ${snapshotsId} ${snapshots}, ${reconcileId} ${reconcile}`);
}
