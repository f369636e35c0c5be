// Records a reference history of a bot the fleet reconciler revives (silent once, started again) for the replay test.
// Re-record only when a workflow change is meant to break replay of old histories (and version it instead when bots run).
import { createSettledBot } from '../test/bot-workflow.js';
import { fakeBotActivities } from '../test/fake-bot-activities.js';
import { botState, deleteBot, reviveBot } from '../workflows/bot.js';
import { recordHistories, saveHistory } from './history-recording.js';

const spec = { name: 'alpha', pairs: ['BTC/USDT'], stakeAmount: 100 };

await recordHistories(async (env) => {
  const calls: string[] = [];
  const acts = fakeBotActivities(calls);
  let silent = false;
  acts.botAnswers = async () => !silent;
  const healthy = acts.waitBotHealthy;
  acts.waitBotHealthy = async (id, t) => {
    silent = false; // the restart brought it back
    return healthy(id, t);
  };
  await env.withWorker(acts, async (taskQueue) => {
    const { handle } = await createSettledBot(env.client, taskQueue, spec);
    silent = true;
    const before = calls.length;
    await handle.signal(reviveBot, { reason: 'unreachable since 2026-12-06T10:00:00.000Z', seen: 'running' });
    for (let i = 0; i < 100 && (calls.length === before || calls.at(-1) !== 'setBotStatus:running'); i++) await new Promise((r) => setTimeout(r, 100));
    if ((await handle.query(botState)).status !== 'running' || !calls.slice(before).includes('createBotRuntime')) throw new Error('the revive did not go as scripted');
    await handle.executeUpdate(deleteBot);
    await handle.result();
    await saveHistory('bot-revive', await handle.fetchHistory());
  });
});
