// Records reference histories of the guard workflow (a trailing-stop exit; a take-profit ladder) for the replay test.
// Recorded without the payload codec, so the replay test reads them without a key; the codec passes such payloads through.
// Run: node --import tsx scripts/record-guard-histories.ts (only when a change is meant to break replay). The recordings
// without the `-exit-writes-once` suffix come from before that patch and are kept: they replay its older path.
// `guard-batch-started-*`: a batch-made guard's workflow, started by its first trigger with its row's state carried in;
// `guard-batch`: the batch workflow itself.
import { randomUUID } from 'node:crypto';
import type { GuardRules } from '../domain/guard.js';
import type { WatchEvent } from '../domain/guard-math.js';
import { fakeGuardActivities } from '../test/fake-guard-activities.js';
import { createGuard, editGuard, guardPrice, guardWorkflow } from '../workflows/guard.js';
import { guardBatchWorkflow } from '../workflows/guard-batch.js';
import { recordHistories, saveHistory } from './history-recording.js';
import { guardBatchWorkflowId, guardWorkflowId } from '../domain/workflow-ids.js';

await recordHistories(async (env) => {
  async function record(name: string, rules: GuardRules, events: WatchEvent[], edit?: GuardRules) {
    const activities = fakeGuardActivities({ exits: [], attempts: 0, saved: [], events: [] }, { failFirstExitAttempt: true });
    await env.withWorker(activities, async (taskQueue) => {
      const guardId = randomUUID();
      const handle = await env.client.workflow.start(guardWorkflow, { workflowId: guardWorkflowId(guardId), taskQueue, args: [{ guardId, userId: 'u1' }] });
      await handle.executeUpdate(createGuard, { args: [{ target: { kind: 'wallet', exchangeAccountId: randomUUID(), symbol: 'BTC/USDT', amount: 2, entryPrice: 100 }, ...rules }] });
      if (edit) await handle.executeUpdate(editGuard, { args: [edit] });
      for (const event of events) await handle.signal(guardPrice, event);
      await handle.result();
      await saveHistory(name, await handle.fetchHistory());
    });
  }

  await record('guard-trailing-stop-exit-writes-once', { trail: { trailPct: 5 } }, [
    { kind: 'peak', peak: 106, at: 1 },
    { kind: 'stop', price: 100.5, peak: 106, stop: 100.7, at: 2 },
  ], { trail: { trailPct: 4 } });
  await record('guard-take-profit-exit-writes-once', { takeProfit: { targets: [{ pct: 5, fraction: 0.5 }, { price: 110, fraction: 0.5 }], breakEvenAfterFirst: true } }, [
    { kind: 'target', index: 0, price: 105.5, peak: 105.5, at: 1 },
    { kind: 'target', index: 1, price: 110.2, peak: 110.2, at: 2 },
  ]);

  await env.withWorker(fakeGuardActivities({ exits: [], attempts: 0, saved: [], events: [] }), async (taskQueue) => {
    const guardId = randomUUID();
    const carried = {
      state: 'watching' as const, exchangeId: 'paper', symbol: 'BTC/USDT', entryPrice: 100, amount: 2, remaining: 2, rules: { trail: { trailPct: 5 } },
      peak: 100, nextTarget: 0, breakEven: false, step: 0, lastError: null, exits: [],
    };
    // As the watcher starts it: the first trigger starts the workflow with the row's state.
    const handle = await env.client.workflow.signalWithStart(guardWorkflow, {
      workflowId: guardWorkflowId(guardId), taskQueue, args: [{ guardId, userId: 'u1', carried }],
      signal: guardPrice, signalArgs: [{ kind: 'stop', price: 100.5, peak: 106, stop: 100.7, at: 2 }],
    });
    await handle.result();
    await saveHistory('guard-batch-started-trailing-stop', await handle.fetchHistory());

    const batch = await env.client.workflow.start(guardBatchWorkflow, {
      workflowId: guardBatchWorkflowId(randomUUID()), taskQueue,
      args: [{ userId: 'u1', guardIds: [randomUUID(), randomUUID()], specs: [{ target: { kind: 'wallet' } }, { target: { kind: 'wallet' } }] }],
    });
    await batch.result();
    await saveHistory('guard-batch', await batch.fetchHistory());
  });
});
