// A pooled FreqTrade bot moved to another FreqTrade release, through the whole platform: the pool runs one release, so
// the bot leaves it for a container of its own on the new release, with its open trade (its trade database carried
// from its pool directory); its pool place and directory go, and its sibling in the pool keeps running untouched. A
// release that does not start sends the bot back to its place in the pool, with its trade, and leaves no container.
// Prices stand still, so a trade is open until the test says otherwise.
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FreqtradeClient } from '../activities/freqtrade-client.js';
import { createFreqtradePoolHost } from '../activities/freqtrade-pool-host.js';
import { findBotWithSecret } from '../db/bots.js';
import { freqtradePoolId } from '../domain/freqtrade-pool.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { removePoolOf } from './fleet-check.js';
import { botClientOf, everySecond, ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';
import { containersOf, volumesOf } from './bot-docker.js';

const docker = new Docker();
const host = createFreqtradePoolHost(docker);
const suffix = 100 + Math.floor(Math.random() * 900);
/** A release that runs: the default image under another tag. One that cannot start: the builtin bot host's image. */
const good = `2026.9.${suffix}`;
const broken = `2026.8.${suffix}`;
let exchange: PaperExchangeHandle;
let platform: TestPlatform;
let owner: Awaited<ReturnType<typeof signedUpAgent>>;
type OpenTrade = { trade_id: number; open_rate: number; is_open: boolean };
interface Bot { id: string; trade: OpenTrade }
let mover: Bot;
let sibling: Bot;

const apiBot = async (id: string) => (await owner.agent.get(`/api/bots/${id}`)).body.bot;
/** The bot's FreqTrade API, wherever its row says it runs now. */
const clientOf = async (id: string): Promise<FreqtradeClient> => botClientOf(platform, (await findBotWithSecret(platform.db, id))!);
const openTrade = async (id: string) => ((await (await clientOf(id)).get<OpenTrade[]>('status').catch(() => [])) ?? [])[0];
const startedAt = async (id: string) => (await (await clientOf(id)).get<{ bot_startup_ts: number }>('health')).bot_startup_ts;
const move = (id: string, freqtradeVersion: string) =>
  owner.agent.post(`/api/bots/${id}/move`).set('Origin', ORIGIN).send({ freqtradeVersion, healthTimeoutSeconds: 120 });

async function pooledBotWithTrade(name: string, pair: string): Promise<Bot> {
  const res = await owner.agent.post('/api/bots').set('Origin', ORIGIN).send({ name, pairs: ['BTC/USDT', 'ETH/USDT'], stakeAmount: 40, engine: 'freqtrade' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const id = res.body.bot.id as string;
  const row = await waitFor(`${name} running`, everySecond(async () => {
    const bot = await apiBot(id);
    if (bot.status === 'failed') throw new Error(`bot failed: ${bot.lastError}`);
    return bot.status === 'running' ? bot : null;
  }), 420_000);
  expect(row.placement).toBe('pool');
  const entered = await owner.agent.post(`/api/bots/${id}/forceenter`).set('Origin', ORIGIN).send({ pair });
  expect(entered.status, JSON.stringify(entered.body)).toBe(200);
  return { id, trade: await waitFor(`${name}'s trade`, everySecond(() => openTrade(id)), 90_000) };
}

beforeAll(async () => {
  await docker.getImage('tradefleet/freqtrade:2026.9').tag({ repo: 'tradefleet/freqtrade', tag: good });
  exchange = await startPaperExchange({ port: 0, seed: `freqtrade-release-move-${Date.now()}`, tickMs: 0 });
  platform = await startPlatform({ env: { BOT_DRIVER: 'docker', PAPER_EXCHANGE_URL: exchange.url, FREQTRADE_PLACEMENT: 'pool' } });
  await docker.getImage(platform.config.BOT_IMAGE).tag({ repo: 'tradefleet/freqtrade', tag: broken });
  owner = await signedUpAgent(platform.app);
}, 120_000);

afterAll(async () => {
  for (const bot of [mover, sibling]) if (bot) await owner.agent.delete(`/api/bots/${bot.id}`).set('Origin', ORIGIN).catch(() => undefined);
  await platform?.stopWorker();
  await removePoolOf(docker, platform && freqtradePoolId(platform.config.BOT_POOL_ID));
  await platform?.stop();
  await exchange?.close();
  for (const tag of [good, broken]) await docker.getImage(`tradefleet/freqtrade:${tag}`).remove().catch(() => undefined);
}, 180_000);

describe('a FreqTrade release move of a pooled bot', { shuffle: false }, () => {
  it('starts with two pooled bots in one pool container, each with an open trade', async () => {
    mover = await pooledBotWithTrade('Mover', 'BTC/USDT');
    sibling = await pooledBotWithTrade('Sibling', 'ETH/USDT');
    expect((await apiBot(sibling.id)).poolContainerKey).toBe((await apiBot(mover.id)).poolContainerKey);
  }, 900_000);

  it('a release that cannot start sends the bot back to its pool place, with its trade, and leaves no container', async () => {
    const key = (await apiBot(mover.id)).poolContainerKey as string;
    const res = await move(mover.id, broken);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.move).toMatchObject({ moved: false, status: 'running', versions: { freqtradeVersion: '2026.9' } });
    expect(res.body.move.error).toBeTruthy();
    const row = await apiBot(mover.id);
    expect(row).toMatchObject({ placement: 'pool', freqtradeVersion: '2026.9', status: 'running', poolContainerKey: key });
    expect(row.lastError).toMatch(/^move rolled back: /);
    expect(await containersOf(mover.id)).toEqual([]);
    expect(await volumesOf(mover.id)).toEqual([]);
    const trade = await waitFor('its trade back in the pool', everySecond(() => openTrade(mover.id)), 120_000);
    expect(trade).toMatchObject({ trade_id: mover.trade.trade_id, open_rate: mover.trade.open_rate, is_open: true });
  }, 600_000);

  it('a release that runs moves the bot into a container of its own with its open trade; its sibling keeps running', async () => {
    const key = (await apiBot(mover.id)).poolContainerKey as string;
    const siblingStarted = await startedAt(sibling.id);
    const res = await move(mover.id, good);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.move).toMatchObject({ moved: true, status: 'running', versions: { freqtradeVersion: good } });
    expect(res.body.bot).toMatchObject({ placement: 'dedicated', freqtradeVersion: good, status: 'running' });
    const [container, ...more] = await containersOf(mover.id);
    expect(more).toEqual([]);
    expect(container!.Image).toBe(`tradefleet/freqtrade:${good}`);
    expect(String((await (await clientOf(mover.id)).showConfig())['version'])).toMatch(/^2026\.9/);
    // The same trade, read from the trade database the move carried.
    expect(await openTrade(mover.id)).toMatchObject({ trade_id: mover.trade.trade_id, open_rate: mover.trade.open_rate, is_open: true });
    // Its pool place goes (the row stays running: it was not a pooled bot losing its place), and its pool directory.
    const row = await waitFor('its pool place released', everySecond(async () => {
      const bot = await apiBot(mover.id);
      return bot.poolContainerKey === null ? bot : null;
    }), 60_000);
    expect(row).toMatchObject({ status: 'running', placement: 'dedicated', lastError: null });
    await waitFor('its pool directory deleted', everySecond(async () => (await host.readBotFile(key, mover.id, 'config.json')) === null), 60_000);
    expect((await host.status(key))?.bots[mover.id]).toBeUndefined();
    // The sibling never stopped.
    expect(await startedAt(sibling.id)).toBe(siblingStarted);
    expect(await openTrade(sibling.id)).toMatchObject({ trade_id: sibling.trade.trade_id, is_open: true });
    // The moved bot's owner controls it as before: a force-exit closes its trade.
    const exited = await owner.agent.post(`/api/bots/${mover.id}/forceexit`).set('Origin', ORIGIN).send({ tradeId: mover.trade.trade_id });
    expect(exited.status, JSON.stringify(exited.body)).toBe(200);
    await waitFor('the trade closed', everySecond(async () => (await openTrade(mover.id)) === undefined), 60_000);
  }, 600_000);
});
