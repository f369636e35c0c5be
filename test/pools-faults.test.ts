// Pools across two Docker hosts (a second dockerd on this machine, served by its own worker process on docker@<host>,
// its bots answering on its gateway's own loopback address, as a host on another machine would on its), and the faults the pool scaler must survive: a worker SIGKILLed in the middle of a scale-up (no duplicate
// containers), and a restarted dockerd (the scaler reconciles; every bot runs again, in exactly one container).
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBot } from '../db/bots.js';
import { defaultPoolSettings, type PoolState } from '../domain/pool.js';
import { poolWorkflowId } from '../domain/workflow-ids.js';
import { startSecondDocker, type SecondDocker } from '../scripts/services/second-docker.js';
import { loopbackAddress, ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';
import { killWorker, spawnWorker } from './worker-process.js';

const hostA = `a-${randomUUID().slice(0, 6)}`;
const hostB = `b-${randomUUID().slice(0, 6)}`;
const poolId = `f-${randomUUID().slice(0, 8)}`;
const dockerA = new Docker();
let dockerB: Docker;
let second: SecondDocker;
let platform: TestPlatform;
const workers: ChildProcess[] = [];
let mainWorker: ChildProcess;
let hostWorker: ChildProcess;

const poolEnv = { BOT_POOL_ID: poolId, BOT_PLACEMENT: 'pool', POOL_HOSTS: `${hostA},${hostB}` };
const socketDirB = () => `${platform.config.BOT_SOCKET_DIR}-b`;
/** Host B's gateway address; host A's is the platform's BOT_API_ADDRESS. */
const addressB = loopbackAddress();
const startMainWorker = () => {
  mainWorker = spawnWorker(platform.config, { ...poolEnv, DOCKER_HOST_NAME: hostA });
  workers.push(mainWorker);
};
const containersOn = async (docker: Docker) => docker.listContainers({ all: true, filters: { label: [`tradefleet.pool=${poolId}`] } });
const pool = () => platform.temporal.workflow.getHandle(poolWorkflowId(poolId));
const state = () => pool().query<PoolState>('state');
const pingsAt = async (host: string, port: number) => {
  try {
    return (await fetch(`http://${host}:${port}/api/v1/ping`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
};
/** Pings a bot where the platform says it answers now (its container's host). */
const pings = async (id: string) => {
  const bot = await findBot(platform.db, id);
  return bot !== null && pingsAt(bot.apiHost ?? platform.config.BOT_API_ADDRESS, bot.apiPort);
};

beforeAll(async () => {
  second = await startSecondDocker('b', [process.env.BOT_IMAGE ?? 'tradefleet/bot-host:latest']);
  dockerB = new Docker({ socketPath: second.dockerHost.slice('unix://'.length) });
  platform = await startPlatform({ worker: false, env: { BOT_DRIVER: 'docker', ...poolEnv, DOCKER_HOST_NAME: hostA } });
  startMainWorker();
  hostWorker = spawnWorker(platform.config, {
    // A Docker host of its own on this machine: its own socket root (a worker serves every p-* directory under its root).
    ...poolEnv, WORKER_ROLE: 'docker-host', DOCKER_HOST: second.dockerHost, DOCKER_HOST_NAME: hostB, BOT_API_ADDRESS: addressB, BOT_SOCKET_DIR: socketDirB(),
  });
  workers.push(hostWorker);
  // Small containers, so four bots need two of them, one on each host.
  await platform.temporal.workflow.start('poolWorkflow', {
    workflowId: poolWorkflowId(poolId),
    taskQueue: platform.config.TEMPORAL_TASK_QUEUE,
    args: [{ poolId, settings: { ...defaultPoolSettings(hostA), hosts: [hostA, hostB], maxBotsPerContainer: 2, headroom: 0 } }],
  });
}, 180_000);

afterAll(async () => {
  await Promise.all(workers.splice(0).map(killWorker));
  for (const [docker, list] of [[dockerA, await containersOn(dockerA)], [dockerB, await containersOn(dockerB).catch(() => [])]] as const) {
    for (const c of list) await docker.getContainer(c.Id).remove({ force: true, v: true });
  }
  if (platform) await fs.rm(socketDirB(), { recursive: true, force: true });
  await platform?.stop();
  await second?.stop();
});

// An ordered story: two Docker hosts whose workers and dockerd are killed and restarted as the steps go; its steps keep their order in a shuffled run (files still shuffle).
describe('pools on two Docker hosts', { shuffle: false }, () => {
  let bots: Array<{ id: string; apiPort: number }> = [];
  let user: Awaited<ReturnType<typeof signedUpAgent>>;

  it('places bots on both hosts, each host worker running its own containers, each bot reached on its host', async () => {
    user = await signedUpAgent(platform.app);
    const ids: string[] = [];
    for (const name of ['H1', 'H2', 'H3', 'H4']) {
      const created = await user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name, pairs: ['BTC/USDT'], stakeAmount: 10 });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      ids.push(created.body.bot.id);
    }
    bots = await Promise.all(ids.map((id) => waitFor('running', async () => {
      const bot = await findBot(platform.db, id);
      return bot?.status === 'running' ? bot : null;
    }, 180_000)));
    const s = await state();
    expect(new Set(s.containers.filter((c) => Object.keys(c.bots).length > 0).map((c) => c.host))).toEqual(new Set([hostA, hostB]));
    for (const b of bots) {
      const onB = s.containers.some((c) => c.host === hostB && b.id in c.bots);
      const row = (await findBot(platform.db, b.id))!;
      expect(row.apiHost, b.id).toBe(onB ? addressB : platform.config.BOT_API_ADDRESS);
      expect(await pingsAt(row.apiHost!, b.apiPort)).toBe(true);
      // Only there: host B's bots listen on its address, not on the platform's.
      expect(await pingsAt(onB ? platform.config.BOT_API_ADDRESS : addressB, b.apiPort)).toBe(false);
      // The platform reads each bot's trading view (balance, trades) from wherever it runs.
      const trading = await user.agent.get(`/api/bots/${b.id}/trading`);
      expect(trading.status, b.id).toBe(200);
    }
    expect((await containersOn(dockerA)).length).toBeGreaterThan(0);
    expect((await containersOn(dockerB)).length).toBeGreaterThan(0);
  }, 300_000);

  it('scales up without duplicate containers when the worker is SIGKILLed in the middle', async () => {
    const before = (await state()).containers.length;
    const scaling = pool().executeUpdate('scalePool', { args: [before + 2] }).catch(() => undefined);
    await waitFor('a container being added', async () => (await state()).containers.some((c) => c.status === 'starting'), 60_000);
    await killWorker(mainWorker);
    startMainWorker();
    await scaling;
    const s = await waitFor('the scale-up finished', async () => {
      const now = await state();
      return now.containers.length === before + 2 && now.containers.every((c) => c.status === 'ready') ? now : null;
    }, 180_000);
    const keys = [...(await containersOn(dockerA)), ...(await containersOn(dockerB))].map((c) => c.Labels['tradefleet.pool-container']);
    expect(keys.sort()).toEqual(s.containers.map((c) => c.key).sort());
  }, 300_000);

  it('reconciles after dockerd restarts: every bot runs again, in exactly one container', async () => {
    const onB = (await state()).containers.filter((c) => c.host === hostB).flatMap((c) => Object.keys(c.bots));
    expect(onB.length).toBeGreaterThan(0);
    const restartedAt = Date.now();
    await second.restart();
    for (const b of bots) await waitFor('a bot answering after the restart', () => pings(b.id), 120_000);
    console.log(`dockerd restarted: its ${onB.length} pooled bots answered again after ${((Date.now() - restartedAt) / 1000).toFixed(1)} s`);
    await waitFor('a reconcile after the restart', async () => {
      const s = await state();
      const running = [...(await containersOn(dockerA)), ...(await containersOn(dockerB))].filter((c) => c.State === 'running');
      return s.containers.every((c) => running.some((r) => r.Labels['tradefleet.pool-container'] === c.key));
    }, 60_000);
    const s = await state();
    for (const b of bots) expect(s.containers.filter((c) => b.id in c.bots)).toHaveLength(1);
    for (const b of bots) expect((await findBot(platform.db, b.id))?.status).toBe('running');
  }, 300_000);

  it('deletes a bot on the second host with its saved state, and that host worker still stops at once on SIGTERM', async () => {
    // Host B's bots came back after the dockerd restart either in their own containers (Docker restarted them) or in
    // host A's (the scaler found theirs dead first and placed them again). Either way, a bot on host B to delete: the
    // operator's move puts one there when none is, onto an empty ready container of host B (a new one if B has none).
    const onB = (s: PoolState) => s.containers.find((c) => c.host === hostB && c.status === 'ready' && Object.keys(c.bots).length > 0);
    const settled = await waitFor('the scaler settled', async () => {
      const s = await state();
      return s.containers.every((c) => c.status === 'ready' || c.status === 'dead') ? s : null;
    }, 90_000);
    if (!onB(settled)) {
      let target = settled.containers.find((c) => c.host === hostB && c.status === 'ready' && Object.keys(c.bots).length === 0);
      if (!target) {
        await pool().executeUpdate('scalePool', { args: [settled.containers.filter((c) => c.status !== 'dead').length + 1] });
        target = await waitFor('a ready container on host B', async () =>
          (await state()).containers.find((c) => c.host === hostB && c.status === 'ready' && Object.keys(c.bots).length === 0), 90_000);
      }
      await pool().executeUpdate('relocateBot', { args: [bots[0]!.id, target.key] });
      console.log(`no bot on host B after the dockerd restart: moved ${bots[0]!.id} onto ${target.key}`);
    }
    const container = await waitFor('a ready container on host B with a bot', async () => onB(await state()), 90_000);
    const [botId] = Object.keys(container.bots) as [string];
    const deleted = await user.agent.delete(`/api/bots/${botId}`).set('Origin', ORIGIN);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    const [running] = (await containersOn(dockerB)).filter((c) => c.Labels['tradefleet.pool-container'] === container.key);
    await waitFor('the deleted bot\'s state file gone', async () =>
      dockerB.getContainer(running!.Id).getArchive({ path: `/state/${botId}.json` }).then(() => false, (e: { statusCode?: number }) => e.statusCode === 404), 60_000);
    // Every call to Docker has let go of its connection: the worker exits on its own, well before a supervisor's kill.
    const stoppedAt = Date.now();
    const exited = new Promise<number | null>((resolve) => hostWorker.once('exit', (code) => resolve(code)));
    hostWorker.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 8_000))]);
    expect(code).toBe(0);
    console.log(`docker-host worker stopped ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s after SIGTERM`);
  }, 400_000);
});
