// A real FreqTrade bot (engine `freqtrade`) in dry-run against the paper exchange: the bundled TfDipBuyer opens a trade
// on a scripted dip and closes it by ROI, the ledger and the dashboard's API show it; a move to a strategy version
// that cannot start rolls back; stop/start/delete leave no container or volume; a broken upload is refused.
import { MockActivityEnvironment } from '@temporalio/testing';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FreqtradeClient } from '../activities/freqtrade-client.js';
import { createTradeSyncActivities } from '../activities/trade-sync.js';
import { BUNDLED_FREQTRADE_STRATEGIES } from '../domain/bundled-freqtrade-strategies.js';
import { findBotWithSecret } from '../db/bots.js';
import { sql } from '../db/pool.js';
import { botCredentialsPlace, createSecretBox } from '../db/secret-box.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { botClientOf, ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';
import { containersOf, volumesOf } from './bot-docker.js';
import { botThroughExchangeOutage } from './exchange-outage.js';

const docker = new Docker();
let exchange: PaperExchangeHandle;
let platform: TestPlatform;
let user: Awaited<ReturnType<typeof signedUpAgent>>;
let botId: string;
let bot: FreqtradeClient;
/** The extra FreqTrade "release" tag a test makes; untagged once no container uses it. */
let release: string | undefined;

const btcPrice = () => exchange.prices().find((p) => p.symbol === 'BTCUSDT')!.price;
const apiBot = async () => (await user.agent.get(`/api/bots/${botId}`)).body.bot;

async function execIn(containerId: string, cmd: string[]): Promise<string> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  // Multiplexed stream: drop the 8-byte frame headers.
  const raw = Buffer.concat(chunks);
  let text = '';
  for (let o = 0; o + 8 <= raw.length; o += 8 + raw.readUInt32BE(o + 4)) text += raw.subarray(o + 8, o + 8 + raw.readUInt32BE(o + 4)).toString();
  return text.trim();
}

beforeAll(async () => {
  // Prices move only when the test says so.
  exchange = await startPaperExchange({ port: 0, seed: 'freqtrade-bot', tickMs: 0 });
  platform = await startPlatform({ env: { BOT_DRIVER: 'docker', PAPER_EXCHANGE_URL: exchange.url } });
  user = await signedUpAgent(platform.app);
}, 120_000);

afterAll(async () => {
  if (release) await docker.getImage(`tradefleet/freqtrade:${release}`).remove({ noprune: true }).catch(() => undefined);
  await platform?.stop();
  await exchange?.close();
});

// One bot's life in order (provision, trade, move, delete): a FreqTrade bot takes a minute to provision, so its steps
// share it and keep their order even in a shuffled run; the other describes here stand alone.
describe('a FreqTrade bot', { shuffle: false }, () => {
  it('is provisioned by the bot saga into its own hardened container running FreqTrade 2026.9', async () => {
    const created = await user.agent.post('/api/bots').set('Origin', ORIGIN)
      .send({ name: 'Real FreqTrade', pairs: ['BTC/USDT'], stakeAmount: 100, engine: 'freqtrade' });
    expect(created.status).toBe(201);
    expect(created.body.bot).toMatchObject({ engine: 'freqtrade', freqtradeVersion: '2026.9', status: 'provisioning' });
    botId = created.body.bot.id;
    const running = await waitFor('running', async () => {
      const b = await apiBot();
      if (b.status === 'failed') throw new Error(`provisioning failed: ${b.lastError}`);
      return b.status === 'running' ? b : null;
    }, 200_000);
    expect(JSON.stringify(running)).not.toMatch(/password|jwt/i);

    const row = (await findBotWithSecret(platform.db, botId))!;
    const credentials = JSON.parse(createSecretBox(platform.config.TF_SECRET_KEY).open(row.apiCredentials, botCredentialsPlace(row.id)));
    bot = botClientOf(platform, row);
    const config = await bot.showConfig();
    expect(config).toMatchObject({ state: 'running', dry_run: true, strategy: 'TfDipBuyer', stake_currency: 'USDT', bot_name: 'Real FreqTrade' });
    expect(String(config['version'])).toMatch(/^2026\.9/);

    const [container] = await containersOf(botId);
    const info = await docker.getContainer(container!.Id).inspect();
    expect(info.Config.Image).toBe('tradefleet/freqtrade:2026.9');
    expect(info.Config.User).toBe('1000:1000');
    expect(info.HostConfig).toMatchObject({ NetworkMode: 'none', CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'], ReadonlyRootfs: true, Memory: 768 * 1024 * 1024 });
    // The credentials travel only in the config file of the bot's volume: owned by the bot user, mode 0600.
    expect(JSON.stringify(info.Config)).not.toContain(credentials.password);
    expect(await execIn(container!.Id, ['stat', '-c', '%a %u', '/freqtrade/config.json', '/freqtrade/strategies/strategy.py'])).toBe('600 1000\n600 1000');
  }, 240_000);

  it('opens a trade on a scripted dip, closes it by ROI, and the ledger and the dashboard API show it', async () => {
    const start = btcPrice();
    exchange.setPrice('BTCUSDT', start * 0.97); // a close 3 % under the 5-candle average: TfDipBuyer's entry
    const open = await waitFor('an open trade', async () => (await bot.get<Array<{ trade_id: number; open_rate: number }>>('status'))[0], 180_000);
    expect(open.open_rate).toBeLessThan(start * 0.99);
    const view = await user.agent.get(`/api/bots/${botId}/trading`);
    expect(view.status).toBe(200);
    expect(view.body.trading.openTrades).toEqual([expect.objectContaining({ tradeId: open.trade_id, pair: 'BTC/USDT' })]);
    expect(view.body.trading.balance.currency).toBe('USDT');

    exchange.setPrice('BTCUSDT', open.open_rate * 1.04);
    const profit = await waitFor('the trade closed by ROI', async () => {
      const p = await bot.get<{ closed_trade_count: number; profit_closed_coin: number }>('profit');
      return p.closed_trade_count === 1 ? p : null;
    }, 60_000);
    expect(profit.profit_closed_coin).toBeGreaterThan(0);
    const [closed] = (await bot.get<{ trades: Array<{ exit_reason: string }> }>('trades')).trades;
    expect(closed!.exit_reason).toBe('roi');

    const sync = createTradeSyncActivities({ db: platform.db, box: createSecretBox(platform.config.TF_SECRET_KEY), botChannel: { socketDir: platform.config.BOT_SOCKET_DIR, fallbackHost: '127.0.0.1' } });
    await new MockActivityEnvironment().run(sync.syncBotTrades);
    const ledger = await platform.db.one(sql.type(z.object({ n: z.number(), profit: z.number() }))`
      select count(*)::int as n, coalesce(sum(profit_abs), 0)::float8 as profit from bot_trades where bot_id = ${botId} and not is_open`);
    expect(ledger.n).toBe(1);
    expect(ledger.profit).toBeCloseTo(profit.profit_closed_coin, 6);
    const after = await user.agent.get(`/api/bots/${botId}/trading`);
    expect(after.body.trading).toMatchObject({ openTrades: [], profit: { closedTradeCount: 1 } });
  }, 300_000);

  it('force-enters and force-exits a trade from the dashboard API', async () => {
    const entered = await user.agent.post(`/api/bots/${botId}/forceenter`).set('Origin', ORIGIN).send({ pair: 'BTC/USDT' });
    expect(entered.status, JSON.stringify(entered.body)).toBe(200);
    expect(entered.body.trading.openTrades).toEqual([expect.objectContaining({ pair: 'BTC/USDT' })]);
    const again = await user.agent.post(`/api/bots/${botId}/forceenter`).set('Origin', ORIGIN).send({ pair: 'BTC/USDT' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ field: 'pair', message: expect.stringContaining('already has an open trade') });
    const [trade] = await waitFor('the forced entry', async () => (await bot.get<Array<{ trade_id: number }>>('status')).length === 1 && bot.get<Array<{ trade_id: number }>>('status'), 30_000);
    const exit = await user.agent.post(`/api/bots/${botId}/forceexit`).set('Origin', ORIGIN).send({ tradeId: trade!.trade_id });
    expect(exit.status).toBe(200);
    await waitFor('no open trade', async () => (await bot.get<unknown[]>('status')).length === 0, 30_000);
    const [last] = (await bot.get<{ trades: Array<{ trade_id: number; exit_reason: string }> }>('trades?order_by_id=false')).trades;
    expect(last).toMatchObject({ trade_id: trade!.trade_id, exit_reason: 'force_exit' });
  }, 60_000);

  it('takes the platform\'s trailing stop unchanged: the guard exits the trade through FreqTrade\'s /forceexit', async () => {
    expect((await user.agent.post(`/api/bots/${botId}/forceenter`).set('Origin', ORIGIN).send({ pair: 'BTC/USDT' })).status).toBe(200);
    const [trade] = await waitFor('the forced entry', async () => {
      const open = await bot.get<Array<{ trade_id: number; open_rate: number; amount: number }>>('status');
      return open.length === 1 && open;
    }, 30_000);
    const created = await user.agent.post('/api/guards').set('Origin', ORIGIN)
      .send({ target: { kind: 'bot_trade', botId, tradeId: trade!.trade_id }, trail: { trailPct: 2 } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.guard).toMatchObject({ symbol: 'BTC/USDT', entryPrice: trade!.open_rate, amount: trade!.amount });
    const id: string = created.body.guard.id;
    // Up 1.5 % (below TfDipBuyer's 2 % ROI), then down through the trail from that peak.
    exchange.setPrice('BTCUSDT', trade!.open_rate * 1.015);
    await waitFor('the peak', async () => (await user.agent.get(`/api/guards/${id}`)).body.guard.peak >= trade!.open_rate * 1.01, 60_000);
    exchange.setPrice('BTCUSDT', trade!.open_rate * 0.99);
    const done = await waitFor('exited', async () => {
      const body = (await user.agent.get(`/api/guards/${id}`)).body;
      return body.guard.state === 'exited' ? body : null;
    }, 60_000);
    expect(done.events).toEqual([expect.objectContaining({ kind: 'trailing_stop', amount: trade!.amount })]);
    const closed = await bot.get<{ is_open: boolean; exit_reason: string }>(`trade/${trade!.trade_id}`);
    expect(closed).toMatchObject({ is_open: false, exit_reason: 'force_exit' });
  }, 180_000);

  it('rolls back a move to a strategy version that cannot start, then moves to a working one', async () => {
    // Loads fine in the upload check, but the exchange has no 7m candles: FreqTrade exits at start.
    const cannotStart = BUNDLED_FREQTRADE_STRATEGIES[0]!.source.replace('class TfDipBuyer', 'class TfSevenMinutes').replace('timeframe = "1m"', 'timeframe = "7m"');
    const uploaded = await user.agent.post('/api/strategies').set('Origin', ORIGIN).send({ engine: 'freqtrade', content: cannotStart, note: '7m' });
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.strategy).toMatchObject({ name: 'TfSevenMinutes', engine: 'freqtrade', author: user.email });

    const failed = await user.agent.post(`/api/bots/${botId}/move`).set('Origin', ORIGIN).send({ strategyVersionId: uploaded.body.strategy.id });
    expect(failed.status).toBe(200);
    expect(failed.body.move).toMatchObject({ moved: false, status: 'running' });
    expect(failed.body.move.error).toMatch(/7m/);
    expect(failed.body.bot.lastError).toMatch(/^move rolled back: /);
    expect(failed.body.bot.strategyVersionId).not.toBe(uploaded.body.strategy.id);
    expect((await bot.showConfig()).strategy).toBe('TfDipBuyer');

    const strategies = (await user.agent.get('/api/strategies')).body.strategies as Array<{ id: string; name: string }>;
    const ema = strategies.find((s) => s.name === 'TfEmaCrossover')!;
    const moved = await user.agent.post(`/api/bots/${botId}/move`).set('Origin', ORIGIN).send({ strategyVersionId: ema.id });
    expect(moved.body.move).toMatchObject({ moved: true, status: 'running', versions: { strategyVersionId: ema.id } });
    expect((await bot.showConfig()).strategy).toBe('TfEmaCrossover');
    // Still one container, and the trade history survived the moves (it lives in the bot's volume).
    expect(await containersOf(botId)).toHaveLength(1);
    expect((await bot.get<{ closed_trade_count: number }>('profit')).closed_trade_count).toBe(3);
  }, 400_000);

  it('moves to another FreqTrade release in a new container on the same volume', async () => {
    // A second "release" for the test: the same image under another version tag (untagged after the tests).
    release = `2026.9.${100 + Math.floor(Math.random() * 900)}`;
    await docker.getImage('tradefleet/freqtrade:2026.9').tag({ repo: 'tradefleet/freqtrade', tag: release });
    const [before] = await containersOf(botId);
    const moved = await user.agent.post(`/api/bots/${botId}/move`).set('Origin', ORIGIN).send({ freqtradeVersion: release });
    expect(moved.body.move).toMatchObject({ moved: true, status: 'running', versions: { freqtradeVersion: release } });
    expect(moved.body.bot.freqtradeVersion).toBe(release);
    const after = await containersOf(botId);
    expect(after).toHaveLength(1);
    expect(after[0]!.Id).not.toBe(before!.Id);
    expect(after[0]!.Image).toBe(`tradefleet/freqtrade:${release}`);
    expect((await bot.get<{ closed_trade_count: number }>('profit')).closed_trade_count).toBe(3);
    const missing = await user.agent.post(`/api/bots/${botId}/move`).set('Origin', ORIGIN).send({ freqtradeVersion: '2099.1' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ field: 'freqtradeVersion', message: expect.stringContaining('not installed') });
  }, 300_000);

  it('stops, starts and deletes, leaving no container or volume behind', async () => {
    const stopped = await user.agent.post(`/api/bots/${botId}/stop`).set('Origin', ORIGIN);
    expect(stopped.body.bot.status).toBe('stopped');
    expect((await containersOf(botId))[0]!.State).toBe('exited');
    const started = await user.agent.post(`/api/bots/${botId}/start`).set('Origin', ORIGIN);
    expect(started.body.bot.status).toBe('running');
    expect((await bot.showConfig()).state).toBe('running');
    expect(await volumesOf(botId)).toHaveLength(1);

    expect((await user.agent.delete(`/api/bots/${botId}`).set('Origin', ORIGIN)).status).toBe(200);
    expect(await containersOf(botId)).toHaveLength(0);
    expect(await volumesOf(botId)).toHaveLength(0);
  }, 300_000);
});

describe('a FreqTrade bot whose exchange does not answer as it starts', () => {
  it('waits for its exchange, restarted by Docker meanwhile, and runs once the exchange is back', async () => {
    // FreqTrade loads its markets as it starts and exits when it cannot; Docker restarts its container.
    const { id, duringOutage } = await botThroughExchangeOutage(user.agent, exchange, async (bot) => {
      const [container] = await containersOf(String(bot['id']));
      return container ? (await docker.getContainer(container.Id).inspect()).RestartCount : 0;
    });
    expect(duringOutage.status).toBe('provisioning');
    expect((await user.agent.delete(`/api/bots/${id}`).set('Origin', ORIGIN)).status).toBe(200);
    expect(await containersOf(id)).toHaveLength(0);
  }, 700_000);
});

describe('uploading a FreqTrade strategy', () => {
  it('refuses a broken file with the reason, saves nothing, and leaves no check container', async () => {
    const before = (await user.agent.get('/api/strategies')).body.strategies.length;
    const broken = 'from freqtrade.strategy import IStrategy\n\nclass Broken(IStrategy):\n    timeframe = "5m"\n    def populate_indicators(self, dataframe, metadata)\n        return dataframe\n';
    const refused = await user.agent.post('/api/strategies').set('Origin', ORIGIN).send({ engine: 'freqtrade', content: broken });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ field: 'content', message: expect.stringMatching(/does not load: SyntaxError: .*\(line 5\)/) });
    const noClass = await user.agent.post('/api/strategies').set('Origin', ORIGIN).send({ engine: 'freqtrade', content: 'import pandas\nVALUE = 1\n' });
    expect(noClass.body.error.message).toMatch(/defines no strategy class/);
    expect((await user.agent.get('/api/strategies')).body.strategies).toHaveLength(before);
    expect(await docker.listContainers({ all: true, filters: { label: [`tradefleet.user=${user.userId}`, 'tradefleet.strategy-check=true'] } })).toHaveLength(0);
  }, 120_000);
});

describe('a live FreqTrade bot on the user’s exchange account', () => {
  it('places real orders on that account, with the keys only in its 0600 config file', async () => {
    const keys = exchange.createAccount({ balances: { USDT: '5000' } });
    const account = await user.agent.post('/api/exchange-accounts').set('Origin', ORIGIN)
      .send({ exchangeId: 'paper', label: 'ft live', apiKey: keys.apiKey, secret: keys.secret });
    expect(account.status).toBe(201);
    const created = await user.agent.post('/api/bots').set('Origin', ORIGIN)
      .send({ name: 'Live FreqTrade', pairs: ['BTC/USDT'], stakeAmount: 100, engine: 'freqtrade', dryRun: false, exchangeAccountId: account.body.account.id });
    expect(created.status).toBe(201);
    const liveId: string = created.body.bot.id;
    const running = await waitFor('running', async () => {
      const b = (await user.agent.get(`/api/bots/${liveId}`)).body.bot;
      return b.status === 'running' ? b : null;
    }, 200_000);
    expect(JSON.stringify(running)).not.toContain(keys.apiKey);

    const row = (await findBotWithSecret(platform.db, liveId))!;
    const live = botClientOf(platform, row);
    expect((await live.showConfig()).dry_run).toBe(false);
    const [container] = await containersOf(liveId);
    const info = await docker.getContainer(container!.Id).inspect();
    expect(JSON.stringify(info)).not.toContain(keys.secret);
    expect(JSON.stringify(info)).not.toContain(keys.apiKey);
    // The key is in the config file, readable by the bot user only.
    expect(await execIn(container!.Id, ['sh', '-c', 'stat -c "%a %u" /freqtrade/config.json; grep -c "$0" /freqtrade/config.json', keys.apiKey])).toBe('600 1000\n1');

    // Its strategy may have entered on its first loop (the dip an earlier test left): the platform waits for that loop
    // and then refuses a second position instead of racing FreqTrade into two.
    const entered = await user.agent.post(`/api/bots/${liveId}/forceenter`).set('Origin', ORIGIN).send({ pair: 'BTC/USDT' });
    if (entered.status !== 200) expect(entered.body.error.message, JSON.stringify(entered.body)).toMatch(/already has an open trade/);
    await waitFor('the buy on the exchange account', async () => exchange.account(keys.apiKey).trades >= 1, 60_000);
    await waitFor('the trade open in FreqTrade', async () => (await live.get<unknown[]>('status')).length === 1, 30_000);
    await live.post('forceexit', { tradeid: 'all' });
    await waitFor('the sell on the exchange account', async () => exchange.account(keys.apiKey).trades >= 2, 60_000);
    expect(Number(exchange.account(keys.apiKey).balances['USDT']?.free)).toBeLessThan(5000);

    expect((await user.agent.delete(`/api/bots/${liveId}`).set('Origin', ORIGIN)).status).toBe(200);
    expect(await containersOf(liveId)).toHaveLength(0);
    expect(await volumesOf(liveId)).toHaveLength(0);
  }, 300_000);
});
