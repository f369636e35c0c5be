// Records a reference history of a bot whose pairs change (taken live, then a list it does not take and gets back from)
// for the replay test. Re-record only when a workflow change is meant to break replay of old histories.
import { createSettledBot } from '../test/bot-workflow.js';
import { fakeBotActivities } from '../test/fake-bot-activities.js';
import { fakeBotPairActivities } from '../test/fake-bot-pair-activities.js';
import { changeBotPairs, deleteBot } from '../workflows/bot.js';
import { recordHistories, saveHistory } from './history-recording.js';

const spec = { name: 'alpha', pairs: ['BTC/USDT'], stakeAmount: 100 };

await recordHistories(async (env) => {
  const calls: string[] = [];
  const acts = { ...fakeBotActivities(calls), ...fakeBotPairActivities(calls, { neverTaken: 'ETH/USDT' }) };
  await env.withWorker(acts, async (taskQueue) => {
    const { handle } = await createSettledBot(env.client, taskQueue, spec);
    const taken = await handle.executeUpdate(changeBotPairs, { args: [{ pairs: ['BTC/USDT', 'SOL/USDT'] }] });
    if (!taken.applied) throw new Error('the change did not go as scripted');
    const refused = await handle.executeUpdate(changeBotPairs, { args: [{ pairs: ['ETH/USDT'] }] }).then(() => null, (e: unknown) => e);
    if (!refused) throw new Error('the untaken list did not fail');
    await handle.executeUpdate(deleteBot);
    await handle.result();
    await saveHistory('bot-pairs', await handle.fetchHistory());
  });
});
