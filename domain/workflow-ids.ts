// The name of every workflow id, schedule id and task queue the platform builds, in one place: running workflows,
// schedules and workers find each other by these exact strings, so they must never change shape.
import type { LegacyCollection } from './legacy-model.js';

// Entity workflows: one per entity, so a command reaches it by the entity's id alone.
export const botWorkflowId = (botId: string): string => `bot:${botId}`;
export const poolWorkflowId = (poolId: string): string => `pool:${poolId}`;
export const guardWorkflowId = (guardId: string): string => `guard:${guardId}`;
export const guardBatchWorkflowId = (batchId: string): string => `guard-batch:${batchId}`;
export const riskWorkflowId = (riskId: string): string => `risk:${riskId}`;

// One-off runs.
export const addExchangeAccountWorkflowId = (accountId: string): string => `account-add:${accountId}`;
export const strategyCheckWorkflowId = (checkId: string): string => `strategy-check:${checkId}`;
export const migrationWorkflowId = (runId: string): string => `migration:${runId}`;
/** The migration's child that backfills one collection. */
export const collectionWorkflowId = (runId: string, collection: LegacyCollection): string => `migration:${runId}/${collection}`;

// Standing work, once per platform (task queue), so platforms sharing a namespace never take each other's runs.
/** One feed per exchange and platform; `platform` is left out only by tests that run a bare feed. */
export const marketFeedWorkflowId = (exchangeId: string, platform?: string): string => `market-feed:${exchangeId}${platform ? `@${platform}` : ''}`;
export const guardWatchWorkflowId = (exchangeId: string, taskQueue: string): string => `guard-watch:${exchangeId}@${taskQueue}`;

// Temporal Schedules (a scheduled run's workflow id is the schedule id plus a timestamp).
export const walletSyncScheduleId = (accountId: string): string => `wallet-sync:${accountId}`;
export const tradeSyncScheduleId = (taskQueue: string): string => `trade-sync@${taskQueue}`;
export const portfolioSnapshotsScheduleId = (taskQueue: string): string => `portfolio-snapshots@${taskQueue}`;
/** The fleet reconciler's pass (domain/fleet-reconcile.ts) over one platform's bots. */
export const fleetReconcileScheduleId = (taskQueue: string): string => `fleet-reconcile@${taskQueue}`;

// Task queues beside the platform's own (config TEMPORAL_TASK_QUEUE).
/** The guard worker's task queue beside a platform worker's `taskQueue`: guard workflows run there, in a bundle of their own. */
export const guardTaskQueue = (taskQueue: string): string => `guards@${taskQueue}`;
/** The task queue of the worker next to a Docker host. */
export const dockerQueue = (host: string): string => `docker@${host}`;
/**
 * The pool scaler's own activities (its PostgreSQL writes) beside a platform worker's `taskQueue`: a worker of their own
 * with its own slots, so a burst of bot work can never take the slots the pool needs to finish placing those bots.
 */
export const poolTaskQueue = (taskQueue: string): string => `pools@${taskQueue}`;
