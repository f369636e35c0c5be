// Records reference histories of the pool scaler for the replay test, on a simulated Docker host:
// - pool-scaler: placement by update (how bots were placed before placement went by signal): a burst of placements, a
//   stop, a release, a move, a container that vanishes (its bots placed again) and a drain;
// - pool-scaler-signals + bot-pooled-lifecycle: a pooled bot's lifecycle (provision, stop, start, delete) placed by
//   signals, with the scaler's activities on their own queue.
// The scaler runs forever, so its history ends where the script stops it (a replay of a running workflow's history is as
// good a determinism check). Name histories to record only those (`... pool-scaler-signals`); re-record an existing one
// only when a workflow change is meant to break replay of old histories (and version it instead when pools run).
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createPoolPlacementClient } from '../activities/pool-placement.js';
import { defaultPoolSettings, findBot, type PoolState } from '../domain/pool.js';
import { searchAttributeFlags } from '../domain/search-attributes.js';
import { botWorkflowId, dockerQueue, poolTaskQueue, poolWorkflowId } from '../domain/workflow-ids.js';
import { fakeBotActivities } from '../test/fake-bot-activities.js';
import { fakePoolActivities, fakePoolDockerActivities, newPoolSim } from '../test/fake-pool-activities.js';
import { botState, botWorkflow, createBot, deleteBot, startBot, stopBot } from '../workflows/bot.js';
import { drainContainer, placeBot, poolState, poolWorkflow, releaseBot, relocateBot } from '../workflows/pool.js';
import { repoRoot } from './services/paths.js';
import { resolveTemporalCli } from './services/temporal.js';

const only = process.argv.slice(2);
const wanted = (name: string) => only.length === 0 || only.includes(name);
const env = await TestWorkflowEnvironment.createLocal({
  server: { executable: { type: 'existing-path', path: resolveTemporalCli() }, extraArgs: searchAttributeFlags() },
});
const until = async <T>(read: () => Promise<T>, ok: (s: T) => boolean) => {
  for (let i = 0; i < 600; i++) {
    const s = await read();
    if (ok(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the scripted workflow never got there');
};
const save = async (name: string, history: History) => {
  await writeFile(path.join(repoRoot, 'workflows', 'histories', `${name}.json`), historyToJSON(history));
  console.log(`recorded ${name}: ${history.events?.length} events`);
};
const workflowsPath = path.join(repoRoot, 'workflows', 'index.ts');

async function recordUpdates(): Promise<void> {
  const sim = newPoolSim();
  const taskQueue = `record-${randomUUID()}`;
  const host = 'recorded';
  const main = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities: fakePoolActivities(sim) });
  const docker = await Worker.create({ connection: env.nativeConnection, taskQueue: dockerQueue(host), activities: fakePoolDockerActivities(sim) });
  await docker.runUntil(() =>
    main.runUntil(async () => {
      const h = await env.client.workflow.start(poolWorkflow, {
        workflowId: poolWorkflowId('recorded'), taskQueue, args: [{ poolId: 'recorded', settings: { ...defaultPoolSettings(host), maxBotsPerContainer: 2, headroom: 1 } }],
      });
      const bots = ['00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-0000000000b2', '00000000-0000-4000-8000-0000000000b3'];
      await Promise.all(bots.map((botId) => h.executeUpdate(placeBot, { args: [{ botId, sizeMb: 9, run: true }] })));
      await h.executeUpdate(placeBot, { args: [{ botId: bots[0]!, sizeMb: 9, run: false }] });
      await h.signal(releaseBot, bots[2]!);
      const state = () => h.query(poolState);
      let s = await until(state, (x: PoolState) => !findBot(x, bots[2]!) && x.containers.every((c) => c.status === 'ready'));
      const other = s.containers.find((c) => c.key !== findBot(s, bots[1]!)!.key)!;
      await h.executeUpdate(relocateBot, { args: [bots[1]!, other.key] });
      sim.containers.delete(findBot(await h.query(poolState), bots[1]!)!.key); // the container of bot 2 vanishes
      s = await until(state, (x) => findBot(x, bots[1]!)?.key !== other.key && x.containers.every((c) => c.status === 'ready'));
      await h.executeUpdate(drainContainer, { args: [findBot(s, bots[0]!)!.key] });
      await until(state, (x) => !x.containers.some((c) => c.status === 'draining'));
      const history = await h.fetchHistory();
      await h.terminate('recorded');
      await save('pool-scaler', history);
    }),
  );
}

async function recordSignals(): Promise<void> {
  const sim = newPoolSim();
  const taskQueue = `record-${randomUUID()}`;
  const host = 'recorded-signals';
  const poolId = 'recorded-signals';
  const placement = createPoolPlacementClient(env.client, { poolId, taskQueue, settings: { ...defaultPoolSettings(host), maxBotsPerContainer: 2, headroom: 1 } });
  const main = await Worker.create({
    connection: env.nativeConnection, taskQueue, workflowsPath,
    activities: { ...fakeBotActivities([], undefined, { placement: 'pool' }), requestPlacement: (input: Parameters<typeof placement.request>[0]) => placement.request({ ...input, sizeMb: 5 }) },
  });
  const pools = await Worker.create({ connection: env.nativeConnection, taskQueue: poolTaskQueue(taskQueue), activities: fakePoolActivities(sim) });
  const docker = await Worker.create({ connection: env.nativeConnection, taskQueue: dockerQueue(host), activities: fakePoolDockerActivities(sim) });
  await Promise.all([docker.runUntil(() => pools.runUntil(() => main.runUntil(async () => {
    const botId = '00000000-0000-4000-8000-0000000000c1';
    const op = new WithStartWorkflowOperation(botWorkflow, {
      workflowId: botWorkflowId(botId), taskQueue, args: [{ botId, userId: 'u1' }], workflowIdConflictPolicy: 'USE_EXISTING',
    });
    await env.client.workflow.executeUpdateWithStart(createBot, { args: [{ name: 'pooled', pairs: ['BTC/USDT'], stakeAmount: 10 }], updateId: 'create', startWorkflowOperation: op });
    const bot = await op.workflowHandle();
    await until(() => bot.query(botState), (s) => s.status === 'running');
    for (const command of [stopBot, startBot, deleteBot]) await bot.executeUpdate(command);
    await bot.result();
    await save('bot-pooled-lifecycle', await bot.fetchHistory());
    const pool = env.client.workflow.getHandle(poolWorkflowId(poolId));
    const history = await pool.fetchHistory();
    await pool.terminate('recorded');
    await save('pool-scaler-signals', history);
  })))]);
}

try {
  if (wanted('pool-scaler')) await recordUpdates();
  if (wanted('pool-scaler-signals') || wanted('bot-pooled-lifecycle')) await recordSignals();
} finally {
  await env.teardown();
}
