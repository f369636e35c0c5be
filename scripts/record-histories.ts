// Records reference histories of the bot workflow (happy path, failed provisioning) for the replay test.
// Re-record only when a workflow change is meant to break replay of old histories (and version it instead when bots run).
import { createSettledBot } from '../test/bot-workflow.js';
import { fakeBotActivities } from '../test/fake-bot-activities.js';
import { deleteBot, startBot, stopBot } from '../workflows/bot.js';
import { recordHistories, saveHistory } from './history-recording.js';

const spec = { name: 'alpha', pairs: ['BTC/USDT'], stakeAmount: 100 };

await recordHistories(async (env) => {
  async function record(name: string, failAt: string | undefined, commands: Array<typeof stopBot | typeof startBot | typeof deleteBot>) {
    await env.withWorker(fakeBotActivities([], failAt), async (taskQueue) => {
      const { handle } = await createSettledBot(env.client, taskQueue, spec);
      for (const command of commands) await handle.executeUpdate(command);
      await handle.result();
      await saveHistory(name, await handle.fetchHistory());
    });
  }

  await record('bot-lifecycle', undefined, [stopBot, startBot, deleteBot]);
  await record('bot-failed-provisioning', 'waitBotHealthy', [deleteBot]);
});
