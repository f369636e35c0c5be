// Records reference histories of the migration workflows (an approved run with a paused copy, an aborted run) for the
// replay test, with small fake activities. Run: node --import tsx scripts/record-migration-histories.ts (only when a
// change is meant to break replay).
import { randomUUID } from 'node:crypto';
import type { LegacyCollection } from '../domain/legacy-model.js';
import type { MigrationStatus } from '../domain/migration-run.js';
import { collectionWorkflowId, migrationWorkflowId } from '../domain/workflow-ids.js';
import { abortMigration, approveCutover, migrationProgress, migrationWorkflow, pauseMigration, resumeMigration } from '../workflows/migration.js';
import { recordHistories, saveHistory } from './history-recording.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The run's status as the fake "PostgreSQL" holds it: the backfill stops when it is not `running`, like the real one.
let status: MigrationStatus = 'running';
const batchesLeft = new Map<LegacyCollection, number>();
const activities = {
  planMigration: async (input: { collections: LegacyCollection[] }) => ({ mappingVersion: 1, collections: input.collections.map((collection) => ({ collection, sourceCount: 10 })) }),
  setMigrationState: async (input: { status?: MigrationStatus }) => void (input.status && (status = input.status)),
  collectionTotals: async () => ({ copied: 9, quarantined: 1 }),
  backfillCollection: async (input: { collection: LegacyCollection }) => {
    for (let left = batchesLeft.get(input.collection) ?? 1; left > 0; left -= 1) {
      if (status !== 'running') {
        batchesLeft.set(input.collection, left);
        return { stopped: status, lastId: null, batches: 0 };
      }
      await sleep(200);
    }
    return { stopped: null, lastId: 'ffffffffffffffffffffffff', batches: 3 };
  },
  verifyCollection: async (input: { collection: LegacyCollection }) => ({
    stopped: null, collection: input.collection, sourceCount: 10, targetRows: 9, quarantined: 1, ranges: 2, recopiedRanges: 0, ok: true, detail: 'ok',
  }),
  cutover: async () => {},
  archiveCollections: async (input: { collections: LegacyCollection[] }) => Object.fromEntries(input.collections.map((c) => [c, `${c}_archived`])),
};

await recordHistories(async (env) => {
  async function record(name: string, scenario: (runId: string, taskQueue: string) => Promise<void>) {
    const runId = randomUUID();
    status = 'running';
    await env.withWorker(activities, async (taskQueue) => {
      await scenario(runId, taskQueue);
      for (const [file, id] of [[name, migrationWorkflowId(runId)], [`${name}-trades`, collectionWorkflowId(runId, 'trades')]] as const) {
        await saveHistory(file, await env.client.workflow.getHandle(id).fetchHistory());
      }
    });
  }

  const start = (runId: string, taskQueue: string) =>
    env.client.workflow.start(migrationWorkflow, {
      workflowId: migrationWorkflowId(runId),
      taskQueue,
      args: [{ runId, collections: ['users', 'trades'], batchSize: 100, autoApprove: false, startedBy: 'operator@example.com' }],
    });

  await record('migration-approved', async (runId, taskQueue) => {
    batchesLeft.set('trades', 10);
    const handle = await start(runId, taskQueue);
    while ((await handle.query(migrationProgress)).current !== 'trades') await sleep(100);
    await handle.signal(pauseMigration);
    await sleep(1_000);
    await handle.signal(resumeMigration);
    while ((await handle.query(migrationProgress)).phase !== 'awaiting_cutover') await sleep(100);
    await handle.executeUpdate(approveCutover, { args: [{ runId, approvedBy: 'operator@example.com', acceptQuarantined: true }] });
    await handle.result();
  });

  await record('migration-aborted', async (runId, taskQueue) => {
    batchesLeft.set('trades', 1_000);
    const handle = await start(runId, taskQueue);
    while ((await handle.query(migrationProgress)).current !== 'trades') await sleep(100);
    await handle.executeUpdate(abortMigration, { args: [{ reason: 'recorded' }] });
    const end = await handle.result();
    if (end.phase !== 'aborted') throw new Error(`expected an aborted run, got ${end.phase}`);
  });
});
