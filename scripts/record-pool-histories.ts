// Records reference histories of the pool scaler for the replay test, on a simulated Docker host:
// - pool-scaler: placement by update (how bots were placed before placement went by signal): a burst of placements, a
//   stop, a release, a move, a container that vanishes (its bots placed again) and a drain;
// - pool-scaler-signals + bot-pooled-lifecycle: a pooled bot's lifecycle (provision, stop, start, delete) placed by
//   signals, with the scaler's activities on their own queue.
// The scaler runs forever, so its history ends where the script stops it (a replay of a running workflow's history is as
// good a determinism check). Name histories to record only those (`... pool-scaler-signals`); re-record an existing one
// only when a workflow change is meant to break replay of old histories (and version it instead when pools run).
import { WithStartWorkflowOperation } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createPoolPlacementClient } from '../activities/pool-placement.js';
import { defaultPoolSettings, findBot, type PoolState } from '../domain/pool.js';
import { botWorkflowId, dockerQueue, poolTaskQueue, poolWorkflowId } from '../domain/workflow-ids.js';
import { fakeBotActivities } from '../test/fake-bot-activities.js';
import { fakePoolActivities, fakePoolDockerActivities, newPoolSim } from '../test/fake-pool-activities.js';
import type { WorkflowTestEnv } from '../test/workflow-env.js';
import { botState, botWorkflow, createBot, deleteBot, startBot, stopBot } from '../workflows/bot.js';
import { drainContainer, placeBot, poolState, poolWorkflow, releaseBot, relocateBot } from '../workflows/pool.js';
import { recordHistories, saveHistory } from './history-recording.js';

const only = process.argv.slice(2);
const wanted = (name: string) => only.length === 0 || only.includes(name);
const until = async <T>(read: () => Promise<T>, ok: (s: T) => boolean) => {
  for (let i = 0; i < 600; i++) {
    const s = await read();
    if (ok(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the scripted workflow never got there');
};

async function recordUpdates(env: WorkflowTestEnv): Promise<void> {
  const sim = newPoolSim();
  const host = 'recorded';
  const docker = await Worker.create({ connection: env.nativeConnection, taskQueue: dockerQueue(host), activities: fakePoolDockerActivities(sim) });
  await docker.runUntil(() =>
    env.withWorker(fakePoolActivities(sim), async (taskQueue) => {
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
      await saveHistory('pool-scaler', history);
    }),
  );
}

async function recordSignals(env: WorkflowTestEnv): Promise<void> {
  const sim = newPoolSim();
  const host = 'recorded-signals';
  const poolId = 'recorded-signals';
  const docker = await Worker.create({ connection: env.nativeConnection, taskQueue: dockerQueue(host), activities: fakePoolDockerActivities(sim) });
  let placement: ReturnType<typeof createPoolPlacementClient> | undefined;
  const activities = {
    ...fakeBotActivities([], undefined, { placement: 'pool' }),
    requestPlacement: (input: Parameters<ReturnType<typeof createPoolPlacementClient>['request']>[0]) => placement!.request({ ...input, sizeMb: 5 }),
  };
  await docker.runUntil(() =>
    env.withWorker(activities, async (taskQueue) => {
      placement = createPoolPlacementClient(env.client, { poolId, taskQueue, settings: { ...defaultPoolSettings(host), maxBotsPerContainer: 2, headroom: 1 } });
      const pools = await Worker.create({ connection: env.nativeConnection, taskQueue: poolTaskQueue(taskQueue), activities: fakePoolActivities(sim) });
      await pools.runUntil(async () => {
        const botId = '00000000-0000-4000-8000-0000000000c1';
        const op = new WithStartWorkflowOperation(botWorkflow, {
          workflowId: botWorkflowId(botId), taskQueue, args: [{ botId, userId: 'u1' }], workflowIdConflictPolicy: 'USE_EXISTING',
        });
        await env.client.workflow.executeUpdateWithStart(createBot, { args: [{ name: 'pooled', pairs: ['BTC/USDT'], stakeAmount: 10 }], updateId: 'create', startWorkflowOperation: op });
        const bot = await op.workflowHandle();
        await until(() => bot.query(botState), (s) => s.status === 'running');
        for (const command of [stopBot, startBot, deleteBot]) await bot.executeUpdate(command);
        await bot.result();
        await saveHistory('bot-pooled-lifecycle', await bot.fetchHistory());
        const pool = env.client.workflow.getHandle(poolWorkflowId(poolId));
        const history = await pool.fetchHistory();
        await pool.terminate('recorded');
        await saveHistory('pool-scaler-signals', history);
      });
    }),
  );
}

await recordHistories(async (env) => {
  if (wanted('pool-scaler')) await recordUpdates(env);
  if (wanted('pool-scaler-signals') || wanted('bot-pooled-lifecycle')) await recordSignals(env);
});
