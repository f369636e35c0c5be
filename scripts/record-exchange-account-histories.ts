// Records reference histories of the exchange account workflows (add, wallet sync, rejected key) for the replay test.
// Recorded without the payload codec, so the replay test reads them without a key; the codec passes such payloads through.
// Run: node --import tsx scripts/record-exchange-account-histories.ts (only when a change is meant to break replay).
import { randomUUID } from 'node:crypto';
import { failures, fakeExchangeAccountActivities, type FakeBehaviour } from '../test/fake-exchange-account-activities.js';
import { addExchangeAccount, walletSync } from '../workflows/exchange-accounts.js';
import { recordHistories, saveHistory } from './history-recording.js';
import { addExchangeAccountWorkflowId, walletSyncScheduleId } from '../domain/workflow-ids.js';

await recordHistories(async (env) => {
  async function record(name: string, behaviour: FakeBehaviour, start: (taskQueue: string) => Promise<{ workflowId: string }>) {
    await env.withWorker(fakeExchangeAccountActivities([], behaviour), async (taskQueue) => {
      const { workflowId } = await start(taskQueue);
      const handle = env.client.workflow.getHandle(workflowId);
      await handle.result().catch(() => undefined);
      await saveHistory(name, await handle.fetchHistory());
    });
  }

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
});
