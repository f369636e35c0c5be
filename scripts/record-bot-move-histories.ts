// Records a reference history of the bot workflow's version moves (one rolled back, one that succeeds) for the replay test.
// Re-record only when a workflow change is meant to break replay of old histories (and version it instead when bots run).
import { createSettledBot } from '../test/bot-workflow.js';
import { fakeBotActivities } from '../test/fake-bot-activities.js';
import { deleteBot, moveBot } from '../workflows/bot.js';
import { recordHistories, saveHistory } from './history-recording.js';

const spec = { name: 'alpha', pairs: ['BTC/USDT'], stakeAmount: 100 };
const unhealthy = '00000000-0000-4000-8000-00000000bad0';
const healthy = '00000000-0000-4000-8000-000000000900';

await recordHistories((env) =>
  env.withWorker(fakeBotActivities([], undefined, { unhealthyStrategy: unhealthy }), async (taskQueue) => {
    const { handle } = await createSettledBot(env.client, taskQueue, spec);
    const rolledBack = await handle.executeUpdate(moveBot, { args: [{ strategyVersionId: unhealthy }] });
    const moved = await handle.executeUpdate(moveBot, { args: [{ strategyVersionId: healthy }] });
    if (rolledBack.moved || !moved.moved) throw new Error('the recorded moves did not go as scripted');
    await handle.executeUpdate(deleteBot);
    await handle.result();
    await saveHistory('bot-moves', await handle.fetchHistory());
  }),
);
