// Records reference histories of the exchange account workflows (add, wallet sync, rejected key) for the replay test.
// Recorded without the payload codec, so the replay test reads them without a key; the codec passes such payloads through.
// Run: node --import tsx scripts/record-exchange-account-histories.ts (only when a change is meant to break replay).
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { addExchangeAccountWorkflowId, walletSyncScheduleId } from '../domain/workflow-ids.js';
import { failures, fakeExchangeAccountActivities, type FakeBehaviour } from '../test/fake-exchange-account-activities.js';
import { addExchangeAccount, walletSync } from '../workflows/exchange-accounts.js';
import { repoRoot } from './services/paths.js';
import { resolveTemporalCli } from './services/temporal.js';

const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: resolveTemporalCli() } } });

async function record(name: string, behaviour: FakeBehaviour, start: (taskQueue: string) => Promise<{ workflowId: string }>) {
  const taskQueue = `record-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection, taskQueue, workflowsPath: path.join(repoRoot, 'workflows', 'index.ts'), activities: fakeExchangeAccountActivities([], behaviour),
  });
  await worker.runUntil(async () => {
    const { workflowId } = await start(taskQueue);
    const handle = env.client.workflow.getHandle(workflowId);
    await handle.result().catch(() => undefined);
    const history = await handle.fetchHistory();
    await writeFile(path.join(repoRoot, 'workflows', 'histories', `${name}.json`), historyToJSON(history));
    console.log(`recorded ${name}: ${history.events?.length} events`);
  });
}

try {
  const accountId = randomUUID();
  await record('exchange-account-add', {}, (taskQueue) =>
    env.client.workflow.start(addExchangeAccount, {
      workflowId: addExchangeAccountWorkflowId(accountId), taskQueue,
      args: [{ accountId, userId: 'u1', exchangeId: 'paper', label: 'Paper', syncIntervalSeconds: 60, sealedCredentials: 'v1.sealed' }],
    }));
  await record('wallet-sync', {}, (taskQueue) =>
    env.client.workflow.start(walletSync, { workflowId: walletSyncScheduleId(accountId), taskQueue, args: [accountId] }));
  // The rejection since the stale-key guard; wallet-sync-rejected-key.json keeps the path of runs from before it.
  await record('wallet-sync-rejected-key-guarded', { failAt: { syncWallet: failures.rejectedKey } }, (taskQueue) =>
    env.client.workflow.start(walletSync, { workflowId: walletSyncScheduleId(`${accountId}-rejected`), taskQueue, args: [accountId] }));
} finally {
  await env.teardown();
}
