// Creates a bot as the API does (`createBot` in one updateWithStart) and waits until its provisioning has ended.
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { botState, botWorkflow, createBot } from '../workflows/bot.js';
import { botWorkflowId } from '../domain/workflow-ids.js';

export async function createSettledBot(client: Client, taskQueue: string, spec: unknown) {
  const botId = randomUUID();
  const op = new WithStartWorkflowOperation(botWorkflow, {
    workflowId: botWorkflowId(botId), taskQueue, args: [{ botId, userId: 'u1' }], workflowIdConflictPolicy: 'USE_EXISTING',
  });
  const bot = await client.workflow.executeUpdateWithStart(createBot, { args: [spec], updateId: 'create', startWorkflowOperation: op });
  const handle = await op.workflowHandle();
  for (let i = 0; i < 200; i++) {
    const state = await handle.query(botState);
    if (state.status !== 'provisioning') return { bot, handle, state };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('bot never left provisioning');
}
