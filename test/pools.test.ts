// Pooled bots end to end on real parts (API → Temporal → pool scaler → Docker): many bots share one hardened container,
// stop/start/delete only touch their own bot, a drain moves bots live with their open trades, and a killed container's
// bots are placed again and running within a bounded time, each in exactly one container.
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBotWithSecret } from '../db/bots.js';
import { botCredentialsPlace, createSecretBox } from '../db/secret-box.js';
import type { PoolState } from '../domain/pool.js';
import { poolWorkflowId } from '../domain/workflow-ids.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { holdStrategyOf } from './hold-strategy.js';
import { botClientOf, ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';

const docker = new Docker();
let platform: TestPlatform;
let exchange: PaperExchangeHandle;
let user: Awaited<ReturnType<typeof signedUpAgent>>;
/** The bots' strategy: it never trades on its own, so the trade the drain test forces stays open until it moves. */
let hold: string;

const poolContainers = (poolId: string) => docker.listContainers({ all: true, filters: { label: [`tradefleet.pool=${poolId}`] } });
const pings = async (port: number) => {
  try {
    return (await fetch(`http://${platform.config.BOT_API_ADDRESS}:${port}/api/v1/ping`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
};
const botClient = async (botId: string) => {
  const row = (await findBotWithSecret(platform.db, botId))!;
  return botClientOf(platform, row);
};
const poolHandle = () => platform.temporal.workflow.getHandle(poolWorkflowId(platform.config.BOT_POOL_ID));
const state = () => poolHandle().query<PoolState>('state');

async function createRunningBot(name: string): Promise<{ id: string; apiPort: number; poolContainerKey: string }> {
  const created = await user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name, pairs: ['BTC/USDT', 'ETH/USDT'], stakeAmount: 20, strategyVersionId: hold });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return waitFor(`${name} running`, async () => {
    const { body } = await user.agent.get(`/api/bots/${created.body.bot.id}`);
    return body.bot.status === 'running' ? body.bot : null;
  }, 120_000);
}

beforeAll(async () => {
  // Prices stand still, so a forced trade stays open until the test exits it (a random walk could meet the strategy's exit).
  exchange = await startPaperExchange({ port: 0, seed: `pools-${Date.now()}`, tickMs: 0 });
  platform = await startPlatform({ env: { BOT_DRIVER: 'docker', BOT_PLACEMENT: 'pool', PAPER_EXCHANGE_URL: exchange.url } });
  user = await signedUpAgent(platform.app);
  hold = await holdStrategyOf(user);
}, 120_000);

afterAll(async () => {
  for (const c of await poolContainers(platform.config.BOT_POOL_ID)) await docker.getContainer(c.Id).remove({ force: true, v: true });
  await platform?.stop();
  await exchange?.close();
});

// An ordered story: one pool whose containers the steps fill, drain and kill; its steps keep their order in a shuffled run (files still shuffle).
describe('bot pools on Docker', { shuffle: false }, () => {
  let bots: Array<{ id: string; apiPort: number; poolContainerKey: string }> = [];

  it('packs bots into one hardened pool container; stop, start and delete touch only their bot', async () => {
    bots = await Promise.all(['Pool A', 'Pool B', 'Pool C'].map(createRunningBot));
    const [container, ...more] = await poolContainers(platform.config.BOT_POOL_ID);
    expect(more).toHaveLength(0);
    expect(new Set(bots.map((b) => b.poolContainerKey))).toEqual(new Set([container!.Labels['tradefleet.pool-container']]));
    const info = await docker.getContainer(container!.Id).inspect();
    expect(info.HostConfig).toMatchObject({ CapDrop: ['ALL'], ReadonlyRootfs: true, Memory: 512 * 1024 * 1024 });
    expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges');
    expect(info.Config.User).toBe('1000:1000');
    expect(JSON.stringify(info.Config.Env)).not.toMatch(/password|jwtSecret/);
    for (const b of bots) expect(await pings(b.apiPort)).toBe(true);

    const [a, b, c] = bots as [typeof bots[0], typeof bots[0], typeof bots[0]];
    const stopped = await user.agent.post(`/api/bots/${a.id}/stop`).set('Origin', ORIGIN);
    expect(stopped.body.bot.status).toBe('stopped');
    await waitFor('the stopped bot to let go of its port', async () => !(await pings(a.apiPort)));
    expect(await pings(b.apiPort)).toBe(true);
    const started = await user.agent.post(`/api/bots/${a.id}/start`).set('Origin', ORIGIN);
    expect(started.body.bot.status).toBe('running');
    expect(await pings(a.apiPort)).toBe(true);
    // The running host took those lists over its control socket (no tar through the engine): its log says so.
    const logs = (await docker.getContainer(container!.Id).logs({ stdout: true, stderr: true })).toString('utf8');
    expect(logs).toContain('configuration pushed and applied');
    expect(info.Config.Env).toContain('TF_BOT_HOST_CONTROL_SOCKET=/run/tf/host.sock');

    expect((await user.agent.delete(`/api/bots/${b.id}`).set('Origin', ORIGIN)).status).toBe(200);
    await waitFor('the deleted bot gone from its container', async () => !(await pings(b.apiPort)));
    expect(await pings(c.apiPort)).toBe(true);
    await waitFor('the pool forgetting the deleted bot', async () => !(await state()).containers.some((x) => b.id in x.bots));
    bots = [a, c];
  }, 240_000);

  it('drains a container: its bots move live to another one and keep their open trades', async () => {
    const [a] = bots as [typeof bots[0]];
    const client = await botClient(a.id);
    await client.post('forceenter', { pair: 'BTC/USDT' });
    const before = await waitFor('an open trade', async () => (await client.get<Array<{ trade_id: number; open_rate: number }>>('status'))[0]);
    const from = a.poolContainerKey;
    const [drained] = await docker.listContainers({ all: true, filters: { label: [`tradefleet.pool-container=${from}`] } });
    const volumes = (await docker.getContainer(drained!.Id).inspect()).Mounts.map((m) => m.Name!).filter(Boolean);
    expect(volumes.length).toBeGreaterThanOrEqual(2); // its bot list (/config, anonymous) and its saved states (/state)

    await poolHandle().executeUpdate('drainContainer', { args: [from] });
    const moved = await waitFor('both bots in another container', async () => {
      const s = await state();
      const keys = bots.map((b) => s.containers.find((x) => b.id in x.bots)?.key);
      return keys.every((k) => k && k !== from) && !s.containers.some((x) => x.key === from) ? keys : null;
    }, 120_000);
    expect(new Set(moved).size).toBe(1);
    for (const b of bots) await waitFor('a moved bot answering', () => pings(b.apiPort));
    const after = await waitFor('the open trade after the move', async () => (await client.get<Array<{ trade_id: number; open_rate: number }>>('status'))[0]);
    expect(after).toMatchObject({ trade_id: before.trade_id, open_rate: before.open_rate });
    expect((await poolContainers(platform.config.BOT_POOL_ID)).map((c) => c.Labels['tradefleet.pool-container'])).toEqual([moved[0]]);
    // Nothing of the removed container stays on disk: not its volumes, nor the bot credentials its bot list held.
    const left = await Promise.all(volumes.map((v) => docker.getVolume(v).inspect().then(() => v, () => null)));
    expect(left.filter(Boolean)).toEqual([]);
    for (const b of bots) expect((await user.agent.get(`/api/bots/${b.id}`)).body.bot.status).toBe('running');
  }, 240_000);

  it('places the bots of a killed container again, each running in exactly one container', async () => {
    const [victim] = await poolContainers(platform.config.BOT_POOL_ID);
    const killedAt = Date.now();
    await docker.getContainer(victim!.Id).remove({ force: true, v: true });
    for (const b of bots) await waitFor('a bot answering again', () => pings(b.apiPort), 90_000);
    const recoveredMs = Date.now() - killedAt;
    console.log(`pool container killed: its ${bots.length} bots answered again after ${(recoveredMs / 1000).toFixed(1)} s`);
    expect(recoveredMs).toBeLessThan(60_000);
    const running = (await poolContainers(platform.config.BOT_POOL_ID)).filter((c) => c.State === 'running');
    expect(running).toHaveLength(1);
    expect(running[0]!.Labels['tradefleet.pool-container']).not.toBe(victim!.Labels['tradefleet.pool-container']);
    const s = await state();
    for (const b of bots) expect(s.containers.filter((x) => b.id in x.bots)).toHaveLength(1);
    for (const b of bots) expect((await user.agent.get(`/api/bots/${b.id}`)).body.bot.status).toBe('running');
  }, 180_000);

  it('rejects a bad pool setting naming the field, and changes nothing', async () => {
    const before = (await state()).settings;
    await expect(poolHandle().executeUpdate('configurePool', { args: [{ maxBotsPerContainer: 0 }] }))
      .rejects.toMatchObject({ cause: { message: expect.stringMatching(/^maxBotsPerContainer: must be between 1 and/) } });
    expect((await state()).settings).toEqual(before);
  });
});
