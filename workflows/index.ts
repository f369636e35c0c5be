// Every workflow the worker runs; the bundle is built from this file.
export { botWorkflow } from './bot.js';
export { addExchangeAccount, walletSync } from './exchange-accounts.js';
export { marketFeedWorkflow } from './market-feed.js';
export { tradeSyncWorkflow } from './trade-sync.js';
export { portfolioSnapshotsWorkflow } from './portfolio-snapshots.js';
export { migrationWorkflow, migrateCollectionWorkflow } from './migration.js';
export { strategyCheckWorkflow } from './strategy-check.js';
export { guardWorkflow } from './guard.js';
export { guardWatchWorkflow } from './guard-watch.js';
export { guardBatchWorkflow } from './guard-batch.js';
export { riskWorkflow } from './risk.js';
export { poolWorkflow } from './pool.js';
export { fleetReconcileWorkflow } from './fleet-reconcile.js';
