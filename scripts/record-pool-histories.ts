// Records a reference history of the pool scaler for the replay test: a burst of placements, a stop, a release, a move,
// a container that vanishes (its bots placed again) and a drain, on a simulated Docker host. The scaler runs forever, so
// the history ends where the script stops it (a replay of a running workflow's history is as good a determinism check).
// Re-record only when a workflow change is meant to break replay of old histories (and version it instead when pools run).
import { Worker } from '@temporalio/worker';
import { defaultPoolSettings, findBot, type PoolState } from '../domain/pool.js';
import { dockerQueue, poolWorkflowId } from '../domain/workflow-ids.js';
import { fakePoolActivities, fakePoolDockerActivities, newPoolSim } from '../test/fake-pool-activities.js';
import { drainContainer, placeBot, poolState, poolWorkflow, releaseBot, relocateBot } from '../workflows/pool.js';
import { recordHistories, saveHistory } from './history-recording.js';

const until = async (read: () => Promise<PoolState>, ok: (s: PoolState) => boolean) => {
  for (let i = 0; i < 600; i++) {
    const s = await read();
    if (ok(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the scripted pool never got there');
};

await recordHistories(async (env) => {
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
      let s = await until(() => h.query(poolState), (x) => !findBot(x, bots[2]!) && x.containers.every((c) => c.status === 'ready'));
      const other = s.containers.find((c) => c.key !== findBot(s, bots[1]!)!.key)!;
      await h.executeUpdate(relocateBot, { args: [bots[1]!, other.key] });
      sim.containers.delete(findBot(await h.query(poolState), bots[1]!)!.key); // the container of bot 2 vanishes
      s = await until(() => h.query(poolState), (x) => findBot(x, bots[1]!)?.key !== other.key && x.containers.every((c) => c.status === 'ready'));
      await h.executeUpdate(drainContainer, { args: [findBot(s, bots[0]!)!.key] });
      await until(() => h.query(poolState), (x) => !x.containers.some((c) => c.status === 'draining'));
      const history = await h.fetchHistory();
      await h.terminate('recorded');
      await saveHistory('pool-scaler', history);
    }),
  );
});
