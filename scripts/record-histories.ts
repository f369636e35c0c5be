// Records reference histories of the bot workflow (happy path, failed provisioning) for the replay test.
// Re-record only when a workflow change is meant to break replay of old histories (and version it instead when bots run).
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { fakeBotActivities } from '../test/fake-bot-activities.js';
import { botState, botWorkflow, createBot, deleteBot, startBot, stopBot } from '../workflows/bot.js';
import { recordHistories, saveHistory } from './history-recording.js';

const spec = { name: 'alpha', pairs: ['BTC/USDT'], stakeAmount: 100 };

await recordHistories(async (env) => {
  async function record(name: string, failAt: string | undefined, commands: Array<typeof stopBot | typeof startBot | typeof deleteBot>) {
    await env.withWorker(fakeBotActivities([], failAt), async (taskQueue) => {
      const botId = randomUUID();
      const op = new WithStartWorkflowOperation(botWorkflow, {
        workflowId: `bot:${botId}`, taskQueue, args: [{ botId, userId: 'u1' }], workflowIdConflictPolicy: 'USE_EXISTING',
      });
      await env.client.workflow.executeUpdateWithStart(createBot, { args: [spec], updateId: 'create', startWorkflowOperation: op });
      const handle = await op.workflowHandle();
      while ((await handle.query(botState)).status === 'provisioning') await new Promise((r) => setTimeout(r, 50));
      for (const command of commands) await handle.executeUpdate(command);
      await handle.result();
      await saveHistory(name, await handle.fetchHistory());
    });
  }

  await record('bot-lifecycle', undefined, [stopBot, startBot, deleteBot]);
  await record('bot-failed-provisioning', 'waitBotHealthy', [deleteBot]);
});
