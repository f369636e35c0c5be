import { describe, expect, it } from 'vitest';
import * as ids from './workflow-ids.js';

// Running workflows, schedules, workers and the recorded histories (workflows/histories/*.json) hold these exact
// strings: a change of shape would orphan every entity already running.
describe('workflow ids, schedule ids and task queues', () => {
  it('keep their exact shape', () => {
    expect({
      bot: ids.botWorkflowId('b1'),
      pool: ids.poolWorkflowId('p1'),
      guard: ids.guardWorkflowId('g1'),
      guardBatch: ids.guardBatchWorkflowId('gb1'),
      risk: ids.riskWorkflowId('r1'),
      accountAdd: ids.addExchangeAccountWorkflowId('a1'),
      strategyCheck: ids.strategyCheckWorkflowId('c1'),
      migration: ids.migrationWorkflowId('m1'),
      collection: ids.collectionWorkflowId('m1', 'trades'),
      feed: ids.marketFeedWorkflowId('paper', 'tq'),
      bareFeed: ids.marketFeedWorkflowId('paper'),
      guardWatch: ids.guardWatchWorkflowId('paper', 'tq'),
      walletSync: ids.walletSyncScheduleId('a1'),
      tradeSync: ids.tradeSyncScheduleId('tq'),
      snapshots: ids.portfolioSnapshotsScheduleId('tq'),
      guardQueue: ids.guardTaskQueue('tq'),
      dockerQueue: ids.dockerQueue('h1'),
    }).toEqual({
      bot: 'bot:b1',
      pool: 'pool:p1',
      guard: 'guard:g1',
      guardBatch: 'guard-batch:gb1',
      risk: 'risk:r1',
      accountAdd: 'account-add:a1',
      strategyCheck: 'strategy-check:c1',
      migration: 'migration:m1',
      collection: 'migration:m1/trades',
      feed: 'market-feed:paper@tq',
      bareFeed: 'market-feed:paper',
      guardWatch: 'guard-watch:paper@tq',
      walletSync: 'wallet-sync:a1',
      tradeSync: 'trade-sync@tq',
      snapshots: 'portfolio-snapshots@tq',
      guardQueue: 'guards@tq',
      dockerQueue: 'docker@h1',
    });
  });
});
