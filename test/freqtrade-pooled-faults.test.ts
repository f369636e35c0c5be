// Faults of pooled FreqTrade bots, through the whole platform (API → bot workflow → FreqTrade pool scaler → Docker): a
// SIGKILL of one bot's process restarts that bot alone, with its open trade, while its siblings keep their process,
// their FreqTrade start time and their trades; a SIGKILL of the pool container brings every bot back with its trade
// (Docker restarts the container, or the scaler places its bots again);
// a pool container removed outright has its bots placed again, with their trade databases, in a new container. The
// owner sees a pooled bot's restarts and what last ended it; a bot whose FreqTrade cannot start fails with FreqTrade's
// own error line instead of waiting out its health checks.
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
import { botThroughExchangeOutage } from './exchange-outage.js';

const docker = new Docker();
const host = createFreqtradePoolHost(docker);
let exchange: PaperExchangeHandle;
let platform: TestPlatform;
type Agent = Awaited<ReturnType<typeof signedUpAgent>>;
type OpenTrade = { trade_id: number; open_rate: number; is_open: boolean };
interface PooledBot { id: string; owner: Agent; client: FreqtradeClient; trade: OpenTrade }
const bots: PooledBot[] = [];
/** A strategy the upload check accepts (it loads) but whose bot stops at once: FreqTrade calls bot_start as it starts. */
const REFUSES_TO_START = `from pandas import DataFrame
from freqtrade.strategy import IStrategy


class TfRefusesToStart(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "5m"
    minimal_roi = {"0": 0.1}
    stoploss = -0.1

    def bot_start(self, **kwargs) -> None:
        raise RuntimeError("tf-test: this strategy refuses to start")

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["enter_long"] = 0
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["exit_long"] = 0
        return dataframe
`;

const apiBot = async (b: PooledBot) => (await b.owner.agent.get(`/api/bots/${b.id}`)).body.bot;
const openTrade = async (b: PooledBot) => (await b.client.get<OpenTrade[]>('status').catch(() => []))[0];
const startedAt = async (b: PooledBot) => (await b.client.get<{ bot_startup_ts: number }>('health')).bot_startup_ts;
const keyOf = async (b: PooledBot): Promise<string> => (await apiBot(b)).poolContainerKey;
/** The pool parent's status once it shows every bot running with its process (it writes the file every 3 s). */
const settledStatus = (key: string) => waitFor('every bot running in the pool status', everySecond(async () => {
  const status = await host.status(key);
  return status && bots.every((b) => status.bots[b.id]?.state === 'running' && status.bots[b.id]?.pid) ? status : null;
}), 60_000);
/** Every bot running on the platform, answering with the trade it held: the same id, open rate, still open. */
async function allBack(label: string): Promise<void> {
  for (const b of bots) {
    await waitFor(`${label}: ${b.id} running with its trade`, everySecond(async () => {
      const [row, trade] = [await apiBot(b), await openTrade(b)];
      if (row.status === 'running' && trade?.trade_id === b.trade.trade_id) return trade;
      // What a timeout reports: how far the bot got.
      throw new Error(`status ${row.status}, open trade ${trade?.trade_id ?? 'none'}, pool restarts ${row.poolRestarts}, last exit ${row.poolLastExit ?? '-'}, last error ${row.lastError ?? '-'}`);
    }), 300_000);
    expect(await openTrade(b)).toMatchObject({ trade_id: b.trade.trade_id, open_rate: b.trade.open_rate, is_open: true });
  }
}

beforeAll(async () => {
  exchange = await startPaperExchange({ port: 0, seed: `freqtrade-pooled-faults-${Date.now()}`, tickMs: 0 });
  platform = await startPlatform({ env: { BOT_DRIVER: 'docker', PAPER_EXCHANGE_URL: exchange.url, FREQTRADE_PLACEMENT: 'pool' } });
}, 120_000);

afterAll(async () => {
  await platform?.stopWorker();
  await removePoolOf(docker, platform && freqtradePoolId(platform.config.BOT_POOL_ID));
  await platform?.stop();
  await exchange?.close();
}, 120_000);

// An ordered story: FreqTrade bots take long to start here, so the faults happen one after another to the same bots.
describe('pooled FreqTrade bots under faults', { shuffle: false }, () => {
  it('three bots of two users share a pool container, each with an open trade', async () => {
    const [alice, bob] = [await signedUpAgent(platform.app), await signedUpAgent(platform.app)];
    for (const [i, owner] of [alice, alice, bob].entries()) {
      const res = await owner.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: `Faulty ${i}`, pairs: ['BTC/USDT', 'ETH/USDT'], stakeAmount: 40, engine: 'freqtrade' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const id = res.body.bot.id as string;
      const row = await waitFor(`bot ${i} running`, everySecond(async () => {
        const { body } = await owner.agent.get(`/api/bots/${id}`);
        if (body.bot.status === 'failed') throw new Error(`bot failed: ${body.bot.lastError}`);
        return body.bot.status === 'running' ? body.bot : null;
      }), 420_000);
      expect(row.placement).toBe('pool');
      const client = botClientOf(platform, (await findBotWithSecret(platform.db, id))!);
      const entered = await owner.agent.post(`/api/bots/${id}/forceenter`).set('Origin', ORIGIN).send({ pair: i % 2 ? 'ETH/USDT' : 'BTC/USDT' });
      expect(entered.status, JSON.stringify(entered.body)).toBe(200);
      const bot: PooledBot = { id, owner, client, trade: undefined as unknown as OpenTrade };
      bot.trade = await waitFor(`bot ${i}'s trade`, everySecond(() => openTrade(bot)), 90_000);
      bots.push(bot);
    }
    expect(new Set(await Promise.all(bots.map(keyOf))).size).toBe(1);
  }, 1_500_000);

  it("a SIGKILL of one bot's process restarts that bot alone, with its open trade", async () => {
    const [target, ...others] = bots as [PooledBot, ...PooledBot[]];
    const key = await keyOf(target);
    const before = await settledStatus(key);
    const othersStarted = await Promise.all(others.map(startedAt));
    const container = docker.getContainer((await host.containerId(key))!);
    const exec = await container.exec({ Cmd: ['sh', '-c', `kill -9 ${before.bots[target.id]!.pid}`], User: '1000:1000', AttachStdout: true, AttachStderr: true });
    await exec.start({ hijack: true, stdin: false });
    const after = await waitFor('the killed bot running again', everySecond(async () => {
      const s = (await host.status(key))?.bots[target.id];
      return s && s.restarts === before.bots[target.id]!.restarts + 1 && s.state === 'running' ? s : null;
    }), 240_000);
    expect(after.lastExit!.reason).toBe('signal 9');
    await allBack('after one bot was killed');
    // Its owner sees it on the bot: the restart, and what ended the process (recorded by the pool's next cycle).
    const shown = await waitFor('the restart shown with the bot', everySecond(async () => {
      const row = await apiBot(target);
      return row.poolRestarts === after.restarts ? row : null;
    }), 60_000);
    expect(shown.poolLastExit).toMatch(/^ended by signal 9 at /);
    for (const b of others) expect((await apiBot(b)).poolLastExit).toBeNull();
    // The siblings never stopped: the same process, the same FreqTrade start time, no restart.
    const now = await settledStatus(key);
    for (const b of others) expect(now.bots[b.id]).toMatchObject({ pid: before.bots[b.id]!.pid, restarts: before.bots[b.id]!.restarts });
    expect(await Promise.all(others.map(startedAt))).toEqual(othersStarted);
  }, 600_000);

  it('a strategy version move restarts only that bot, on the new strategy, with its open trade', async () => {
    const [target, ...others] = [bots[2]!, bots[0]!, bots[1]!];
    const key = await keyOf(target);
    const before = await settledStatus(key);
    const strategies = (await target.owner.agent.get('/api/strategies')).body.strategies as Array<{ id: string; name: string }>;
    const ema = strategies.find((st) => st.name === 'TfEmaCrossover')!;
    const moved = await target.owner.agent.post(`/api/bots/${target.id}/move`).set('Origin', ORIGIN).send({ strategyVersionId: ema.id });
    expect(moved.body.move, JSON.stringify(moved.body)).toMatchObject({ moved: true, status: 'running', versions: { strategyVersionId: ema.id } });
    expect((await target.client.showConfig()).strategy).toBe('TfEmaCrossover');
    await allBack('after the strategy move');
    const now = await settledStatus(key);
    for (const b of others) expect(now.bots[b.id]).toMatchObject({ pid: before.bots[b.id]!.pid });
  }, 400_000);

  it("a bot whose FreqTrade cannot start fails with FreqTrade's own error, and its siblings keep running", async () => {
    const owner = await signedUpAgent(platform.app);
    const uploaded = await owner.agent.post('/api/strategies').set('Origin', ORIGIN).send({ engine: 'freqtrade', content: REFUSES_TO_START, note: 'fails at bot start' });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    const created = await owner.agent.post('/api/bots').set('Origin', ORIGIN)
      .send({ name: 'Cannot start', pairs: ['BTC/USDT'], stakeAmount: 10, engine: 'freqtrade', strategyVersionId: uploaded.body.strategy.id });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const t0 = Date.now();
    const failed = await waitFor('the bot failed', everySecond(async () => {
      const { body } = await owner.agent.get(`/api/bots/${created.body.bot.id}`);
      return body.bot.status === 'failed' ? body.bot : null;
    }), 300_000);
    console.log(`a pooled FreqTrade bot that cannot start failed ${((Date.now() - t0) / 1000).toFixed(1)} s after its create`);
    expect(failed.lastError, failed.lastError).toContain('tf-test: this strategy refuses to start');
    expect(failed.lastError).toMatch(/FreqTrade exited \d+ times while starting/);
    for (const b of bots) expect(await openTrade(b)).toMatchObject({ trade_id: b.trade.trade_id, is_open: true });
    // Its place is given back: the pool forgets it although it was waiting out a restart backoff (no process to stop).
    const keys = (await docker.listContainers({ filters: { label: [`tradefleet.pool=${freqtradePoolId(platform.config.BOT_POOL_ID)}`] } }))
      .map((c) => c.Labels['tradefleet.pool-container']!);
    expect(keys.length).toBeGreaterThan(0);
    await waitFor('the failed bot gone from every pool container', everySecond(async () => {
      const statuses = await Promise.all(keys.map((k) => host.status(k)));
      return statuses.every((st) => st && !(created.body.bot.id in st.bots));
    }), 60_000);
  }, 400_000);

  it('a bot whose exchange does not answer as it starts waits for it, and runs once the exchange is back', async () => {
    const owner = await signedUpAgent(platform.app);
    // FreqTrade loads its markets as it starts and exits when it cannot; its pool restarts it.
    const { id, duringOutage } = await botThroughExchangeOutage(owner.agent, exchange, async (bot) => Number(bot['poolRestarts'] ?? 0));
    expect(duringOutage['poolLastExit']).toContain('Could not load markets');
    expect(duringOutage.status).toBe('provisioning');
    expect((await owner.agent.delete(`/api/bots/${id}`).set('Origin', ORIGIN)).status).toBeLessThan(300);
  }, 700_000);

  it('a SIGKILL of the pool container brings every bot back with its open trade', async () => {
    const key = await keyOf(bots[0]!);
    const container = docker.getContainer((await host.containerId(key))!);
    const before = await container.inspect();
    await container.kill({ signal: 'SIGKILL' });
    // Docker restarts the container (unless-stopped), or the scaler, finding it dead first, places its bots again
    // in a new one with their directories: either way every bot comes back with the trade it held.
    await allBack('after the container was killed');
    const now = await Promise.all(bots.map(keyOf));
    expect(new Set(now).size).toBe(1);
    if (now[0] === key) expect((await container.inspect()).State.Pid).not.toBe(before.State.Pid);
  }, 900_000);

  it('a pool container removed outright has its bots placed again, with their trade databases', async () => {
    const key = await keyOf(bots[0]!);
    await docker.getContainer((await host.containerId(key))!).remove({ force: true });
    await waitFor('the bots placed in another container', everySecond(async () => {
      const keys = await Promise.all(bots.map(keyOf));
      return keys.every((k) => k && k !== key);
    }), 300_000);
    await allBack('after the container was removed');
  }, 900_000);
});
