// Records a reference history of the bot workflow's version moves (one rolled back, one that succeeds) for the replay test.
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
import { botState, botWorkflow, createBot, deleteBot, moveBot } from '../workflows/bot.js';
import { repoRoot } from './services/paths.js';
import { resolveTemporalCli } from './services/temporal.js';

const spec = { name: 'alpha', pairs: ['BTC/USDT'], stakeAmount: 100 };
const unhealthy = '00000000-0000-4000-8000-00000000bad0';
const healthy = '00000000-0000-4000-8000-000000000900';
const env = await TestWorkflowEnvironment.createLocal({
  server: { executable: { type: 'existing-path', path: resolveTemporalCli() }, extraArgs: searchAttributeFlags() },
});

try {
  const taskQueue = `record-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection, taskQueue, workflowsPath: path.join(repoRoot, 'workflows', 'index.ts'),
    activities: fakeBotActivities([], undefined, { unhealthyStrategy: unhealthy }),
  });
  await worker.runUntil(async () => {
    const botId = randomUUID();
    const op = new WithStartWorkflowOperation(botWorkflow, {
      workflowId: botWorkflowId(botId), taskQueue, args: [{ botId, userId: 'u1' }], workflowIdConflictPolicy: 'USE_EXISTING',
    });
    await env.client.workflow.executeUpdateWithStart(createBot, { args: [spec], updateId: 'create', startWorkflowOperation: op });
    const handle = await op.workflowHandle();
    while ((await handle.query(botState)).status === 'provisioning') await new Promise((r) => setTimeout(r, 50));
    const rolledBack = await handle.executeUpdate(moveBot, { args: [{ strategyVersionId: unhealthy }] });
    const moved = await handle.executeUpdate(moveBot, { args: [{ strategyVersionId: healthy }] });
    if (rolledBack.moved || !moved.moved) throw new Error('the recorded moves did not go as scripted');
    await handle.executeUpdate(deleteBot);
    await handle.result();
    const history = await handle.fetchHistory();
    await writeFile(path.join(repoRoot, 'workflows', 'histories', 'bot-moves.json'), historyToJSON(history));
    console.log(`recorded bot-moves: ${history.events?.length} events`);
  });
} finally {
  await env.teardown();
}
