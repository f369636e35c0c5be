// Records reference histories of the bot workflow (happy path, failed provisioning) for the replay test.
// Re-record only when a workflow change is meant to break replay of old histories (and version it instead when bots run).
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { searchAttributeFlags } from '../domain/search-attributes.js';
import { botWorkflowId } from '../domain/workflow-ids.js';
import { fakeBotActivities } from '../test/fake-bot-activities.js';
import { botState, botWorkflow, createBot, deleteBot, startBot, stopBot } from '../workflows/bot.js';
import { repoRoot } from './services/paths.js';
import { resolveTemporalCli } from './services/temporal.js';

const spec = { name: 'alpha', pairs: ['BTC/USDT'], stakeAmount: 100 };
const env = await TestWorkflowEnvironment.createLocal({
  server: { executable: { type: 'existing-path', path: resolveTemporalCli() }, extraArgs: searchAttributeFlags() },
});

async function record(name: string, failAt: string | undefined, commands: Array<typeof stopBot | typeof startBot | typeof deleteBot>) {
  const taskQueue = `record-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection, taskQueue, workflowsPath: path.join(repoRoot, 'workflows', 'index.ts'), activities: fakeBotActivities([], failAt),
  });
  await worker.runUntil(async () => {
    const botId = randomUUID();
    const op = new WithStartWorkflowOperation(botWorkflow, {
      workflowId: botWorkflowId(botId), taskQueue, args: [{ botId, userId: 'u1' }], workflowIdConflictPolicy: 'USE_EXISTING',
    });
    await env.client.workflow.executeUpdateWithStart(createBot, { args: [spec], updateId: 'create', startWorkflowOperation: op });
    const handle = await op.workflowHandle();
    while ((await handle.query(botState)).status === 'provisioning') await new Promise((r) => setTimeout(r, 50));
    for (const command of commands) await handle.executeUpdate(command);
    await handle.result();
    const history = await handle.fetchHistory();
    await writeFile(path.join(repoRoot, 'workflows', 'histories', `${name}.json`), historyToJSON(history));
    console.log(`recorded ${name}: ${history.events?.length} events`);
  });
}

try {
  await record('bot-lifecycle', undefined, [stopBot, startBot, deleteBot]);
  await record('bot-failed-provisioning', 'waitBotHealthy', [deleteBot]);
} finally {
  await env.teardown();
}
